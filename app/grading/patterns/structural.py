"""Structural patterns: checks that an Adapter, Decorator, Facade, Proxy or Composite is really one.

    from grading import pyast
    from grading.patterns import structural

    tree = pyast.parse_submission("coffee.py")
    structural.wraps_instead_of_subclassing(tree, ["Milk", "Caramel"], "Espresso", ["cost"])
    structural.adapter_wraps(tree, "BankAdapter", "LegacyBankClient", ["charge", "refund"])
    structural.leaves_class_untouched(tree, "LegacyBankClient")
    structural.facade_coordinates(tree, "Shop", "place_order", min_parts=4)
    structural.clients_use_only_the_facade(tree, ["web_checkout"], ["place_order"], ["Inventory"])
    structural.same_interface(tree, "CachingRates", subject_tree, "RemoteRates")
    structural.proxy_wraps(tree, "CachingRates", "RemoteRates", ["rate"])
    structural.group_delegates_to_children(tree, "Bundle", ["price"], ["Product"])
    structural.shares_interface(tree, ["Product", "Bundle"], ["price"])

All five patterns are about how objects are put together, and most of them come down to one
question: does a class *hold* another object and pass calls on to it, or does it inherit, copy,
edit or reach around it? Each check returns a list of problems in plain words, empty when the
structure is right; a problem about one place starts with "line N:" so a test can prefix the file.

`Spy` is a stand-in object for behavioural-structural tests: hand it to the learner's wrapper
and look at which calls reached it.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence
from typing import Any

from .. import pyast

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
LoopNode = ast.For | ast.AsyncFor | ast.comprehension
# Builtins that copy a parameter into a new container: `self.items = list(items)` still holds it.
COPYING_CALLS = ("list", "tuple", "dict", "set", "frozenset", "sorted", "deque")
ANY_METHOD = "*"  # getattr(self.inner, name): every call may be passed on
HANDED_IN = "param:"  # child_calls: each child goes to a callable parameter of this name


# --- small readers -----------------------------------------------------------------------------


def short_name(name: str) -> str:
    """`legacy.Client` -> `Client`, `Generic[T]` -> `Generic`: the class a base refers to."""
    return name.split("[", 1)[0].rsplit(".", 1)[-1]


def lineage(tree: ast.AST, class_name: str) -> list[ast.ClassDef]:
    """The class and every ancestor defined in the same tree, nearest first (through aliases)."""
    cls = pyast.find_class(tree, class_name)
    return pyast.lineage(tree, cls) if cls is not None else []


def ancestors(tree: ast.AST, class_name: str) -> list[str]:
    """Names of all base classes of `class_name`, through aliases and classes in the tree."""
    cls = pyast.find_class(tree, class_name)
    return pyast.ancestor_names(tree, cls) if cls is not None else []


def inherits_from(tree: ast.AST, class_name: str, base: str) -> bool:
    """True when `class_name` has `base` among its ancestors (directly or through the tree)."""
    return short_name(base) in ancestors(tree, class_name)


def all_methods(tree: ast.AST, class_name: str) -> dict[str, FunctionNode]:
    """Methods a class has, its own and those it inherits from classes in the tree."""
    found: dict[str, FunctionNode] = {}
    for cls in lineage(tree, class_name):
        for name, function in pyast.methods(cls).items():
            found.setdefault(name, function)
    return found


def parameters(function: FunctionNode) -> list[str]:
    """Parameter names of a method, without the first one (self)."""
    args = function.args
    names = [a.arg for a in [*args.posonlyargs, *args.args]][1:]
    names += [a.arg for a in args.kwonlyargs]
    names += [a.arg for a in (args.vararg, args.kwarg) if a is not None]
    return names


def self_name(function: FunctionNode) -> str:
    """What a method calls its instance (almost always `self`)."""
    positional = [*function.args.posonlyargs, *function.args.args]
    return positional[0].arg if positional else "self"


def self_attribute(node: ast.AST, me: str) -> str | None:
    """For `self.x`, return "x"; otherwise None."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == me:
        return node.attr
    return None


def from_parameter(value: ast.AST | None, params: Sequence[str]) -> str | None:
    """The parameter a stored value comes from: `p`, `p or D()`, `list(p)`, `[*p]`; else None."""
    if isinstance(value, ast.Name):
        return value.id if value.id in params else None
    if isinstance(value, ast.BoolOp):
        return next(filter(None, (from_parameter(v, params) for v in value.values)), None)
    if isinstance(value, ast.IfExp):
        return from_parameter(value.body, params) or from_parameter(value.orelse, params)
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.args:
        if value.func.id in COPYING_CALLS:
            return from_parameter(value.args[0], params)
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        for element in value.elts:
            if isinstance(element, ast.Starred):
                return from_parameter(element.value, params)
    return None


