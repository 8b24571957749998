"""Structural checks for the creational patterns, and for creational machinery nobody needs.

Each check reads a parsed module (``pyast.parse_submission("shop.py")``) and returns a list of
problems in plain words, each starting with the line it is on; an empty list means the shape is
right. Exercise tests put the file name in front and add what the problem means in their story.

Places in the code are named by their dotted path: "create_logger" (a function),
"Service.create_logger" (a method), "AwsFactory" (a whole class body) or "<module>" (code at
the top level of the file, outside any function or class). A place also covers whatever is
nested inside it.

Type annotations are never counted as naming a class: ``-> FileLogger`` couples nothing at
run time. Nor are the bases of a class statement, nor a class mentioning itself.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from collections.abc import Iterator

from .. import pyast
from ..pyast import FunctionNode
from ..pyast import base_names
from ..pyast import classes
from ..pyast import find_class
from ..pyast import is_stub
from ..pyast import methods

MODULE = "<module>"
INSTANCE_ATTRIBUTE_HINTS = ("instance", "singleton")  # _instance, __instance, _instances ...
MUTABLE_FACTORIES = ("dict", "list", "set", "defaultdict", "OrderedDict", "Counter", "deque")
MUTATING_METHODS = (
    "append", "extend", "insert", "remove", "pop", "popitem", "clear", "update",
    "setdefault", "add", "discard", "appendleft", "extendleft", "sort", "reverse",
)
ABSTRACT_BASES = ("ABC", "abc.ABC")
ABSTRACT_METACLASSES = ("ABCMeta", "abc.ABCMeta")
PROTOCOL_BASES = ("Protocol", "typing.Protocol", "typing_extensions.Protocol")
CREATOR_NAME_ENDINGS = ("Factory",)


# ---------------------------------------------------------------------------------------------
# Walking the tree with the place each node is in
# ---------------------------------------------------------------------------------------------


def scoped_nodes(tree: ast.AST) -> Iterator[tuple[ast.AST, str]]:
    """Yield (node, place) for every node in source order, place being the dotted path of the
    enclosing functions and classes ("" at module level). Annotations and class bases are
    skipped; decorators and default values belong to the place around the definition."""
    stack: list[tuple[ast.AST, str]] = [(tree, "")]
    while stack:  # a stack, not recursion: a very long expression must not overflow
        node, place = stack.pop()
        yield node, place
        stack.extend(reversed(_children(node, place)))


def _inner(place: str, name: str) -> str:
    return f"{place}.{name}" if place else name


def _children(node: ast.AST, place: str) -> list[tuple[ast.AST, str]]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        around = [*node.decorator_list, *node.args.defaults, *node.args.kw_defaults]
        inside = _inner(place, node.name)
        return [(e, place) for e in around if e is not None] + [(s, inside) for s in node.body]
    if isinstance(node, ast.ClassDef):
        inside = _inner(place, node.name)
        return [(e, place) for e in node.decorator_list] + [(s, inside) for s in node.body]
    if isinstance(node, ast.AnnAssign):
        return [(c, place) for c in (node.target, node.value) if c is not None]
    return [(child, place) for child in ast.iter_child_nodes(node)]


def places(tree: ast.AST) -> set[str]:
    """Every function, method and class path defined in the tree, plus "<module>"."""
    found = {MODULE}
    for node, place in scoped_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(_inner(place, node.name))
    return found


def covers(allowed: str, place: str) -> bool:
    """True when `place` lies in the allowed place (or is it)."""
    if allowed == MODULE:
        return place == ""
    return place == allowed or place.startswith(allowed + ".")


def describe_place(place: str) -> str:
    """How a message names a place."""
    return "module-level code" if place == "" else place


def as_list(names: str | Iterable[str]) -> list[str]:
    """Accept one name or several."""
    return [names] if isinstance(names, str) else list(names)


def spoken_list(names: Iterable[str], word: str = "and") -> str:
    """["A", "B", "C"] -> "A, B and C"."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {word} {names[-1]}"


def referenced_class(node: ast.AST, names: set[str]) -> str | None:
    """The class a node names, if it is one of `names`: `Cls`, `module.Cls` or "Cls"."""
    if isinstance(node, ast.Name) and node.id in names:
        return node.id
    if isinstance(node, ast.Attribute) and node.attr in names:
        return node.attr
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in names:
        return node.value
    return None


