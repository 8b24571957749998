"""AST helpers: finding classes, ladders, type checks and string switches in learner code."""

from __future__ import annotations

import ast
import textwrap

import pytest

from app.grading import pyast
from app.grading.pyast import LearnerSyntaxError


def tree(source: str):
    """Parse dedented source."""
    return pyast.parse(textwrap.dedent(source), "learner.py")


LADDER = tree(
    """
    class Calculator:
        def cost(self, parcel, method):
            if parcel.weight <= 0:
                raise ValueError("weight")
            if method == "standard":
                return 1
            elif method == "express":
                return 2
            elif method in ("overnight", "same-day"):
                return 3
            else:
                raise ValueError(method)
    """
)

STRATEGY = tree(
    """
    from typing import Protocol

    class Strategy(Protocol):
        def cost(self, parcel): ...

    class Standard:
        def cost(self, parcel):
            return 1

    class Express:
        def cost(self, parcel):
            return 2

    class Calculator:
        def __init__(self, strategy):
            self.strategy = strategy

        def quote(self, parcel):
            if parcel.weight <= 0:
                raise ValueError("weight")
            return round(self.strategy.cost(parcel), 2)

    STRATEGIES = {"standard": Standard(), "express": Express()}
    """
)


def test_syntax_error_names_file_and_line():
    with pytest.raises(LearnerSyntaxError) as info:
        pyast.parse("x = 1\ndef broken(:\n", "shipping.py")
    assert (info.value.name, info.value.line) == ("shipping.py", 2)
    assert str(info.value).startswith("shipping.py line 2: ")


def test_null_bytes_are_a_learner_syntax_error_too():
    with pytest.raises(LearnerSyntaxError):
        pyast.parse("x = 1\x00", "shipping.py")


def test_find_class_and_function_including_methods():
    assert pyast.find_class(STRATEGY, "Calculator").lineno == 15
    assert pyast.find_class(STRATEGY, "Missing") is None
    assert pyast.find_function(STRATEGY, "Calculator.quote").name == "quote"
    assert pyast.find_function(STRATEGY, "Calculator.cost") is None
    assert pyast.find_function(STRATEGY, "cost").lineno == 5  # first one, in source order


def test_classes_implementing_a_method_and_stub_detection():
    implementing = pyast.classes_implementing(STRATEGY, "cost")
    assert [c.name for c in implementing] == ["Strategy", "Standard", "Express"]
    stubs = [pyast.is_stub(pyast.methods(c)["cost"]) for c in implementing]
    assert stubs == [True, False, False]
    assert pyast.base_names(implementing[0]) == ["Protocol"]


def test_if_chain_counts_an_elif_ladder_once():
    chains = pyast.if_chains(LADDER)
    assert [(c.line, c.branches, c.has_else) for c in chains] == [(4, 1, False), (6, 3, True)]
    assert [c.line for c in pyast.if_chains(LADDER, min_branches=2)] == [6]


def test_else_containing_only_an_if_is_the_same_ladder():
    nested = tree(
        """
        if a:
            x = 1
        else:
            if b:
                x = 2
            else:
                x = 3
        """
    )
    [chain] = pyast.if_chains(nested)
    assert chain.branches == 2 and chain.has_else


def test_chained_conditional_expressions_count_as_a_ladder():
    [chain] = pyast.if_chains(tree("price = 1 if m == 'a' else 2 if m == 'b' else 3\n"))
    assert (chain.kind, chain.branches) == ("ifexp", 2)


def test_sibling_ifs_with_early_returns_form_a_sequence():
    sequence = tree(
        """
        def cost(mode):
            if mode == "a":
                return 1
            if mode == "b":
                return 2
            return 3
        """
    )
    [run] = pyast.if_sequences(sequence)
    assert (run.line, run.kind, run.branches) == (3, "sequence", 2)
    assert pyast.if_sequences(tree("if a:\n    pass\nx = 1\nif b:\n    pass\n")) == []


def test_type_checks_find_isinstance_and_type_comparisons():
    checks = pyast.type_checks(
        tree(
            """
            isinstance(s, A)
            issubclass(C, A)
            type(s) is A
            type(s).__name__ == "A"
            s.__class__ == A
            type(s)
            s.kind == "a"
            """
        )
    )
    assert [c.line for c in checks] == [2, 3, 4, 5, 6]
    assert checks[0].code == "isinstance(s, A)"
    assert [c.lineno for c in pyast.isinstance_calls(tree("isinstance(a, B)\n"))] == [1]