def stored_pairs(function: FunctionNode) -> list[tuple[str, ast.AST | None, int]]:
    """Every `self.attr = value` in a function: (attr, value, line), tuples unpacked."""
    me = self_name(function)
    pairs = []
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                    for t, v in zip(target.elts, node.value.elts, strict=False):
                        if self_attribute(t, me):
                            pairs.append((self_attribute(t, me), v, node.lineno))
                elif self_attribute(target, me):
                    pairs.append((self_attribute(target, me), node.value, node.lineno))
        elif isinstance(node, ast.AnnAssign) and self_attribute(node.target, me):
            pairs.append((self_attribute(node.target, me), node.value, node.lineno))
    return pairs


def is_dataclass(cls: ast.ClassDef) -> bool:
    """True when the class is decorated with @dataclass (or @dataclasses.dataclass(...))."""
    for decorator in cls.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if short_name(ast.unparse(target)) == "dataclass":
            return True
    return False


def dataclass_fields(cls: ast.ClassDef) -> list[str]:
    """Field names of a dataclass (annotated class-level names, ClassVar excluded)."""
    if not is_dataclass(cls):
        return []
    return [
        node.target.id
        for node in cls.body
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
        and "ClassVar" not in ast.unparse(node.annotation)
    ]


def held_objects(tree: ast.AST, class_name: str) -> dict[str, str]:
    """Attributes that keep an object handed to the constructor: {attribute: parameter}.

    `self.drink = drink` in any __init__ of the class or its ancestors in the tree, dataclass
    fields, and attributes filled later from one of those (`self.real = self.factory()`).
    """
    held: dict[str, str] = {}
    for cls in lineage(tree, class_name):
        for name in dataclass_fields(cls):
            held.setdefault(name, name)
        init = pyast.methods(cls).get("__init__")
        if init is not None:
            params = parameters(init)
            for attr, value, _ in stored_pairs(init):
                source = from_parameter(value, params)
                if source:
                    held.setdefault(attr, source)
    for function in all_methods(tree, class_name).values():
        me = self_name(function)
        for attr, value, _ in stored_pairs(function):
            if isinstance(value, ast.Call) and self_attribute(value.func, me) in held:
                held.setdefault(attr, held[self_attribute(value.func, me)])
    return held


def instance_attributes(tree: ast.AST, class_name: str) -> set[str]:
    """Every attribute a class stores on its instances, or declares as a field or class value."""
    found: set[str] = set()
    for cls in lineage(tree, class_name):
        found.update(dataclass_fields(cls))
        for node in cls.body:
            targets = node.targets if isinstance(node, ast.Assign) else []
            if isinstance(node, ast.AnnAssign):
                targets = [node.target]
            found.update(t.id for t in targets if isinstance(t, ast.Name))
        for function in pyast.methods(cls).values():
            found.update(attr for attr, _, _ in stored_pairs(function))
    return found


# --- who calls what ----------------------------------------------------------------------------


def aliases(function: FunctionNode, attrs: Iterable[str]) -> dict[str, str]:
    """Local names bound to a held object: `inner = self.drink` -> {"inner": "drink"}."""
    me, wanted, found = self_name(function), set(attrs), {}
    for node in ast.walk(function):
        value, targets = None, []
        if isinstance(node, ast.Assign):
            value, targets = node.value, node.targets
        elif isinstance(node, ast.NamedExpr):
            value, targets = node.value, [node.target]
        attr = self_attribute(value, me) if value is not None else None
        if attr in wanted:
            found.update({t.id: attr for t in targets if isinstance(t, ast.Name)})
    return found


def uses_of(function: FunctionNode, attrs: Iterable[str]) -> dict[str, set[str]]:
    """What a function asks of held objects: {attribute: {method or attribute names}}.

    `self.drink.cost()`, `inner.cost()` after `inner = self.drink`, a bound method handed on
    (`fetch(self.service.currencies)`), `getattr(self.x, name)` (anything, recorded as "*")
    and `self.func(...)` when the held object is itself callable (recorded as "()").
    """
    me, wanted = self_name(function), set(attrs)
    local = aliases(function, wanted)

    def held(node: ast.AST) -> str | None:
        attr = self_attribute(node, me)
        if attr in wanted:
            return attr
        return local.get(node.id) if isinstance(node, ast.Name) else None

    found: dict[str, set[str]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load) and held(node.value):
            found.setdefault(held(node.value), set()).add(node.attr)
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id == "getattr" and node.args:
                if held(node.args[0]):
                    found.setdefault(held(node.args[0]), set()).add(ANY_METHOD)
            elif held(func):
                found.setdefault(held(func), set()).add("()")
    return found