def called_class(node: ast.AST, names: set[str]) -> str | None:
    """The class a call creates, if it is one of `names`: `Cls(...)` or `module.Cls(...)`."""
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    if isinstance(func, ast.Name) and func.id in names:
        return func.id
    if isinstance(func, ast.Attribute) and func.attr in names:
        return func.attr
    return None


def own_body(place: str, class_name: str) -> bool:
    """True when `place` is inside the body of the class called `class_name` itself."""
    return covers(class_name, place) or f".{class_name}." in f".{place}."


def missing_places(tree: ast.AST, wanted: list[str], role: str) -> list[str]:
    """A problem for each wanted place the tree does not define."""
    known = places(tree)
    return [f"there is no {name}: {role}" for name in wanted if name not in known]


# ---------------------------------------------------------------------------------------------
# Factory Method, Abstract Factory, Builder: who may name or create a concrete class
# ---------------------------------------------------------------------------------------------


def concrete_classes_named_outside(
    tree: ast.AST, factory: str | Iterable[str], classes: Iterable[str]
) -> list[str]:
    """Places outside the factory that name one of the concrete classes.

    `factory` is the place (or places) allowed to know the concrete classes: a function, a
    method ("Service.create_logger") or whole classes (["AwsFactory", "GcpFactory"]). Calling,
    passing, comparing or looking up a class by its name all count as naming it; importing it,
    annotating with it and subclassing it do not. A missing factory is a problem too (listed
    after the places that name a class).
    """
    allowed = as_list(factory)
    names = set(classes)
    who = spoken_list(allowed, "or")
    problems = []
    for node, place in scoped_nodes(tree):
        found = referenced_class(node, names)
        if found is None or own_body(place, found):
            continue
        if any(covers(a, place) for a in allowed):
            continue
        problems.append(
            f"line {node.lineno}: {describe_place(place)} names {found}, but only {who} "
            f"should know which concrete class is used. Each place that names {found} has to "
            "change when that choice changes."
        )
    return problems + missing_places(
        tree, allowed, f"it should be the one place that knows {spoken_list(sorted(names))}"
    )


def instantiated_outside(
    tree: ast.AST, classes: Iterable[str], allowed: str | Iterable[str]
) -> list[str]:
    """Calls that create one of `classes` anywhere but in the allowed places.

    Use it when a class may be mentioned freely (in a check, in a docstring) but only one place
    may construct it: a product only in its builder's build(), a shared object only at module
    level ("<module>").
    """
    allowed = as_list(allowed)
    names = set(classes)
    who = spoken_list([describe_place("" if a == MODULE else a) for a in allowed], "or")
    problems = []
    for node, place in scoped_nodes(tree):
        found = called_class(node, names)
        if found is None or own_body(place, found):
            continue
        if any(covers(a, place) for a in allowed):
            continue
        problems.append(
            f"line {node.lineno}: {describe_place(place)} creates {found}(...) itself; only "
            f"{who} should create {found} objects."
        )
    return problems + missing_places(
        tree,
        [a for a in allowed if a != MODULE],
        f"it should be where {spoken_list(sorted(names))} objects are made",
    )


def family_mixups(tree: ast.AST, families: dict[str, Iterable[str]]) -> list[str]:
    """Abstract Factory: each factory class names only the products of its own family.

    `families` maps each concrete factory class to the product classes it should make, e.g.
    {"AwsFactory": ["S3Storage", "SqsQueue"], "GcpFactory": ["GcsStorage", "PubSubQueue"]}.
    """
    owner = {product: factory for factory, products in families.items() for product in products}
    problems = []
    for factory, products in families.items():
        cls = find_class(tree, factory)
        if cls is None:
            problems.append(
                f"there is no class {factory}: it should make {spoken_list(list(products))}"
            )
            continue
        for node, place in scoped_nodes(cls):
            found = referenced_class(node, set(owner))
            if found is None or owner[found] == factory:
                continue
            problems.append(
                f"line {node.lineno}: {place or factory} makes {found}, which belongs to the "
                f"family of {owner[found]}. A factory makes every product of one family, so "
                "the objects it hands out always work together."
            )
    return problems


