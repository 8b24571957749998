"""Checks for the behavioral patterns, each tried on a good and on bad snippets."""

from __future__ import annotations

import textwrap
from abc import ABC
from abc import abstractmethod

from app.grading import pyast
from app.grading.patterns import behavioral


def tree(source: str):
    """Parse dedented source."""
    return pyast.parse(textwrap.dedent(source), "learner.py")


# --------------------------------------------------------------------------- shared helpers


def test_mentions_ancestors_and_self_calls():
    source = tree(
        """
        class Base:
            def run(self):
                self.first()
                self.second()
                self.first()

        class Middle(Base):
            pass

        class Leaf(Middle):
            def make(self):
                return Other(), mod.Other
        """
    )
    leaf = pyast.find_class(source, "Leaf")
    assert behavioral.ancestors(source, leaf) == ["Middle", "Base"]
    # Bases are not mentions; the body's bare and qualified references are.
    assert behavioral.mentions(leaf, ["Middle", "Other"]) == [
        behavioral.Mention(13, "Other"),
        behavioral.Mention(13, "Other"),
    ]
    assert behavioral.self_calls(pyast.find_function(source, "Base.run")) == ["first", "second"]


def test_ladders_report_string_and_type_ladders_anywhere_in_the_file():
    bad = tree(
        """
        def price(mode):
            if mode == "a":
                return 1
            elif mode == "b":
                return 2

        def kind(x):
            if isinstance(x, int):
                return 1
            elif isinstance(x, str):
                return 2
        """
    )
    problems = behavioral.ladders(bad, "learner.py")
    assert len(problems) == 2
    assert problems[0].startswith("learner.py line 3: code here still chooses by comparing mode")
    assert "2 type checks" in problems[1]
    assert behavioral.ladders(tree("PRICES = {'a': 1, 'b': 2}\n"), "learner.py") == []


def test_recorder_records_reads_and_replies():
    seen = []
    recorder = behavioral.Recorder(
        "handle", read=lambda x: x * 2, then=lambda rec, x: seen.append(x), reply="ok"
    )
    assert recorder.handle(3) == "ok"
    assert recorder.calls == [6] and seen == [3]
    plain = behavioral.Recorder()
    plain.update("a", "b")
    assert plain.calls == [("a", "b")]


# --------------------------------------------------------------------------- Observer


class Subject:
    """A correct subject: stores first, notifies a copy of its subscribers."""

    def __init__(self):
        self.value = 0
        self.subscribers = []

    def subscribe(self, observer):
        self.subscribers.append(observer)

    def unsubscribe(self, observer):
        if observer in self.subscribers:
            self.subscribers.remove(observer)

    def set(self, value):
        self.value = value
        for observer in list(self.subscribers):
            observer.update(self)


class NotifiesFirst(Subject):
    def set(self, value):
        for observer in list(self.subscribers):
            observer.update(self)
        self.value = value


class NotifiesTwice(Subject):
    def set(self, value):
        super().set(value)
        super().set(value)


class KeepsDeadObservers(Subject):
    def unsubscribe(self, observer):
        pass


class LoopsOverLiveList(Subject):
    def set(self, value):
        self.value = value
        for observer in self.subscribers:
            observer.update(self)


class NeverNotifies(Subject):
    def set(self, value):
        self.value = value


def after_change(subject):
    return behavioral.notified_after_change(
        subject, lambda: subject.set(5), lambda s: s.value,
        subject_name="Subject", state_name="the value",
    )


def test_notified_after_change():
    assert after_change(Subject()) == []
    [before] = after_change(NotifiesFirst())
    assert "notified its observers before the value changed" in before
    assert "still saw 0" in before
    [never] = after_change(NeverNotifies())
    assert "never called update()" in never and "not left to ask for it" in never
    [twice] = after_change(NotifiesTwice())
    assert "2 times" in twice
    [missing] = after_change(object())
    assert missing == "Subject has no subscribe(observer) method"