def self_calls(function: FunctionNode) -> set[str]:
    """Names of the instance's own methods this function calls (`self.helper(...)`)."""
    me = self_name(function)
    return {
        node.func.attr
        for node in ast.walk(function)
        if isinstance(node, ast.Call) and self_attribute(node.func, me)
    }


def through_helpers(
    tree: ast.AST, class_name: str, direct: Callable[[FunctionNode], dict[str, set[str]]]
) -> dict[str, dict[str, set[str]]]:
    """Apply `direct` to every method, then let a method inherit what the helpers it calls do."""
    methods = all_methods(tree, class_name)
    result = {name: direct(function) for name, function in methods.items()}
    calls = {name: self_calls(function) for name, function in methods.items()}
    changed = True
    while changed:
        changed = False
        for name in methods:
            for helper in calls[name] & set(methods):
                for attr, used in result[helper].items():
                    mine = result[name].setdefault(attr, set())
                    if not used <= mine:
                        mine |= used
                        changed = True
    return result


def delegations(tree: ast.AST, class_name: str) -> dict[str, dict[str, set[str]]]:
    """For each method: which held objects it calls (directly or through its own helpers)."""
    held = held_objects(tree, class_name)
    return through_helpers(tree, class_name, lambda f: uses_of(f, held))


def part_calls(tree: ast.AST, class_name: str) -> dict[str, dict[str, set[str]]]:
    """For each method: calls on any `self.<attribute>`, held from the constructor or built."""
    every = instance_attributes(tree, class_name) | set(held_objects(tree, class_name))
    return through_helpers(tree, class_name, lambda f: uses_of(f, every))


def loop_targets(loop: LoopNode) -> set[str]:
    """Names a for loop or comprehension binds (`for a, b in ...` binds both)."""
    return {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)}


def child_calls(
    function: FunctionNode, callers: dict[str, set[str]] | None = None
) -> dict[str, set[str]]:
    """Methods called on each element of a collection the instance holds.

    `for child in self.items: child.price()`, `sum(c.price() for c in self.items)`,
    `map(lambda c: c.price(), self.items)`, `map(methodcaller("price"), self.items)` and
    `reduce(lambda acc, c: acc + c.price(), self.items, 0)` give {"items": {"price"}}.
    `callers` names module-level callables and what they call on their argument
    (`ask_price = methodcaller("price")` gives {"ask_price": {"price"}}).
    """
    callers = callers or {}
    me, found = self_name(function), {}
    callables = set(parameters(function))

    def collection(expr: ast.AST) -> str | None:
        return next(filter(None, (self_attribute(n, me) for n in ast.walk(expr))), None)

    def record(attr: str | None, names: set[str], body: Iterable[ast.AST]) -> None:
        if not attr:
            return
        for part in body:
            for node in ast.walk(part):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                if (
                    isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                    and func.value.id in names
                ):
                    found.setdefault(attr, set()).add(func.attr)
                elif (  # call(child), with `call` handed in by the caller: see children_asked
                    isinstance(func, ast.Name) and func.id in callables
                    and any(isinstance(a, ast.Name) and a.id in names for a in node.args)
                ):
                    found.setdefault(attr, set()).add(HANDED_IN + func.id)
                elif (  # getattr(child, name)(): any method, chosen by name
                    isinstance(func, ast.Call) and isinstance(func.func, ast.Name)
                    and func.func.id == "getattr" and func.args
                    and isinstance(func.args[0], ast.Name) and func.args[0].id in names
                ):
                    found.setdefault(attr, set()).add(ANY_METHOD)

    for node in ast.walk(function):
        if isinstance(node, (ast.For, ast.AsyncFor)):
            record(collection(node.iter), loop_targets(node), node.body)
        elif isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            parts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
            for generator in node.generators:
                record(collection(generator.iter), loop_targets(generator), parts)
        elif isinstance(node, ast.Call) and len(node.args) >= 2 and any(
            isinstance(a, ast.Lambda) for a in node.args
        ):
            # map(lambda c: c.price(), self.items), reduce(lambda acc, c: acc + c.price(),
            # self.items, 0), sorted(self.items, key=lambda c: c.price()) ...
            function_arg = next(a for a in node.args if isinstance(a, ast.Lambda))
            held = next(
                (collection(a) for a in node.args if a is not function_arg and collection(a)),
                None,
            )
            names = {a.arg for a in function_arg.args.args}
            record(held, names, [function_arg.body])
        elif isinstance(node, ast.Call) and len(node.args) >= 2:
            # map(methodcaller("price"), self.items), map(ask_price, self.items)
            for function_arg in node.args:
                asked = pyast.methods_called_on_argument(function_arg) or (
                    callers.get(function_arg.id, set())
                    if isinstance(function_arg, ast.Name) else set()
                )
                held = next(
                    (collection(a) for a in node.args if a is not function_arg and collection(a)),
                    None,
                )
                if asked and held:
                    found.setdefault(held, set()).update(asked)
    return found