def test_string_switch_finds_ladders_on_one_subject():
    [switch] = pyast.string_switches(LADDER)
    assert (switch.line, switch.subject, switch.kind) == (6, "method", "if")
    assert switch.values == ("standard", "express", "overnight", "same-day")


def test_string_switch_finds_reversed_or_combined_and_match_forms():
    reversed_or = tree(
        """
        if "a" == mode or mode == "b":
            pass
        elif mode == "c":
            pass
        match mode:
            case "x":
                pass
            case "y":
                pass
        """
    )
    switches = [(s.kind, s.values) for s in pyast.string_switches(reversed_or)]
    assert switches == [("if", ("a", "b", "c")), ("match", ("x", "y"))]


def test_string_switch_is_reported_once_when_seen_both_as_chain_and_sequence():
    both = tree(
        """
        if m == "a":
            pass
        elif m == "b":
            pass
        if m == "c":
            pass
        """
    )
    assert [s.line for s in pyast.string_switches(both)] == [2]


def test_no_string_switch_in_data_driven_or_unrelated_code():
    assert pyast.string_switches(STRATEGY) == []
    mixed = tree("if a == 'x':\n    pass\nelif b == 'y':\n    pass\n")
    assert pyast.string_switches(mixed) == []


def test_type_switches_find_isinstance_ladders_and_class_patterns():
    source = tree(
        """
        if isinstance(s, A):
            pass
        elif isinstance(s, B):
            pass
        match s:
            case A():
                pass
            case B():
                pass
        """
    )
    assert [(t.line, t.kind, t.branches) for t in pyast.type_switches(source)] == [
        (2, "if", 2), (6, "match", 2)
    ]
    assert pyast.type_switches(STRATEGY) == []


def test_calls_to_finds_functions_and_methods_by_name():
    calls = pyast.calls_to(STRATEGY, "cost")
    assert [c.lineno for c in calls] == [22]
    assert [c.lineno for c in pyast.calls_to(STRATEGY, "round")] == [22]


def test_parse_submission_reads_the_learner_file(tmp_path, monkeypatch):
    from app.grading import submission

    (tmp_path / "mine.py").write_text("class A:\n    pass\n")
    monkeypatch.setattr(submission, "ROOT", tmp_path)
    assert pyast.find_class(pyast.parse_submission("mine.py"), "A") is not None


# ------------------------------------------------------------ names, bases, methods, dispatch


def test_an_alias_is_followed_to_the_class_it_stands_for():
    module = tree(
        """
        import legacy_bank as lb
        from legacy_bank import LegacyBankClient as Old
        _Base = LegacyBankClient
        _Twice = _Base

        class A(_Twice): ...
        class B(lb.LegacyBankClient): ...
        class C(Old): ...
        class D(Protocol[T]): ...
        """
    )
    for name in "ABC":
        assert pyast.resolved_bases(module, pyast.find_class(module, name)) == [
            "LegacyBankClient"
        ], name
    assert pyast.resolved_bases(module, pyast.find_class(module, "D")) == ["Protocol"]
    assert pyast.resolve_name(module, "Unknown") == "Unknown"


def test_ancestors_and_methods_resolve_through_bases_in_the_file():
    module = tree(
        """
        class Root:
            def export(self):
                return self._render()
            def _render(self):
                return self.header() + self.rows()
            def header(self):
                return ""
        Base = Root
        class Csv(Base):
            def rows(self):
                return "a,b"
        """
    )
    csv = pyast.find_class(module, "Csv")
    assert pyast.ancestor_names(module, csv) == ["Root"]
    owner, method = pyast.resolve_method(module, csv, "header")
    assert (owner.name, method.name) == ("Root", "header")
    assert pyast.resolve_method(module, csv, "footer") is None
    reached = [(c.name, m.name) for c, m in pyast.reachable_methods(module, csv, "export")]
    assert reached == [
        ("Root", "export"), ("Root", "_render"), ("Root", "header"), ("Csv", "rows")
    ]