def builder_classes(tree: ast.AST) -> list[str]:
    """Classes shaped as builders: a build() method and steps that `return self`."""
    found = []
    for cls in classes(tree):
        own = methods(cls)
        if "build" not in own:
            continue
        steps = [
            name for name, function in own.items()
            if name != "build" and not name.startswith("__") and returns_only_self(function)
        ]
        if steps:
            found.append(
                f"line {cls.lineno}: {cls.name} is a builder: {spoken_list(steps)} "
                f"{'returns' if len(steps) == 1 else 'return'} self, and build() makes the object."
            )
    return found


def fluent_steps(tree: ast.AST) -> list[str]:
    """Builder steps left without a build(): methods that set an attribute and `return self`."""
    found = []
    for cls in classes(tree):
        steps = [
            name for name, function in methods(cls).items()
            if name != "build" and not name.startswith("__") and returns_only_self(function)
            and any(
                isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                and target.value.id == "self"
                for node in ast.walk(function) if isinstance(node, (ast.Assign, ast.AugAssign))
                for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
            )
        ]
        if steps and "build" not in methods(cls):
            found.append(
                f"line {cls.lineno}: {cls.name} keeps the builder's steps: "
                f"{spoken_list(steps)} {'sets' if len(steps) == 1 else 'set'} a value and "
                f"{'returns' if len(steps) == 1 else 'return'} self so calls can be chained."
            )
    return found


def returns_only_self(function: FunctionNode) -> bool:
    """True when a function has returns and every one of them is `return self`."""
    returns = [n for n in ast.walk(function) if isinstance(n, ast.Return)]
    return bool(returns) and all(
        isinstance(r.value, ast.Name) and r.value.id == "self" for r in returns
    )


# ---------------------------------------------------------------------------------------------
# Singleton, and shared state that behaves like one
# ---------------------------------------------------------------------------------------------


def singleton_machinery(tree: ast.AST, class_name: str) -> list[str]:
    """Ways a class forces every call to return one shared object.

    A __new__ method, a metaclass other than ABCMeta, a class attribute holding "the instance",
    a method that stores a new instance on the class, or a decorator named like "singleton".
    """
    cls = find_class(tree, class_name)
    if cls is None:
        return [f"there is no class {class_name}"]
    return _singleton_problems(cls)


def singletons(tree: ast.AST) -> list[str]:
    """Singleton machinery in any class of the tree."""
    return [problem for cls in classes(tree) for problem in _singleton_problems(cls)]


def _singleton_problems(cls: ast.ClassDef) -> list[str]:
    name = cls.name
    problems = []
    for decorator in cls.decorator_list:
        text = ast.unparse(decorator)
        if "singleton" in text.lower():
            problems.append(
                f"line {decorator.lineno}: {name} is decorated with @{text}, which makes every "
                f"{name}(...) call return one shared object."
            )
    for keyword in cls.keywords:
        if keyword.arg == "metaclass" and ast.unparse(keyword.value) not in ABSTRACT_METACLASSES:
            problems.append(
                f"line {keyword.value.lineno}: {name} uses the metaclass "
                f"{ast.unparse(keyword.value)} to control how its objects are created."
            )
    own = methods(cls)
    if "__new__" in own:
        why = (
            f" Python still runs __init__ after __new__ on every {name}(...) call, so each "
            "call re-initialises that shared object (or, with a guard, silently ignores its "
            "arguments)."
            if "__init__" in own
            else ""
        )
        problems.append(
            f"line {own['__new__'].lineno}: {name} defines __new__ to hand back one shared "
            f"object.{why}"
        )
    for stmt in cls.body:
        value = getattr(stmt, "value", None)
        holder = value is None or is_none(value) or is_mutable_literal(value) or (
            creates_own_instance(value, name)
        )
        for target in assigned_names(stmt):
            if holder and any(hint in target.lower() for hint in INSTANCE_ATTRIBUTE_HINTS):
                problems.append(
                    f"line {stmt.lineno}: {name}.{target} is a class attribute kept to hold "
                    f"the one {name} object."
                )
    reported = {p.split(":")[0] for p in problems}
    for function in own.values():
        for node in ast.walk(function):
            if not isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                continue
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            on_class = [t for t in targets if stores_on_class(t, name)]
            if on_class and node.value is not None and creates_own_instance(node.value, name):
                line = f"line {node.lineno}"
                if line not in reported:
                    reported.add(line)
                    problems.append(
                        f"{line}: {name}.{function.name} stores a {name} object on the class, "
                        f"so later calls hand back that same object."
                    )
    return problems