def test_unsubscribe_stops_notifications():
    def check(subject):
        return behavioral.unsubscribe_stops_notifications(subject, lambda: subject.set(1))

    assert check(Subject()) == []
    [dead] = check(KeepsDeadObservers())
    assert "was still notified" in dead and "keeps dead subscribers" in dead
    [silent] = check(NeverNotifies())
    assert "did not notify an observer that was still subscribed" in silent


def test_safe_to_unsubscribe_while_notified():
    def check(subject):
        return behavioral.safe_to_unsubscribe_while_notified(
            subject, lambda: subject.set(subject.value + 1)
        )

    assert check(Subject()) == []
    [skipped] = check(LoopsOverLiveList())
    assert "missed the notification" in skipped and "copy" in skipped
    [again] = check(KeepsDeadObservers())
    assert "was notified again" in again


def test_a_crash_inside_a_probe_becomes_a_problem():
    class Broken(Subject):
        def subscribe(self, observer):
            raise RuntimeError("full")

    [problem] = after_change(Broken())
    assert problem == "Subject.subscribe(observer) raised RuntimeError: full"


def test_subject_decoupled():
    good = tree(
        """
        class Ticker:
            def notify(self):
                for observer in list(self.subscribers):
                    observer.update(self)
        """
    )
    assert behavioral.subject_decoupled(good, "Ticker", ["Log"]) == []
    comprehension = tree(
        """
        class Ticker:
            def notify(self):
                [callback(self) for callback in self.callbacks]
        """
    )
    assert behavioral.subject_decoupled(comprehension, "Ticker", ["Log"]) == []
    hard_wired = tree(
        """
        class Ticker:
            def __init__(self):
                self.log = Log()

            def notify(self):
                if isinstance(self.log, Log):
                    self.log.update(self)
        """
    )
    problems = behavioral.subject_decoupled(hard_wired, "Ticker", ["Log"])
    assert problems[0].startswith("line 4: Ticker names Log.")
    assert any("asks what type an observer is" in p for p in problems)
    assert "never loops over its subscribers" in problems[-1]
    assert behavioral.subject_decoupled(good, "Missing", []) == ["there is no class Missing"]


# --------------------------------------------------------------------------- Template Method

TEMPLATE = """
class Report:
    def export(self, rows):
        lines = [self.header()] + [self.line(r) for r in rows]
        return "\\n".join(lines)

class Csv(Report):
    def header(self):
        return "h"

    def line(self, row):
        return str(row)
"""


def test_template_owned_by_base_accepts_a_real_template():
    good = tree(TEMPLATE)
    assert behavioral.template_owned_by_base(good, "Report", "export") == []
    assert behavioral.subclasses_fill_in_steps(good, "Report", "export", ["Csv"]) == []


def test_template_owned_by_base_rejects_missing_switching_and_knowing_bases():
    no_base = tree("class Csv:\n    pass\n")
    [missing] = behavioral.template_owned_by_base(no_base, "Report", "export")
    assert missing.startswith("there is no class Report")
    stub = tree("class Report:\n    def export(self, rows):\n        ...\n")
    [no_template] = behavioral.template_owned_by_base(stub, "Report", "export")
    assert "has no working export()" in no_template
    switching = tree(
        """
        class Report:
            def export(self, rows):
                if self.fmt == "csv":
                    return "csv"
                elif self.fmt == "md":
                    return "md"
                if isinstance(self, Csv):
                    return "csv"

        class Csv(Report):
            fmt = "csv"
        """
    )
    problems = behavioral.template_owned_by_base(switching, "Report", "export")
    assert "names its subclass Csv" in problems[0]
    assert "still chooses by comparing self.fmt with 'csv', 'md'" in problems[1]
    assert "asks what type it is" in problems[2]
    assert "calls only 0 of its own steps" in problems[3]