def module_callers(tree: ast.AST) -> dict[str, set[str]]:
    """Module-level names bound to a callable whose calls on its argument are known:
    `ask_price = methodcaller("price")`, `ask_price = lambda item: item.price()`."""
    found: dict[str, set[str]] = {}
    for node in getattr(tree, "body", []):
        if isinstance(node, ast.Assign):
            asked = pyast.methods_called_on_argument(node.value)
            if asked:
                found.update({t.id: asked for t in node.targets if isinstance(t, ast.Name)})
    return found


def children_asked(tree: ast.AST, class_name: str) -> dict[str, dict[str, set[str]]]:
    """For each method: what it asks each held collection's children, through its helpers.

    Like child_calls, and a helper that hands every child to a callable it is given
    (`def _each(self, call): return [call(c) for c in self.items]`) counts for the caller with
    what that callable asks (`self._each(lambda c: c.price())` asks price).
    """
    methods = all_methods(tree, class_name)
    callers = module_callers(tree)
    own = {name: child_calls(function, callers) for name, function in methods.items()}

    def direct(function: FunctionNode) -> dict[str, set[str]]:
        found = {
            attr: {m for m in asked if not m.startswith(HANDED_IN)}
            for attr, asked in child_calls(function, callers).items()
        }
        me = self_name(function)
        for call in ast.walk(function):
            if not (isinstance(call, ast.Call) and self_attribute(call.func, me) in methods):
                continue
            helper = methods[call.func.attr]
            for attr, asked in own[helper.name].items():
                for marker in asked:
                    if marker.startswith(HANDED_IN):
                        given = pyast.bound_argument(call, helper, marker[len(HANDED_IN):])
                        found.setdefault(attr, set()).update(
                            pyast.methods_called_on_argument(given)
                        )
        return found

    return through_helpers(tree, class_name, direct)


def class_edits(tree: ast.AST, class_name: str) -> list[tuple[int, str]]:
    """Places that change a class from outside it: `Cls.x = ...`, `setattr(Cls, ...)`, `del`."""

    def names_class(node: ast.AST) -> bool:
        return short_name(ast.unparse(node)) == class_name

    found = []
    for node in ast.walk(tree):
        targets: list[ast.AST] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        elif isinstance(node, ast.Delete):
            targets = node.targets
        for target in targets:
            if isinstance(target, ast.Attribute) and names_class(target.value):
                found.append((node.lineno, pyast.code(target)))
        if (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id in ("setattr", "delattr") and node.args
            and names_class(node.args[0])
        ):
            found.append((node.lineno, pyast.code(node)))
    return sorted(set(found))


def listing(names: Iterable[str]) -> str:
    """`a()`, `b()` and `c()` for a message."""
    items = [f"{n}()" for n in names]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# --- Decorator, Adapter, Proxy: wrappers -------------------------------------------------------


def wrapping_problems(
    tree: ast.AST, class_name: str, forbidden_base: str, methods: Sequence[str], words: dict
) -> list[str]:
    """The shared core of the wrapper patterns; `words` holds the pattern's own sentences."""
    cls = pyast.find_class(tree, class_name)
    if cls is None:
        return [words["missing"].format(cls=class_name)]
    fill = {"cls": class_name, "base": forbidden_base, "line": cls.lineno}
    if inherits_from(tree, class_name, forbidden_base):
        return [words["subclass"].format(**fill)]
    held = held_objects(tree, class_name)
    if not held:
        return [words["holds_nothing"].format(**fill)]
    fill["held"] = "self." + next(iter(held))
    problems = []
    defined = all_methods(tree, class_name)
    uses = delegations(tree, class_name)
    forwards_all = "__getattr__" in defined and uses.get("__getattr__")
    # Names bound without a def (`rate = _cached("rate")`) are judged by the behaviour tests.
    members = pyast.class_members(tree, cls) or set()
    for method in methods:
        if method not in defined:
            if not forwards_all and method not in members:
                problems.append(words["no_method"].format(method=method, **fill))
            continue
        if not uses.get(method):
            line = defined[method].lineno
            problems.append(words["no_delegation"].format(method=method, **{**fill, "line": line}))
    return problems