def test_dispatch_on_enums_constants_and_numbers_is_found():
    module = tree(
        """
        from enum import Enum
        class Mode(Enum):
            STANDARD = 1
            EXPRESS = 2
        EXPRESS = "express"
        OVERNIGHT = "overnight"

        def by_enum(mode):
            if mode is Mode.STANDARD:
                return 1
            elif mode == Mode.EXPRESS:
                return 2

        def by_constant(mode):
            if mode == EXPRESS:
                return 1
            if mode == OVERNIGHT:
                return 2
            return 0

        def by_match(mode):
            match mode:
                case Mode.STANDARD:
                    return 1
                case Mode.EXPRESS:
                    return 2
        """
    )
    found = [(d.line, d.kind, d.subject) for d in pyast.dispatches(module)]
    assert found == [(10, "compare", "mode"), (16, "compare", "mode"), (23, "compare", "mode")]


def test_dispatch_by_attributes_tables_and_subclasses_is_found():
    module = tree(
        """
        PRICES = {"Milk": 0.5}
        def by_probe(drink):
            if hasattr(drink, "milk"):
                return 1
            elif hasattr(drink, "sugar"):
                return 2
        def by_name(self, event):
            return getattr(self, "on_" + event)()
        def by_table(drink):
            return PRICES[type(drink).__name__] + PRICES.get(drink.__class__, 0)
        def by_discovery(name):
            return next(c for c in Handler.__subclasses__() if c.name == name)
        """
    )
    found = [(d.line, d.kind) for d in pyast.dispatches(module)]
    assert found == [
        (4, "attribute"), (9, "attribute"), (11, "lookup"), (13, "subclasses")
    ]


def test_what_is_not_dispatch_is_left_alone():
    module = tree(
        """
        STRATEGIES = {"standard": Standard(), "express": Express()}
        class Proxy:
            def __getattr__(self, name):
                return getattr(self._service, name)
        def quote(self, parcel):
            if parcel.weight_kg <= 0:
                raise ValueError("weight")
            if parcel.fragile is None:
                return 0
            return round(STRATEGIES[self.name].cost(parcel), 2)
        """
    )
    assert pyast.dispatches(module) == []


def test_a_table_indexed_by_a_tag_counts_only_when_asked():
    module = tree(
        """
        class State:
            def move(self, order, action):
                return MOVES[(self.status, action)]
            def label(self):
                return LABELS.get(self.name)
        """
    )
    assert pyast.dispatches(module) == []
    found = [(d.line, d.kind) for d in pyast.dispatches(module, tags=("status", "name"))]
    assert found == [(4, "lookup"), (6, "lookup")]


def test_calls_on_others_follow_helpers_and_literal_method_names():
    """undo() reaches command.undo() through a static helper that calls getattr(x, action)()."""
    found = tree(
        """
        class Editor:
            def undo(self):
                return self._move(self.done, self.undone, "undo")

            def redo(self):
                return self._move(self.undone, self.done, action="execute")

            @staticmethod
            def _move(source, target, action):
                command = source.pop()
                getattr(command, action)()
                target.append(command)
                return True

        class Snapshots:
            def undo(self):
                self.restore(self.history.pop())

            def restore(self, text):
                self.document.text = text
        """
    )
    editor, snapshots = pyast.find_class(found, "Editor"), pyast.find_class(found, "Snapshots")
    undo_calls = pyast.calls_on_others(found, editor, "undo")
    assert "undo" in undo_calls and "execute" not in undo_calls
    assert "execute" in pyast.calls_on_others(found, editor, "redo")
    assert "undo" not in pyast.calls_on_others(found, snapshots, "undo")


def test_bound_arguments_and_what_a_callable_asks():
    """A helper's parameter is matched to the caller's argument; a lambda's calls are read."""
    found = tree(
        """
        class Bundle:
            def price(self):
                return sum(self._each(lambda item: item.price(), scale=2))

            def count(self):
                return self._each(operator.methodcaller("item_count"))

            def _each(self, call, scale=1):
                return [call(item) * scale for item in self.items]
        """
    )
    bundle = pyast.find_class(found, "Bundle")
    helper = pyast.methods(bundle)["_each"]
    price_call = next(
        n for n in ast.walk(pyast.methods(bundle)["price"])
        if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "_each"
    )
    given = pyast.bound_argument(price_call, helper, "call")
    assert pyast.methods_called_on_argument(given) == {"price"}
    assert ast.unparse(pyast.bound_argument(price_call, helper, "scale")) == "2"
    count_call = next(
        n for n in ast.walk(pyast.methods(bundle)["count"])
        if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "_each"
    )
    assert ast.unparse(pyast.bound_argument(count_call, helper, "scale")) == "1"  # default
    assert pyast.methods_called_on_argument(
        pyast.bound_argument(count_call, helper, "call")
    ) == {"item_count"}
    assert pyast.methods_called_on_argument(ast.parse("print", mode="eval").body) == set()