def test_subclasses_fill_in_steps_names_each_kind_of_override():
    source = tree(
        TEMPLATE
        + """
class Copy(Report):
    def export(self, rows):
        return "\\n".join(["h", *map(str, rows)])

class Extends(Report):
    def export(self, rows):
        return super().export(rows).upper()

class Tools(Report):
    def kept(self, rows):
        return [r for r in rows if r]

class Helper(Tools):
    def export(self, rows):
        return "\\n".join(self.kept(rows))

class Alone:
    def export(self, rows):
        return ""
"""
    )
    names = ["Copy", "Extends", "Helper", "Alone", "Gone"]
    copy, extends, alone, gone = behavioral.subclasses_fill_in_steps(
        source, "Report", "export", [n for n in names if n != "Helper"]
    )
    [helper] = behavioral.subclasses_fill_in_steps(source, "Tools", "export", ["Helper"])
    assert "Copy overrides export() and replaces the whole algorithm" in copy
    assert "calls super().export()" in extends
    assert "calls the base class's steps itself" in helper
    assert alone.startswith("Alone does not inherit from Report")
    assert gone == "there is no class Gone"


def test_forgotten_hook_is_loud():
    class Abstract(ABC):
        def export(self):
            return self.line()

        @abstractmethod
        def line(self): ...

    class Raising:
        def export(self):
            return self.line()

        def line(self):
            raise NotImplementedError

    class Quiet:
        def export(self):
            return self.line()

        def line(self):
            return ""

    def run(report):
        return report.export()

    assert behavioral.forgotten_hook_is_loud(type("A", (Abstract,), {}), run, "line") == []
    assert behavioral.forgotten_hook_is_loud(Raising, run, "line") == []
    [quiet] = behavioral.forgotten_hook_is_loud(Quiet, run, "line", "a subclass")
    assert quiet.startswith("a subclass that forgot to define line() still produced ''")
    assert "without complaint" in quiet


# --------------------------------------------------------------------------- Command

COMMANDS = """
class Base:
    def undo(self):
        self.doc.restore(self.saved)

class Insert(Base):
    def execute(self):
        self.doc.insert(self.text)

class Delete:
    def execute(self):
        self.removed = self.doc.delete()

    def undo(self):
        raise NotImplementedError

class Editor:
    def run(self, command):
        command.execute()
        self.done.append(command)

    def undo(self):
        if not self.done:
            return False
        command = self.done.pop()
        command.undo()
        return True
"""


def test_commands_complete_looks_in_bases_and_rejects_stubs():
    source = tree(COMMANDS)
    assert behavioral.commands_complete(source, ["Insert"]) == []
    [stub, missing] = behavioral.commands_complete(source, ["Delete", "Move"])
    assert stub.startswith("Delete has no working undo()")
    assert missing == "there is no class Move"


def test_invoker_stays_generic():
    assert behavioral.invoker_stays_generic(tree(COMMANDS), "Editor", ["Insert", "Delete"]) == []
    typed = tree(
        """
        class Editor:
            def undo(self):
                command = self.done.pop()
                if isinstance(command, Insert):
                    command.doc.delete()
                elif command.kind == "a" or command.kind == "b":
                    Delete(command.doc).execute()
                elif command.kind == "c":
                    pass
        """
    )
    problems = behavioral.invoker_stays_generic(typed, "Editor", ["Insert", "Delete"])
    assert "asks which command it holds (isinstance(command, Insert))" in problems[0]
    assert any("names Delete" in p for p in problems)
    assert any("still chooses by comparing command.kind" in p for p in problems)
    assert "never calls undo() on a command" in problems[-1]
    snapshots = tree(
        """
        class Editor:
            def undo(self):
                self.doc.text = self.snapshots.pop()
                self.undo_count()
        """
    )
    [problem] = behavioral.invoker_stays_generic(snapshots, "Editor", [])
    assert problem.startswith("Editor.undo() never calls undo() on a command")
    no_undo = tree("class Editor:\n    def run(self, c):\n        c.execute()\n")
    problems = behavioral.invoker_stays_generic(no_undo, "Editor", [])
    assert problems == ["Editor has no undo() method"]


# --------------------------------------------------------------------------- State