DECORATOR_WORDS = {
    "missing": (
        "there is no class {cls}: a decorator is a class of its own that wraps an object (holds "
        "it and adds to its answers), so a new one never means changing the classes it wraps."
    ),
    "subclass": (
        "line {line}: {cls} inherits from {base}, so every add-on made from it is a kind of {base} "
        "too, whatever drink it is put on, and takes along whatever {base} does itself (its "
        "price, its name, every later change to it). A decorator wraps the object it is "
        "handed and builds on what that object answers; it is not a kind of any one drink."
    ),
    "holds_nothing": (
        "line {line}: {cls} keeps no object from its constructor, so its methods have nothing "
        "to ask: whatever it answers is worked out alone, and it cannot add its part to the "
        "object it was meant to wrap."
    ),
    "no_method": (
        "{cls} has no {method}() method: a decorator answers every call the wrapped object "
        "answers, so it can be wrapped again and used wherever the original was."
    ),
    "no_delegation": (
        "line {line}: {cls}.{method}() never calls the object it wraps ({held}). A decorator "
        "asks the wrapped object and adds to its answer; working the answer out alone means "
        "the add-on only fits the one thing you had in mind."
    ),
}


def wraps_instead_of_subclassing(
    tree: ast.AST,
    decorator_classes: Sequence[str],
    component_class: str,
    methods: Sequence[str] = (),
) -> list[str]:
    """Each decorator holds a component and delegates `methods` to it; none subclasses it.

    Sharing an abstract base with the component (both are a `Drink`) is fine; inheriting from
    the concrete component class is the misconception this catches.
    """
    problems = []
    for name in decorator_classes:
        problems += wrapping_problems(tree, name, component_class, methods, DECORATOR_WORDS)
    return problems


ADAPTER_WORDS = {
    "missing": "there is no class {cls} yet: the adapter is a class of its own.",
    "subclass": (
        "line {line}: {cls} inherits from {base}. A subclass is the old class with new methods "
        "bolted on: every old method still leaks through to the new code, and it cannot adapt "
        "the {base} object you are handed. An adapter holds that object (self.legacy = legacy "
        "in __init__) and translates each call."
    ),
    "holds_nothing": (
        "line {line}: {cls} keeps no object from its constructor. An adapter is a travel plug: "
        "it holds the old object it is given and translates every call into that object's "
        "language."
    ),
    "no_method": (
        "{cls} has no {method}() method: the new code calls {method}() on everything that "
        "plays this role, so the adapter must offer it."
    ),
    "no_delegation": (
        "line {line}: {cls}.{method}() never calls the object it adapts ({held}). An adapter "
        "does no work of its own: it translates the call, passes it on, and translates the "
        "answer back."
    ),
}


def adapter_wraps(
    tree: ast.AST, adapter_class: str, adaptee_class: str, target_methods: Sequence[str]
) -> list[str]:
    """The adapter holds the old object and each new-style method passes the call on to it."""
    return wrapping_problems(tree, adapter_class, adaptee_class, target_methods, ADAPTER_WORDS)


def leaves_class_untouched(tree: ast.AST, class_name: str) -> list[str]:
    """Nothing in the file edits `class_name` from outside (monkey-patching)."""
    return [
        f"line {line}: {text} changes {class_name} itself, for every program that uses it. "
        f"Leave {class_name} as it is: new behaviour goes in a class of your own that holds "
        f"a {class_name} object."
        for line, text in class_edits(tree, class_name)
    ]


PROXY_WORDS = {
    "missing": "there is no class {cls} yet: the proxy is a class of its own.",
    "subclass": (
        "line {line}: {cls} inherits from {base}, so it is a second {base} rather than a stand-in "
        "for the one you are handed: it cannot sit in front of an object that already exists. "
        "A proxy holds the real object (self.real = real in __init__) and decides when to pass "
        "each call on."
    ),
    "holds_nothing": (
        "line {line}: {cls} keeps no object from its constructor. A proxy stands in front of a "
        "real object: __init__ stores it, and the proxy's methods call it when they must."
    ),
    "no_method": (
        "{cls} has no {method}() method: a proxy answers every call the real object answers, "
        "or the code using it would have to know which one it holds."
    ),
    "no_delegation": (
        "line {line}: {cls}.{method}() never calls the real object ({held}). A proxy controls "
        "access to the real thing; it does not replace its work with its own."
    ),
}