def is_none(value: ast.expr) -> bool:
    """True for the literal None."""
    return isinstance(value, ast.Constant) and value.value is None


def assigned_names(stmt: ast.stmt) -> list[str]:
    """Names bound by a class-body assignment (`x = ...`, `x: T = ...`)."""
    if isinstance(stmt, ast.Assign):
        return [t.id for t in stmt.targets if isinstance(t, ast.Name)]
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return [stmt.target.id]
    return []


def stores_on_class(target: ast.expr, class_name: str) -> bool:
    """True for `cls.x`, `ClassName.x` and `type(self).x` as assignment targets."""
    if not isinstance(target, ast.Attribute):
        return False
    owner = target.value
    if isinstance(owner, ast.Name):
        return owner.id in ("cls", class_name)
    return isinstance(owner, ast.Call) and ast.unparse(owner.func) == "type"


def creates_own_instance(value: ast.expr, class_name: str) -> bool:
    """True for `cls(...)`, `ClassName(...)`, `super().__new__(cls)` and `object.__new__(cls)`."""
    for node in ast.walk(value):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in ("cls", class_name):
            return True
        if isinstance(func, ast.Attribute) and func.attr == "__new__":
            return True
    return False


def shared_state(tree: ast.AST, class_name: str) -> list[str]:
    """State that every object of a class shares without saying so.

    A mutable class attribute (a dict, list or set in the class body) that methods change in
    place, and `self.__dict__ = ...` (the "Borg" trick). Either makes separate objects behave
    as one, like a Singleton in disguise. A class attribute only read is fine.
    """
    cls = find_class(tree, class_name)
    if cls is None:
        return [f"there is no class {class_name}"]
    mutable = {}
    for stmt in cls.body:
        value = getattr(stmt, "value", None)
        if value is not None and is_mutable_literal(value):
            for target in assigned_names(stmt):
                mutable[target] = stmt.lineno
    rebound = set()
    changed: dict[str, int] = {}
    problems = []
    for function in methods(cls).values():
        for node in ast.walk(function):
            for attr, kind, line in attribute_writes(node):
                if attr == "__dict__" and kind == "rebind":
                    problems.append(
                        f"line {line}: {class_name}.{function.name} replaces self.__dict__, so "
                        f"every {class_name} object shares one set of attributes."
                    )
                elif kind == "rebind":
                    rebound.add(attr)
                elif attr in mutable:
                    changed.setdefault(attr, line)
    for attr, line in sorted(changed.items(), key=lambda item: item[1]):
        if attr in rebound:
            continue
        problems.append(
            f"line {mutable[attr]}: {class_name}.{attr} is created once, in the class body, and "
            f"changed in place (line {line}), so every {class_name} object shares that one "
            f"object: a change made through one is seen by all. Create it in __init__ "
            f"(self.{attr} = ...) so each object gets its own."
        )
    return problems


def is_mutable_literal(value: ast.expr) -> bool:
    """A dict, list or set display or comprehension, or a call like dict(...) or list(...)."""
    if isinstance(value, (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)):
        return True
    if isinstance(value, ast.Call):
        func = value.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        return name in MUTABLE_FACTORIES
    return False


def attribute_writes(node: ast.AST) -> list[tuple[str, str, int]]:
    """Writes to attributes of self (or of the class) made by one node.

    Returns (attribute, "rebind" | "change", line): `self.x = ...` rebinds; `self.x[k] = ...`,
    `del self.x[k]`, `self.x += ...` and `self.x.update(...)` change the object in place.
    """
    found = []
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = list(node.targets)
    elif isinstance(node, ast.AnnAssign):
        targets = [node.target]
    elif isinstance(node, ast.Delete):
        targets = list(node.targets)
    for target in targets:
        for element in target.elts if isinstance(target, ast.Tuple) else [target]:
            attr = self_attribute(element)
            if attr and not isinstance(node, ast.Delete):
                found.append((attr, "rebind", node.lineno))
            elif isinstance(element, ast.Subscript) and self_attribute(element.value):
                found.append((self_attribute(element.value), "change", node.lineno))
    if isinstance(node, ast.AugAssign) and self_attribute(node.target):
        found.append((self_attribute(node.target), "change", node.lineno))
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in MUTATING_METHODS
        and self_attribute(node.func.value)
    ):
        found.append((self_attribute(node.func.value), "change", node.lineno))
    return found