def test_no_state_switch_in_accepts_a_delegating_context():
    good = tree(
        """
        class Order:
            def __init__(self, total):
                self.state = New()
                if total < 0:
                    raise ValueError("total")

            @property
            def status(self):
                return self.state.name

            def pay(self):
                self.state.pay(self)
        """
    )
    assert behavioral.no_state_switch_in(good, "Order") == []


def test_no_state_switch_in_finds_every_way_of_asking():
    bad = tree(
        """
        class Order:
            def pay(self):
                if self.status == "new":
                    pass

            def ship(self):
                if self._state.name in ("paid", "new"):
                    pass

            def deliver(self):
                if isinstance(self.state, Shipped):
                    pass

            def cancel(self):
                RULES[self.status]()
                RULES.get((self.status, "cancel"))

            def describe(self):
                match self.state.name:
                    case "new":
                        pass
        """
    )
    problems = behavioral.no_state_switch_in(bad, "Order")
    assert [p.split(":")[0] for p in problems] == [
        "line 4", "line 8", "line 12", "line 16", "line 17", "line 20"
    ]
    assert "still decides what to do by its state (self.status == 'new')" in problems[0]
    assert "asks what type its state is" in problems[2]
    assert "table keyed by it" in problems[3] and "table keyed by it" in problems[4]
    assert "uses match on its state" in problems[5]
    assert behavioral.no_state_switch_in(bad, "Missing") == ["there is no class Missing"]


def test_no_state_switch_in_ignores_other_attributes():
    other = tree(
        """
        class Order:
            def pay(self):
                if self.total > 100 and self.statuses_seen == 3:
                    self.state.pay(self)
        """
    )
    assert behavioral.no_state_switch_in(other, "Order") == []


def test_states_handle_events_through_a_base_class():
    source = tree(
        """
        class State:
            def pay(self, order):
                raise Error

        class New(State):
            def cancel(self, order):
                pass

        class Lost:
            pass
        """
    )
    assert behavioral.states_handle_events(source, ["New"], ["pay", "cancel"]) == []
    [lost, gone] = behavioral.states_handle_events(source, ["Lost", "Gone"], ["pay", "cancel"])
    assert lost.startswith("state Lost (line 10) has no pay(), cancel()")
    assert gone == "there is no state class Gone"


# --------------------------------------------------------------------------- Chain


class Handler:
    """A correct handler: answers its own topic, passes the rest, None at the end."""

    topic = "mine"

    def __init__(self):
        self.next = None

    def set_next(self, handler):
        self.next = handler
        return handler

    def handle(self, request):
        if request == self.topic:
            return "answered"
        return self.next.handle(request) if self.next else None


class AlwaysPasses(Handler):
    def handle(self, request):
        mine = "answered" if request == self.topic else None
        later = self.next.handle(request) if self.next else None
        return mine or later


class NeverPasses(Handler):
    def handle(self, request):
        return "answered" if request == self.topic else None


class Crashes(Handler):
    def handle(self, request):
        return "answered" if request == self.topic else self.next.handle(request)


class Swallows(Handler):
    def handle(self, request):
        if request != self.topic and self.next:
            self.next.handle(request)
        return "answered" if request == self.topic else "sorry"


def test_passes_on():
    assert behavioral.passes_on(Handler(), "other", handler_name="H") == []
    [kept] = behavioral.passes_on(NeverPasses(), "other", handler_name="H")
    assert "did not pass it to the next handler" in kept and "answered None" in kept
    [swallowed] = behavioral.passes_on(Swallows(), "other", handler_name="H")
    assert "returned 'sorry' instead of the next handler's answer" in swallowed
    [missing] = behavioral.passes_on(object(), "other", handler_name="H")
    assert missing == "H has no set_next(handler) method"


def test_decides_alone():
    assert behavioral.decides_alone(Handler(), "mine", handler_name="H") == []
    [both] = behavioral.decides_alone(AlwaysPasses(), "mine", handler_name="H")
    assert "handled 'mine' and also passed it on" in both
    [nothing] = behavioral.decides_alone(NeverPasses(), "other", handler_name="H")
    assert "should deal with 'other' itself" in nothing