def proxy_wraps(
    tree: ast.AST, proxy_class: str, subject_class: str, methods: Sequence[str]
) -> list[str]:
    """The proxy holds the real subject (not a subclass of it) and each method can reach it."""
    return wrapping_problems(tree, proxy_class, subject_class, methods, PROXY_WORDS)


def public_methods(tree: ast.AST, class_name: str) -> dict[str, FunctionNode]:
    """A class's public methods (no leading underscore), including inherited ones in the tree."""
    return {n: f for n, f in all_methods(tree, class_name).items() if not n.startswith("_")}


def accepts_same_calls(function: FunctionNode, wanted: FunctionNode) -> bool:
    """True when every call that fits `wanted` also fits `function` (same names, same order).

    Extra parameters are fine if they have defaults; `*args, **kwargs` accepts anything.
    """
    mine, theirs = function.args, wanted.args
    if mine.vararg is not None and mine.kwarg is not None:
        return True
    positional = [a.arg for a in [*mine.posonlyargs, *mine.args]][1:]
    expected = [a.arg for a in [*theirs.posonlyargs, *theirs.args]][1:]
    if positional[: len(expected)] != expected:
        return False
    if len(positional) - len(expected) > len(mine.defaults):
        return False
    kwonly = {a.arg: d for a, d in zip(mine.kwonlyargs, mine.kw_defaults, strict=True)}
    for name in [a.arg for a in theirs.kwonlyargs]:
        if name not in kwonly and name not in positional and mine.kwarg is None:
            return False
    extra_required = [n for n, d in kwonly.items() if d is None and n not in
                      {a.arg for a in theirs.kwonlyargs}]
    return not extra_required


def same_interface(
    tree: ast.AST, class_name: str, subject_tree: ast.AST, subject_class: str
) -> list[str]:
    """`class_name` offers every public method of `subject_class`, with the same parameters.

    A class that forwards unknown attributes with __getattr__ counts as offering the methods
    it does not define itself.
    """
    cls = pyast.find_class(tree, class_name)
    subject = pyast.find_class(subject_tree, subject_class)
    if cls is None:
        return [f"there is no class {class_name} yet."]
    if subject is None:
        return [f"the class {subject_class} could not be found to compare with."]
    mine = all_methods(tree, class_name)
    # None when the source cannot tell (a base from elsewhere, __getattr__): not judged here.
    members = pyast.class_members(tree, cls)
    problems = []
    for name, wanted in public_methods(subject_tree, subject_class).items():
        function = mine.get(name)
        if function is None:
            # Bound without a def (`rate = _cached("rate")`): its calls are tested by behaviour.
            if members is not None and name not in members:
                problems.append(
                    f"{class_name} has no {name}() method, but {subject_class} has one. A "
                    f"stand-in must answer the same calls as {subject_class}, with the same "
                    f"names, or the code using it has to know which of the two it holds."
                )
            continue
        if not accepts_same_calls(function, wanted):
            expected, got = parameters(wanted), parameters(function)
            problems.append(
                f"line {function.lineno}: {class_name}.{name}({', '.join(got)}) takes different "
                f"parameters from {subject_class}.{name}({', '.join(expected)}). Code written "
                f"for {subject_class} must work unchanged with {class_name}: same names, same "
                f"parameters, same kind of answer."
            )
    return problems


# --- Facade ------------------------------------------------------------------------------------


def facade_coordinates(
    tree: ast.AST, facade_class: str, method: str, min_parts: int = 2
) -> list[str]:
    """`facade_class.method` does the job by calling at least `min_parts` of the parts it holds."""
    cls = pyast.find_class(tree, facade_class)
    if cls is None:
        return [f"there is no class {facade_class} yet: the facade is a class of its own."]
    defined = all_methods(tree, facade_class)
    if method not in defined:
        return [
            f"{facade_class} has no {method}() method: that one call is the simple entry point "
            f"the facade offers for the whole job."
        ]
    used = part_calls(tree, facade_class).get(method, {})
    if len(used) >= min_parts:
        return []
    named = ", ".join(f"self.{a}" for a in sorted(used)) or "none of them"
    return [
        f"line {defined[method].lineno}: {facade_class}.{method}() calls {named}, but the job "
        f"needs at least {min_parts} of the subsystems. The facade is the one place that knows "
        f"every step and their order, so it calls each subsystem itself."
    ]