def test_attribute_probes_are_hasattr_and_getattr_with_a_default():
    """hasattr(x, n) and getattr(x, n, d) probe an object; getattr(x, n) just reads it."""
    found = tree(
        """
        def price(item):
            if hasattr(item, "price"):
                return item.price()
            return getattr(item, "list_price", 0) + getattr(item, "tax")
        """
    )
    probes = pyast.attribute_probes(found)
    assert [(line, ast.unparse(subject)) for line, _, subject in probes] == [
        (3, "item"), (5, "item")
    ]


def test_names_a_class_body_binds_count_as_its_members():
    source = tree(
        """
        from functools import partialmethod

        def _refuse(message):
            def action(self, order):
                raise ValueError(message)
            return action

        class Base:
            def pay(self, order): ...

        class New(Base):
            ship = _refuse("not paid")
            deliver: object = _refuse("not shipped")
            a = b = 1
            cancel = partialmethod(Base.pay)

        New.refund = _refuse("no")
        setattr(New, "hold", _refuse("no"))
        """
    )
    new = pyast.find_class(source, "New")
    assert set(pyast.bound_names(new)) == {"ship", "deliver", "a", "b", "cancel"}
    assert pyast.class_members(source, new) >= {
        "pay", "ship", "deliver", "cancel", "refund", "hold",
    }


def test_a_class_the_source_cannot_read_has_no_members_to_judge():
    source = tree(
        """
        from dataclasses import dataclass
        from somewhere import Mixin

        def add_actions(cls):
            return cls

        @dataclass
        class Plain:
            x: int = 0

        class Imported(Mixin): ...

        @add_actions
        class Decorated: ...

        class Forwarding:
            def __getattr__(self, name): ...
        """
    )
    assert pyast.class_members(source, pyast.find_class(source, "Plain")) == {"x"}
    for name in ("Imported", "Decorated", "Forwarding"):
        assert pyast.class_members(source, pyast.find_class(source, name)) is None


def test_one_decision_on_what_an_object_is_is_found_in_any_shape():
    source = tree(
        """
        class OrderState:
            name = "new"

            def cancel(self, order):
                if self.name in ("new", "paid"):
                    if self.name == "paid":
                        order.refunded = order.total
                refund = order.state.status != "new"
                match self.name:
                    case "paid":
                        pass
                if isinstance(self, Paid):
                    pass
                return MOVES.get(self.name)

        class Paid(OrderState):
            pass
        """
    )
    found = pyast.decisions_on_identity(source, source, ("name", "status"))
    assert [(d.line, d.kind) for d in found] == [
        (6, "compare"), (7, "compare"), (9, "compare"), (10, "compare"), (13, "type"),
        (15, "lookup"),
    ]


def test_what_an_object_is_called_is_left_alone_when_nothing_is_decided():
    source = tree(
        """
        class Order:
            @property
            def status(self):
                return self.state.name

            def describe(self):
                if self.total > 0 and self.state is not None:
                    return f"{self.state.name}: {self.total}"
        """
    )
    assert pyast.decisions_on_identity(source, source, ("name", "status", "state")) == []


def test_a_method_bound_with_partialmethod_is_followed_into_its_helper():
    source = tree(
        """
        from functools import partialmethod

        class Editor:
            def _move(self, source, target, action):
                command = self.stacks[source].pop()
                getattr(command, action)()

            undo = partialmethod(_move, "done", "undone", "undo")
            redo = partialmethod(_move, "undone", "done", "execute")
        """
    )
    editor = pyast.find_class(source, "Editor")
    helper, call = pyast.partial_binding(source, editor, "undo")
    assert helper.name == "_move"
    assert pyast.calls_on_others(source, editor, "undo") >= {"undo"}
    assert "undo" not in pyast.calls_on_others(source, editor, "redo")
    assert pyast.partial_binding(source, editor, "_move") is None


def test_singledispatch_with_registered_types_is_a_type_dispatch():
    source = tree(
        """
        from functools import singledispatch

        @singledispatch
        def price_of(item):
            return item.price()

        @price_of.register
        def _(item: int):
            return item

        @singledispatch
        def alone(item):
            return item
        """
    )
    assert pyast.single_dispatches(source) == [(5, "price_of")]
    assert [(d.line, d.kind) for d in pyast.dispatches(source)] == [(5, "type")]