def test_end_of_chain():
    assert behavioral.end_of_chain(Handler(), "other", handler_name="H") == []
    [crash] = behavioral.end_of_chain(Crashes(), "other", handler_name="H")
    assert "crashed on 'other' (AttributeError" in crash
    assert "end of the chain has nobody to pass to" in crash
    [answer] = behavioral.end_of_chain(Swallows(), "other", handler_name="H")
    assert "yet answered 'sorry'" in answer


def test_handlers_not_hardwired():
    good = tree(
        """
        class Bot(Base):
            def handle(self, t):
                return super().handle(t)

        class Desk(Base):
            pass
        """
    )
    assert behavioral.handlers_not_hardwired(good, ["Bot", "Desk"]) == []
    wired = tree(
        """
        class Bot(Base):
            def handle(self, t):
                return Desk().handle(t)

        class Desk(Base):
            pass
        """
    )
    [problem, missing] = behavioral.handlers_not_hardwired(wired, ["Bot", "Desk", "Gone"])
    assert problem.startswith("line 4: Bot names Desk.")
    assert "instead of picking its own successor" in problem
    assert missing == "there is no class Gone"


def test_relabelled_changes_string_labels_for_a_while_and_puts_them_back():
    class Paid:
        name = "paid"
        refund = 0.0

        def __init__(self) -> None:
            self.kind = "paid"

    state = Paid()
    with behavioral.relabelled(state, only="paid") as changed:
        assert sorted(changed) == ["kind", "name"]
        assert (state.name, state.kind) == (behavioral.RELABEL, behavioral.RELABEL)
        assert Paid.name == "paid"  # only the instance reads differently
    assert (state.name, state.kind, vars(state)) == ("paid", "paid", {"kind": "paid"})


def test_relabelled_leaves_alone_what_cannot_be_set():
    class Slotted:
        __slots__ = ()

        @property
        def name(self) -> str:
            return "paid"

    with behavioral.relabelled(Slotted()) as changed:
        assert changed == []


def test_states_answer_events_bound_by_assignment_and_a_state_ladder_is_found_once():
    source = pyast.parse(textwrap.dedent(
        """
        def _refuse(message):
            def action(self, order):
                raise ValueError(message)
            return action

        class New:
            name = "new"
            def pay(self, order): ...
            ship = deliver = cancel = _refuse("no")

        class Paid:
            name = "paid"
            def cancel(self, order):
                if self.name == "paid":
                    order.refunded = order.total
        """
    ))
    assert behavioral.states_handle_events(source, ["New"], ["pay", "ship", "cancel"]) == []
    [missing] = behavioral.states_handle_events(source, ["Paid"], ["pay", "cancel"])
    assert missing.startswith("state Paid (line 12) has no pay()")
    [ladder] = behavioral.decides_by_name(source, "order.py", ("name",))
    assert ladder.startswith("order.py line 15: code here decides by comparing self.name")


def test_notifying_through_map_and_methodcaller_is_a_loop_over_subscribers():
    source = pyast.parse(textwrap.dedent(
        """
        from operator import methodcaller

        class Ticker:
            def notify(self):
                list(map(methodcaller("update", self), tuple(self.subscribers)))

            def tell(self):
                list(map(lambda o: o.update(self), self.subscribers))
        """
    ))
    assert behavioral.loops_calling(source, "update") == [6, 9]
    assert behavioral.loops_calling(source, "refresh") == []


def test_relabelled_changes_enum_labels_too():
    from enum import Enum

    class Kind(Enum):
        PAID = "paid"

    class Paid:
        kind = Kind.PAID

    state = Paid()
    with behavioral.relabelled(state, only="paid") as changed:
        assert changed == ["kind"]
        assert state.kind is not Kind.PAID
    assert state.kind is Kind.PAID