def clients_use_only_the_facade(
    tree: ast.AST,
    functions: Sequence[str],
    facade_methods: Sequence[str],
    subsystem_classes: Sequence[str] = (),
) -> list[str]:
    """Client functions ask their facade (their first parameter) only for `facade_methods`.

    Reaching through it (`shop.inventory.reserve()`), calling it step by step
    (`shop.reserve(); shop.charge()`) or naming a subsystem class all mean the client still
    knows how the job is done.
    """
    problems = []
    for name in functions:
        function = pyast.find_function(tree, name)
        if function is None:
            problems.append(f"there is no function {name} any more; keep it, calling the facade.")
            continue
        positional = [*function.args.posonlyargs, *function.args.args]
        if not positional:
            problems.append(f"line {function.lineno}: {name}() should receive the facade first.")
            continue
        facade = positional[0].arg
        parents = {
            id(child): node for node in ast.walk(function) for child in ast.iter_child_nodes(node)
        }
        steps: list[str] = []
        touched = sorted(
            (
                node for node in ast.walk(function)
                if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id == facade and node.attr not in facade_methods
                and not node.attr.startswith("__")
            ),
            key=lambda node: (node.lineno, node.col_offset),
        )
        for node in touched:
            parent = parents.get(id(node))
            if isinstance(parent, ast.Attribute):
                problems.append(
                    f"line {node.lineno}: {name}() reaches through the facade into a subsystem "
                    f"({pyast.code(parent)}). Clients should know one object and one call; "
                    f"how the job is done stays inside the facade."
                )
            elif isinstance(parent, ast.Call) and parent.func is node:
                steps.append(node.attr)
            else:
                problems.append(
                    f"line {node.lineno}: {name}() reaches through the facade for "
                    f"{facade}.{node.attr}. Clients should know one object and one call; "
                    f"its parts stay inside it."
                )
        if steps:
            wanted = listing(facade_methods)
            problems.append(
                f"line {function.lineno}: {name}() still drives the job step by step "
                f"({listing(dict.fromkeys(steps))} on {facade}). A facade that mirrors its "
                f"subsystems one call each simplifies nothing: give clients one call for the "
                f"whole job ({wanted}) and keep the steps inside."
            )
        for node in ast.walk(function):
            if isinstance(node, ast.Name) and node.id in subsystem_classes:
                problems.append(
                    f"line {node.lineno}: {name}() names the subsystem {node.id} itself. The "
                    f"client should not need to know which subsystems exist: it talks to the "
                    f"facade only."
                )
    return problems


# --- Composite ---------------------------------------------------------------------------------


def root_name(expr: ast.AST) -> str | None:
    """`item` for `item`, `item.kind`, `item[0]`: the name an expression starts from."""
    while isinstance(expr, (ast.Attribute, ast.Subscript, ast.Call)):
        expr = expr.func if isinstance(expr, ast.Call) else expr.value
    return expr.id if isinstance(expr, ast.Name) else None


def child_type_checks(cls: ast.ClassDef) -> list[tuple[int, str]]:
    """Type checks in a class on something that may be a child: a loop variable, or a parameter
    of a method other than __init__ (`add(item)`). `isinstance(discount, float)` in __init__ is
    input validation, not a question about children, and is left alone."""
    suspects: set[str] = set()
    for node in ast.walk(cls):
        if isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            suspects |= loop_targets(node)
        elif isinstance(node, ast.Lambda):
            suspects |= {a.arg for a in node.args.args}
    for name, function in pyast.methods(cls).items():
        if name != "__init__":
            suspects |= set(parameters(function))
    found = []
    for node in ast.walk(cls):
        subjects: list[ast.AST] = []
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
            if node.func.id in pyast.TYPE_CHECK_FUNCTIONS:
                subjects = [node.args[0]]
        elif isinstance(node, ast.Compare):
            for side in (node.left, *node.comparators):
                if not pyast.asks_type(side):
                    continue
                if isinstance(side, ast.Attribute) and side.attr in ("__name__", "__qualname__"):
                    side = side.value
                if isinstance(side, ast.Attribute):  # x.__class__
                    subjects.append(side.value)
                elif isinstance(side, ast.Call) and side.args:  # type(x)
                    subjects.append(side.args[0])
        if any(root_name(subject) in suspects for subject in subjects):
            found.append((node.lineno, pyast.code(node)))
    for line, text, subject in pyast.attribute_probes(cls):
        if root_name(subject) in suspects:
            found.append((line, text))
    return sorted(set(found))