def self_attribute(expr: ast.expr) -> str | None:
    """"x" for `self.x`, `cls.x` or `type(self).x`; None otherwise."""
    if not isinstance(expr, ast.Attribute):
        return None
    owner = expr.value
    if isinstance(owner, ast.Name) and owner.id in ("self", "cls"):
        return expr.attr
    if isinstance(owner, ast.Call) and ast.unparse(owner.func) == "type":
        return expr.attr
    return None


# ---------------------------------------------------------------------------------------------
# The counter-lesson: layers that add nothing
# ---------------------------------------------------------------------------------------------


def creator_classes(tree: ast.AST) -> list[str]:
    """Classes whose only job is to create other objects.

    A class is reported when its name ends in "Factory", or when it has at least one method and
    every method besides the dunder ones does nothing but assemble arguments and return a new
    object (`return Thing(...)`), or is an abstract stub for such a method.
    """
    found = []
    for cls in classes(tree):
        own = {n: f for n, f in methods(cls).items() if not n.startswith("__")}
        makers = {n: f for n, f in own.items() if creation_only(f)}
        named_like_one = cls.name.endswith(CREATOR_NAME_ENDINGS)
        only_makes = bool(makers) and all(n in makers or is_stub(f) for n, f in own.items())
        if not (named_like_one or only_makes):
            continue
        if makers:
            name, function = next(iter(makers.items()))
            made = ast.unparse(returned_call(function).func)
            detail = f" ({name}() only returns a new {made})"
        else:
            detail = ""
        found.append(
            f"line {cls.lineno}: {cls.name} exists only to create other objects{detail}."
        )
    return found


def creation_only(function: FunctionNode) -> bool:
    """True when a function only binds names to values and then returns a call."""
    body = list(function.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    if not body or not isinstance(body[-1], ast.Return) or returned_call(function) is None:
        return False
    return all(isinstance(stmt, (ast.Assign, ast.AnnAssign)) for stmt in body[:-1])


def returned_call(function: FunctionNode) -> ast.Call | None:
    """The object-creating call a function's last statement returns, or None.

    `X(...).method(...)` chains are followed to the first call (what is really created); a call
    counts as creating an object when it calls a capitalised name (a class) or `cls`.
    """
    last = function.body[-1] if function.body else None
    if not isinstance(last, ast.Return) or not isinstance(last.value, ast.Call):
        return None
    call = last.value
    while isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Call):
        call = call.func.value
    func = call.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
    return call if name == "cls" or name[:1].isupper() else None


def lonely_abstractions(tree: ast.AST) -> list[str]:
    """Abstract classes and Protocols with fewer than two implementations in the file.

    Abstract: a base of ABC, the metaclass ABCMeta, or an @abstractmethod. Implementations of
    an abstract class are its subclasses (at any depth); of a Protocol, the classes that define
    all of its methods.
    """
    all_classes = classes(tree)
    found = []
    for cls in all_classes:
        if is_protocol(cls):
            wanted = {n for n in methods(cls) if not n.startswith("__") or n == "__call__"}
            if not wanted:
                continue
            impls = [
                c.name for c in all_classes
                if c is not cls and not is_protocol(c) and wanted <= set(methods(c))
            ]
            if wanted == {"__call__"}:  # a callable Protocol: functions typed as it count too
                impls += typed_as(tree, cls.name)
            what = "a Protocol"
        elif is_abstract(cls) or overridden_stubs(cls, all_classes):
            impls = sorted(subclasses_of(cls.name, all_classes))
            what = "an abstract class"
        else:
            continue
        if len(impls) >= 2:
            continue
        which = f"only one implementation ({impls[0]})" if impls else "no implementation at all"
        found.append(f"line {cls.lineno}: {cls.name} is {what} with {which}.")
    return found


def overridden_stubs(cls: ast.ClassDef, all_classes: list[ast.ClassDef]) -> list[str]:
    """Methods of `cls` that are stubs (`raise NotImplementedError`, `...`, `pass`) and that a
    subclass in the file defines: an abstract class in all but name, without ABC."""
    below = subclasses_of(cls.name, all_classes)
    defined_below = {
        name for c in all_classes if c.name in below for name in methods(c)
    }
    return sorted(
        name for name, function in methods(cls).items()
        if not name.startswith("__") and is_stub(function) and name in defined_below
    )


def typed_as(tree: ast.AST, annotation: str) -> list[str]:
    """Names of the things bound to a variable annotated with `annotation` (`R: Renders = f`)."""
    return [
        ast.unparse(n.value) for n in ast.walk(tree)
        if isinstance(n, ast.AnnAssign) and n.value is not None
        and ast.unparse(n.annotation).split(".")[-1].strip("'\"") == annotation
    ]


def is_protocol(cls: ast.ClassDef) -> bool:
    """True for `class X(Protocol)`."""
    return any(b in PROTOCOL_BASES or b.startswith("Protocol[") for b in base_names(cls))


def is_abstract(cls: ast.ClassDef) -> bool:
    """True for a class based on ABC, using ABCMeta, or with an @abstractmethod."""
    if any(b in ABSTRACT_BASES for b in base_names(cls)):
        return True
    if any(
        k.arg == "metaclass" and ast.unparse(k.value) in ABSTRACT_METACLASSES
        for k in cls.keywords
    ):
        return True
    return any(
        ast.unparse(d).split(".")[-1] == "abstractmethod"
        for f in methods(cls).values()
        for d in f.decorator_list
    )


def subclasses_of(name: str, all_classes: list[ast.ClassDef]) -> set[str]:
    """Names of the classes below `name` in the file, at any depth."""
    found: set[str] = set()
    frontier = {name}
    while frontier:
        children = {
            c.name for c in all_classes
            if c.name not in found
            and any(b.split(".")[-1].split("[")[0] in frontier for b in base_names(c))
        }
        found |= children
        frontier = children
    return found


def module_functions(tree: ast.AST) -> list[FunctionNode]:
    """The functions defined at the top level of a module."""
    return [n for n in getattr(tree, "body", []) if isinstance(n, FunctionNode)]


def created_class(call: ast.Call, defined: set[str]) -> str | None:
    """The class a call creates when it is one defined in the file: `C()` or `{..: C}[k]()`."""
    func = call.func
    if isinstance(func, ast.Name) and func.id in defined:
        return func.id
    if isinstance(func, ast.Subscript) and isinstance(func.value, ast.Dict):
        names = [v.id for v in func.value.values if isinstance(v, ast.Name) and v.id in defined]
        return names[0] if names else None
    return None


def creator_functions(tree: ast.AST) -> list[str]:
    """Module-level functions whose only job is to create an object of a class in the file.

    The function-shaped twin of `creator_classes`: `def make_format(): return PlainText()`,
    or a table of classes looked up and called, is a factory whatever its shape.
    """
    defined = {c.name for c in classes(tree)}
    found = []
    for function in module_functions(tree):
        body = list(function.body)
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]
        if not body or not isinstance(body[-1], ast.Return):
            continue
        if not all(isinstance(s, ast.Assign | ast.AnnAssign) for s in body[:-1]):
            continue
        value = body[-1].value
        made = created_class(value, defined) if isinstance(value, ast.Call) else None
        if made is not None:
            found.append(
                f"line {function.lineno}: the function {function.name}() exists only to create "
                f"a {made}."
            )
    return found


def module_singletons(tree: ast.AST) -> list[str]:
    """Singletons made by a function: a `global` filled on first use, or a cached maker.

    `global _x; if _x is None: _x = Thing(); return _x` and `@cache def thing(): return Thing()`
    both hand every caller the same object, as a Singleton class does.
    """
    found = []
    for function in module_functions(tree):
        shared = {name for n in ast.walk(function) if isinstance(n, ast.Global) for name in n.names}
        filled = any(
            isinstance(n, ast.If) and isinstance(n.test, ast.Compare)
            and isinstance(n.test.left, ast.Name) and n.test.left.id in shared
            and is_none(n.test.comparators[0])
            for n in ast.walk(function)
        )
        cached = any(
            (pyast.dotted_name(d.func if isinstance(d, ast.Call) else d) or "").rpartition(".")[2]
            in ("cache", "lru_cache")
            for d in function.decorator_list
        ) and not function.args.args
        if filled or cached:
            found.append(
                f"line {function.lineno}: {function.name}() hands every caller the same object, "
                "made on first use: a Singleton in the shape of a function."
            )
    return found