def group_delegates_to_children(
    tree: ast.AST, group_class: str, methods: Sequence[str], leaf_classes: Sequence[str] = ()
) -> list[str]:
    """The group answers each method by asking every child the same question, never its type."""
    cls = pyast.find_class(tree, group_class)
    if cls is None:
        return [f"there is no class {group_class} yet: the group is a class of its own."]
    problems = []
    for leaf in leaf_classes:
        if inherits_from(tree, group_class, leaf):
            problems.append(
                f"line {cls.lineno}: {group_class} inherits from {leaf}. A group is not a kind "
                f"of leaf: it takes along everything a {leaf} is and does, though it only needs "
                f"to answer the same calls."
            )
    for line, text in child_type_checks(cls):
        problems.append(
            f"line {line}: {group_class} asks its children what type they are "
            f"({text}). In a composite every child answers the same calls, leaf or group; "
            f"a type check turns away the next kind of item and brings back the ladder."
        )
    defined = all_methods(tree, group_class)
    asked = children_asked(tree, group_class)
    for method in methods:
        if method not in defined:
            problems.append(
                f"{group_class} has no {method}() method: a group answers the same calls as a "
                f"single item, so callers never need to know which one they hold."
            )
            continue
        called = set().union(*asked.get(method, {}).values())
        if method not in called and ANY_METHOD not in called:
            problems.append(
                f"line {defined[method].lineno}: {group_class}.{method}() never asks its "
                f"children for their {method}(). A group's answer is built from its children's "
                f"answers to the same call; a child that is itself a group then does the same, "
                f"however deep the tree goes."
            )
    return problems


def bound_without_def(tree: ast.AST, class_name: str) -> set[str]:
    """Names a class (or a base in the file) binds in its body to something callable-looking:
    `price = _list_price`, `price = partialmethod(...)`, a lambda. A literal (`price = 9.5`) or a
    container is data, not a method, and is left out."""
    literal = ast.Constant | ast.List | ast.Tuple | ast.Dict | ast.Set | ast.JoinedStr
    found: set[str] = set()
    for cls in lineage(tree, class_name):
        for name, stmt in pyast.bound_names(cls).items():
            value = getattr(stmt, "value", None)
            if isinstance(stmt, ast.Assign | ast.AnnAssign) and not isinstance(value, literal):
                found.add(name)
    return found


def shares_interface(
    tree: ast.AST, classes: Sequence[str], methods: Sequence[str]
) -> list[str]:
    """Every class defines each of `methods` as a method, so callers can treat them alike."""
    problems = []
    for name in classes:
        cls = pyast.find_class(tree, name)
        if cls is None:
            problems.append(f"there is no class {name} yet.")
            continue
        defined = all_methods(tree, name)
        data = instance_attributes(tree, name)
        bound = bound_without_def(tree, name)
        for method in methods:
            function = defined.get(method)
            if function is not None and not pyast.is_stub(function):
                continue
            if method in bound:  # `price = _list_price`: a method bound by assignment
                continue
            if method in data:
                problems.append(
                    f"line {cls.lineno}: {name} keeps {method} as data, not as a {method}() "
                    f"method. Callers would have to know which kind of item they hold to ask "
                    f"it; make {method}() a method on every kind of item."
                )
            else:
                problems.append(
                    f"{name} has no working {method}() method: every kind of item answers "
                    f"{method}() so callers can treat them all alike."
                )
    return problems


# --- a spy for behavioural-structural tests ----------------------------------------------------


class Spy:
    """A stand-in object that records the calls made on it and answers with canned values.

        drink = Spy("drink", cost=250, description="espresso")
        Milk(drink).cost()              # 300 if Milk asks the drink and adds 50
        drink.calls                     # [("cost", (), {})]
        drink.times_called("cost")      # 1

    A canned answer that is callable is called with the arguments; one that is an exception
    instance is raised. Asking for any other attribute raises AttributeError naming it, which
    tells a learner their code reached for something the interface does not offer.
    """

    def __init__(self, role: str, **answers: Any) -> None:
        self.role = role
        self.answers = answers
        self.calls: list[tuple[str, tuple, dict]] = []

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("role", "answers", "calls"):
            raise AttributeError(name)
        if name not in self.answers:
            offered = listing(self.answers) if self.answers else "nothing"
            raise AttributeError(
                f"the {self.role} was asked for .{name}, but it offers only {offered}"
            )

        def method(*args: Any, **kwargs: Any) -> Any:
            self.calls.append((name, args, kwargs))
            answer = self.answers[name]
            if isinstance(answer, BaseException):
                raise answer
            return answer(*args, **kwargs) if callable(answer) else answer

        return method

    def times_called(self, name: str) -> int:
        """How many times the method `name` was called."""
        return sum(1 for called, _, _ in self.calls if called == name)

    def __repr__(self) -> str:
        return f"<{self.role}>"
