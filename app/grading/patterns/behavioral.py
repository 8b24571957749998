"""Checks for the behavioral patterns: Observer, Template Method, Command, State, Chain.

Two kinds of check live here.

- Structural checks read the learner's AST (``tree = pyast.parse_submission("order.py")``) and
  find the shapes a pattern replaces: a context that still asks its state which one it is, a
  subject that names its observers, a subclass that overrides the whole template method.
- Behavioural probes drive the learner's live objects with recording stand-ins (a ``Recorder``:
  an observer that writes down what it saw, a next handler that writes down what reached it), to
  confirm what structure cannot show, e.g. that observers hear about a change *after* it happened.

Every check returns a list of problems in plain words, each naming the line or the object at
fault and saying why it matters; an empty list means the pattern is there. Exercise tests fail
with the first problem (it fits the learner's failure message), adding their own context.

    from grading.patterns import behavioral
    for problem in behavioral.no_state_switch_in(tree, "Order"):
        fail(problem)
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from typing import Any

from ..pyast import ancestor_names
from ..pyast import calls_on_others
from ..pyast import class_members
from ..pyast import code
from ..pyast import decisions_on_identity
from ..pyast import dispatches
from ..pyast import find_class
from ..pyast import is_stub
from ..pyast import lineage
from ..pyast import match_statements
from ..pyast import methods
from ..pyast import methods_called_on_argument
from ..pyast import partial_binding
from ..pyast import reachable_methods
from ..pyast import string_switches
from ..pyast import type_checks
from ..pyast import type_switches
from .dispatch import DOCTRINE
from .dispatch import describe

PASSED_ON = "<passed on to the next handler>"


# --------------------------------------------------------------------------- shared helpers


@dataclass(frozen=True)
class Mention:
    """A place where code refers to a class (or other name) by name."""

    line: int
    name: str


class Probe(Exception):
    """Raised inside a probe when the learner's object cannot even be driven; carries a problem."""


def mentions(node: ast.AST, names: Iterable[str]) -> list[Mention]:
    """References to any of `names` in the *body* of a class or function (not its bases).

    Finds bare names (`PriceLog()`) and qualified ones (`ticker.PriceLog`), in source order.
    """
    wanted = set(names)
    body = getattr(node, "body", [node])
    found = []
    for stmt in body if isinstance(body, list) else [body]:
        for n in ast.walk(stmt):
            if isinstance(n, ast.Name) and n.id in wanted:
                found.append(Mention(n.lineno, n.id))
            elif isinstance(n, ast.Attribute) and n.attr in wanted:
                found.append(Mention(n.lineno, n.attr))
    return sorted(found, key=lambda m: m.line)


def ancestors(tree: ast.AST, cls: ast.ClassDef) -> list[str]:
    """Names of every base class of `cls`, through aliases and bases defined in the same file."""
    return ancestor_names(tree, cls)


def self_calls(function: ast.AST) -> list[str]:
    """Names of the methods a function calls on `self`, in order, each once."""
    found: list[str] = []
    for n in sorted(
        (n for n in ast.walk(function) if isinstance(n, ast.Call)),
        key=lambda n: (n.lineno, n.col_offset),
    ):
        func = n.func
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == "self"
            and func.attr not in found
        ):
            found.append(func.attr)
    return found


def ladders(tree: ast.AST, file_name: str) -> list[str]:
    """Anywhere in a file: ladders that choose by comparing with names, or by asking types.

    Also every other shape of the same decision (pyast.dispatches): Enum or constant ladders,
    hasattr() probes, getattr() with a built name, tables keyed by type, __subclasses__().

    The shape every behavioral pattern replaces. Moving a ladder from one class to another (a
    helper function, a shared base class) keeps the problem, so this looks at the whole file.
    """
    problems = []
    for switch in string_switches(tree):
        values = ", ".join(repr(v) for v in switch.values)
        problems.append(
            f"{file_name} line {switch.line}: code here still chooses by comparing "
            f"{switch.subject} with {values}. Wherever such a ladder lives, one more case means "
            "editing it again; let each object carry its own behaviour instead"
        )
    for switch in type_switches(tree):
        problems.append(
            f"{file_name} line {switch.line}: a chain of {switch.branches} type checks picks "
            "the behaviour. Each class should carry its own behaviour, so nothing has to ask "
            "which class an object is"
        )
    reported = {s.line for s in string_switches(tree)} | {s.line for s in type_switches(tree)}
    for found in dispatches(tree, tree):
        if found.line not in reported:
            problems.append(
                describe(found, file_name, "code here")
                + "; let each object carry its own behaviour instead"
            )
    return problems


RELABEL = "relabelled"


@contextmanager
def relabelled(obj: Any, only: str | None = None) -> Iterator[list[str]]:
    """Give `obj` other labels for the duration: every string or Enum attribute (or each one
    equal to `only`) reads RELABEL on the instance. Yields the names changed; restores them.

    An object that owns its behaviour acts the same whatever it is called; one that reads its
    own name to choose (`if self.kind == "express"`, `FORMULAS[self.name]`) changes. Attributes
    that cannot be set (a property, __slots__) are left alone; a shared instance is restored.
    """
    undo: list[tuple[str, bool, Any]] = []
    for name in dir(obj):
        if name.startswith("__"):
            continue
        try:
            value = getattr(obj, name)
        except Exception:  # a property that fails is not a label
            continue
        if not isinstance(value, str | Enum):
            continue
        if only is not None and only not in (value, getattr(value, "value", None)):
            continue
        own = vars(obj) if hasattr(obj, "__dict__") else {}
        had, old = name in own, own.get(name)
        try:
            object.__setattr__(obj, name, RELABEL)
        except (AttributeError, TypeError):
            continue
        undo.append((name, had, old))
    try:
        yield [name for name, _, _ in undo]
    finally:
        for name, had, old in undo:
            if had:
                object.__setattr__(obj, name, old)
            else:
                object.__delattr__(obj, name)


class Recorder:
    """A stand-in collaborator that writes down every call of one method.

    ``Recorder("update")`` has a method ``update(*args)``; each call appends ``read(*args)`` (or
    the arguments themselves) to ``calls``, then runs ``then(recorder, *args)`` if given, and
    returns ``reply``. Use it as an observer, a next handler, or a command.
    """

    def __init__(
        self,
        method: str = "update",
        read: Callable[..., Any] | None = None,
        then: Callable[..., Any] | None = None,
        reply: Any = None,
    ) -> None:
        self.method = method
        self.calls: list[Any] = []
        self.reply = reply
        self._read = read
        self._then = then
        setattr(self, method, self._receive)

    def _receive(self, *args: Any, **kwargs: Any) -> Any:
        self.calls.append(self._read(*args, **kwargs) if self._read else args)
        if self._then is not None:
            self._then(self, *args)
        return self.reply

    def __repr__(self) -> str:
        return f"<a test {self.method}() recorder>"


def method_of(obj: Any, name: str, owner: str, signature: str) -> Callable[..., Any]:
    """The bound method `name` of `obj`, or a Probe problem saying it is missing."""
    method = getattr(obj, name, None)
    if not callable(method):
        raise Probe(f"{owner} has no {name}({signature}) method")
    return method


def attempt(what: str, action: Callable[[], Any]) -> Any:
    """Run one step of a probe; turn the learner's exception into a Probe problem."""
    try:
        return action()
    except Probe:
        raise
    except Exception as exc:
        raise Probe(f"{what} raised {type(exc).__name__}: {exc}") from None


def probing(run: Callable[[], list[str]]) -> list[str]:
    """Run a probe body, turning an early Probe stop into its one problem."""
    try:
        return run()
    except Probe as stop:
        return [str(stop)]


# --------------------------------------------------------------------------- Observer


def notified_after_change(
    subject: Any,
    change: Callable[[], Any],
    read: Callable[[Any], Any],
    *,
    subscribe: str = "subscribe",
    method: str = "update",
    subject_name: str = "the subject",
    state_name: str = "its state",
) -> list[str]:
    """A subscribed observer is told once about a change, and sees the *new* state when told.

    `change()` changes the subject; `read(subject)` returns the state an observer would look at.
    The probe observer reads the subject while it is being notified.
    """

    def run() -> list[str]:
        observer = Recorder(method, read=lambda *args, **kwargs: read(subject))
        add = method_of(subject, subscribe, subject_name, "observer")
        attempt(f"{subject_name}.{subscribe}(observer)", lambda: add(observer))
        before = read(subject)
        attempt(f"changing {state_name}", change)
        after = read(subject)
        if not observer.calls:
            return [
                f"{subject_name} changed {state_name} from {before!r} to {after!r} but never "
                f"called {method}() on its subscribed observer. Observers must be told of a "
                "change, not left to ask for it: the subject notifies everyone who subscribed "
                "each time it changes"
            ]
        if observer.calls[0] != after:
            return [
                f"{subject_name} notified its observers before {state_name} changed: during "
                f"{method}() the observer still saw {observer.calls[0]!r}, and {after!r} was "
                "set only afterwards. An observer that reacts to the news reads stale data. "
                "Change the state first, then notify"
            ]
        if len(observer.calls) > 1:
            return [
                f"{subject_name} called {method}() {len(observer.calls)} times for one change "
                f"of {state_name}; each observer should be told once per change"
            ]
        return []

    return probing(run)


def unsubscribe_stops_notifications(
    subject: Any,
    change: Callable[[], Any],
    *,
    subscribe: str = "subscribe",
    unsubscribe: str = "unsubscribe",
    method: str = "update",
    subject_name: str = "the subject",
) -> list[str]:
    """After unsubscribe(observer), that observer hears nothing more; the others still do."""

    def run() -> list[str]:
        leaving, staying = Recorder(method), Recorder(method)
        add = method_of(subject, subscribe, subject_name, "observer")
        remove = method_of(subject, unsubscribe, subject_name, "observer")
        attempt(f"{subject_name}.{subscribe}(observer)", lambda: add(leaving))
        attempt(f"{subject_name}.{subscribe}(observer)", lambda: add(staying))
        attempt(f"{subject_name}.{unsubscribe}(observer)", lambda: remove(leaving))
        attempt("changing the subject", change)
        if leaving.calls:
            return [
                f"an observer that called {subject_name}.{unsubscribe}() was still notified "
                "of the next change. The subject keeps dead subscribers: unsubscribe must "
                f"remove exactly what {subscribe} stored, or every closed screen and expired "
                "alert keeps being called (and kept in memory) for ever"
            ]
        if not staying.calls:
            return [
                f"{subject_name} did not notify an observer that was still subscribed (another "
                f"one had just unsubscribed). {unsubscribe}() removes only the observer it is "
                "given, and every remaining subscriber hears of each change"
            ]
        return []

    return probing(run)


def safe_to_unsubscribe_while_notified(
    subject: Any,
    change: Callable[[], Any],
    *,
    subscribe: str = "subscribe",
    unsubscribe: str = "unsubscribe",
    method: str = "update",
    subject_name: str = "the subject",
) -> list[str]:
    """An observer may unsubscribe itself inside update() without the next observer missing out.

    The classic bug: the subject loops over the very list that unsubscribe() shrinks, so the
    loop skips the observer after the one that left.
    """

    def run() -> list[str]:
        remove = method_of(subject, unsubscribe, subject_name, "observer")
        one_shot = Recorder(method, then=lambda recorder, *args: remove(recorder))
        next_in_line = Recorder(method)
        add = method_of(subject, subscribe, subject_name, "observer")
        attempt(f"{subject_name}.{subscribe}(observer)", lambda: add(one_shot))
        attempt(f"{subject_name}.{subscribe}(observer)", lambda: add(next_in_line))
        attempt(
            f"a change, while an observer called {unsubscribe}() on itself during {method}()",
            change,
        )
        if not one_shot.calls:
            return [f"{subject_name} did not notify its first subscribed observer of a change"]
        if not next_in_line.calls:
            return [
                f"an observer unsubscribed itself during {method}(), and the observer after it "
                f"missed the notification: {subject_name} loops over the same list that "
                f"{unsubscribe}() shrinks, so the loop skips one. Notify from a copy of the "
                "subscribers (for example list(self.subscribers))"
            ]
        attempt("a second change", change)
        if len(one_shot.calls) > 1:
            return [
                f"an observer that unsubscribed itself during {method}() was notified again "
                "on the next change; it should have been removed"
            ]
        return []

    return probing(run)


def loops_calling(node: ast.AST, method: str) -> list[int]:
    """Lines of loops that call `method` on each item: for statements, comprehensions, and a
    callable handed to map() or the like (`map(methodcaller("update", self), subscribers)`,
    `map(lambda o: o.update(self), subscribers)`)."""
    found = []
    for n in ast.walk(node):
        if isinstance(n, ast.Call) and len(n.args) >= 2 and any(
            method in methods_called_on_argument(a) for a in n.args
        ):
            found.append(n.lineno)
            continue
        if isinstance(n, ast.For | ast.AsyncFor):
            targets = {t.id for t in ast.walk(n.target) if isinstance(t, ast.Name)}
            body: list[ast.AST] = list(n.body)
        elif isinstance(n, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
            targets = {
                t.id for g in n.generators for t in ast.walk(g.target) if isinstance(t, ast.Name)
            }
            body = [n.key, n.value] if isinstance(n, ast.DictComp) else [n.elt]
        else:
            continue
        for stmt in body:
            for call in (c for c in ast.walk(stmt) if isinstance(c, ast.Call)):
                func = call.func
                on_item = (
                    isinstance(func, ast.Attribute)
                    and func.attr == method
                    and isinstance(func.value, ast.Name)
                    and func.value.id in targets
                )
                if on_item or (isinstance(func, ast.Name) and func.id in targets):
                    found.append(n.lineno)
    return sorted(set(found))


def subject_decoupled(
    tree: ast.AST, subject: str, observers: Iterable[str], method: str = "update"
) -> list[str]:
    """The subject knows its observers only as "something with `method`()".

    It must not name the concrete observer classes or ask their types, and it must notify by
    looping over whoever subscribed, calling `method` on each; a base class in the file (a GoF
    Subject owning subscribe/notify) may do that for it.
    """
    cls = find_class(tree, subject)
    if cls is None:
        return [f"there is no class {subject}"]
    problems = [
        f"line {m.line}: {subject} names {m.name}. A subject should know its observers only "
        f"as objects with {method}(); once it names one kind, every new kind of observer "
        f"means editing {subject} again. Whoever creates the {m.name} subscribes it"
        for c in lineage(tree, cls)
        for m in mentions(c, observers)
    ]
    problems += [
        f"line {check.line}: {subject} asks what type an observer is ({check.code}); it should "
        f"call {method}() on every subscriber alike"
        for c in lineage(tree, cls)
        for check in type_checks(c)
    ]
    # A GoF Subject base class in the file may own subscribe/notify: look through the bases.
    family = lineage(tree, cls)
    if not any(loops_calling(c, method) for c in family):
        problems.append(
            f"{subject} never loops over its subscribers calling {method}() on each. The "
            "subject keeps a collection of whoever subscribed and, after each change, tells "
            "every one of them"
        )
    return problems


# --------------------------------------------------------------------------- Template Method


def template_owned_by_base(
    tree: ast.AST, base: str, template: str, min_steps: int = 2
) -> list[str]:
    """The base class defines the template method, and it calls the steps on `self`.

    The base must not name its subclasses or switch on strings or types to pick a variant:
    the variants come from the subclasses' hooks.
    """
    cls = find_class(tree, base)
    if cls is None:
        return [
            f"there is no class {base}: the base class owns the algorithm in {template}() and "
            "leaves the steps that vary to its subclasses"
        ]
    function = methods(cls).get(template)
    if function is None or is_stub(function):
        return [
            f"{base} has no working {template}(). The template method lives in the base class: "
            "it runs the shared steps in a fixed order and calls the hooks that subclasses fill "
            "in. Subclasses should not have to write the algorithm themselves"
        ]
    problems = []
    subclasses = [
        c.name
        for c in ast.walk(tree)
        if isinstance(c, ast.ClassDef) and c is not cls and base in ancestors(tree, c)
    ]
    problems += [
        f"line {m.line}: {base} names its subclass {m.name}. A base class that knows its "
        "subclasses has to be edited for every new one; call a hook and let the subclass "
        "answer"
        for m in mentions(cls, subclasses)
    ]
    for switch in string_switches(cls):
        values = ", ".join(repr(v) for v in switch.values)
        problems.append(
            f"line {switch.line}: {base} still chooses by comparing {switch.subject} with "
            f"{values}. Each variant belongs in its own subclass, as the hooks it overrides; "
            f"{base} just calls them"
        )
    problems += [
        f"line {check.line}: {base} asks what type it is ({check.code}); call a hook that each "
        "subclass overrides instead"
        for check in type_checks(cls)
    ]
    # The template may run its steps through helpers of its own (`self._render()`).
    steps = list(dict.fromkeys(
        step for _, reached in reachable_methods(tree, cls, template)
        for step in self_calls(reached)
    ))
    if len(steps) < min_steps:
        called = ", ".join(f"{s}()" for s in steps) or "none"
        problems.append(
            f"{base}.{template}() calls only {len(steps)} of its own steps ({called}). A "
            "template method is a skeleton: it calls the steps that vary (self.header(), ...) "
            "in a fixed order, and each subclass supplies them"
        )
    return problems


def subclasses_fill_in_steps(
    tree: ast.AST, base: str, template: str, subclasses: Iterable[str]
) -> list[str]:
    """Each subclass inherits from `base` and overrides only steps, never `template` itself."""
    base_cls = find_class(tree, base)
    # Steps the base class implements itself (not abstract hooks, not the template).
    base_steps = {
        name
        for name, function in (methods(base_cls) if base_cls else {}).items()
        if name != template and not is_stub(function)
    }
    # The skeleton: the template and every helper of the base it reaches that runs steps.
    skeleton = {template}
    if base_cls is not None:
        skeleton |= {
            reached.name for owner, reached in reachable_methods(tree, base_cls, template)
            if owner is base_cls and self_calls(reached)
        }
    problems = []
    for name in subclasses:
        cls = find_class(tree, name)
        if cls is None:
            problems.append(f"there is no class {name}")
            continue
        if base not in ancestors(tree, cls):
            problems.append(
                f"{name} does not inherit from {base}. Without a shared base class each "
                "format repeats the whole algorithm, and the copies drift apart (as the "
                "starter's did)"
            )
            continue
        helper = next(
            (methods(cls)[h] for h in sorted(skeleton - {template}) if h in methods(cls)), None
        )
        if helper is not None and template not in methods(cls):
            problems.append(
                f"line {helper.lineno}: {name} overrides {helper.name}(), the part of "
                f"{base}.{template}() that runs the steps, so {name} replaces the whole "
                f"algorithm one level down: the steps it should fill in are never used, and "
                "a fix to the shared algorithm never reaches this format"
            )
            continue
        override = methods(cls).get(template)
        if override is None:
            continue
        calls = [c for c in ast.walk(override) if isinstance(c, ast.Call)]
        if any(isinstance(c.func, ast.Name) and c.func.id == "super" for c in calls):
            how = (
                f"calls super().{template}() and then edits its result, so part of the "
                "algorithm still lives in the subclass"
            )
        elif base_steps & set(self_calls(override)):
            how = (
                "calls the base class's steps itself, so the subclass still decides their "
                "order. In a template method the base class calls the subclass, not the other "
                "way round"
            )
        else:
            how = "replaces the whole algorithm instead of filling in the steps that vary"
        problems.append(
            f"line {override.lineno}: {name} overrides {template}() and {how}. A fix to "
            f"{base}'s algorithm then never reaches {name}, and the steps it fills in are "
            "not what runs"
        )
    return problems


def forgotten_hook_is_loud(
    make: Callable[[], Any], run: Callable[[Any], Any], hook: str, subclass: str = "a subclass"
) -> list[str]:
    """A subclass that forgets a required hook fails loudly, not with quietly wrong output.

    `make()` builds an instance of a subclass lacking `hook`; `run(obj)` calls the template
    method. Refusing to build it (TypeError from an abstract method) or raising when run
    (NotImplementedError, TypeError, AttributeError) is loud; returning a result is not.
    """
    try:
        obj = make()
    except TypeError:
        return []
    try:
        result = run(obj)
    except (NotImplementedError, TypeError, AttributeError):
        return []
    return [
        f"{subclass} that forgot to define {hook}() still produced {result!r} without "
        "complaint. A step every subclass must supply has a default here, so a subclass that "
        "forgets it gives quietly wrong output rather than failing at once; only optional "
        "steps should have one"
    ]


# --------------------------------------------------------------------------- Command


def commands_complete(
    tree: ast.AST, commands: Iterable[str], required: Iterable[str] = ("execute", "undo")
) -> list[str]:
    """Each command class has working `execute` and `undo` (its own, or from a base in the file)."""
    problems = []
    for name in commands:
        cls = find_class(tree, name)
        if cls is None:
            problems.append(f"there is no class {name}")
            continue
        family = [cls, *(find_class(tree, b) for b in ancestors(tree, cls))]
        for method in required:
            found = [methods(c)[method] for c in family if c and method in methods(c)]
            if not found or is_stub(found[0]):
                problems.append(
                    f"{name} has no working {method}(). A command object carries everything "
                    f"about its action: how to do it and how to reverse it"
                )
    return problems


def invoker_stays_generic(
    tree: ast.AST,
    invoker: str,
    commands: Iterable[str],
    undo: str = "undo",
) -> list[str]:
    """The invoker runs and reverses any command through its interface, knowing none of them.

    No concrete command names, type checks or ladders inside the invoker, and its `undo`
    method calls `undo()` on a command (it does not rebuild the past some other way).
    """
    cls = find_class(tree, invoker)
    if cls is None:
        return [f"there is no class {invoker}"]
    problems = []
    for check in type_checks(cls):
        problems.append(
            f"line {check.line}: {invoker} asks which command it holds ({check.code}). Each "
            "command knows how to undo itself, yet here the invoker decides for it, so every "
            "new kind of command means changing the invoker too"
        )
    for m in mentions(cls, commands):
        problems.append(
            f"line {m.line}: {invoker} names {m.name}. The invoker should treat every command "
            "alike, through execute() and undo(); whoever creates a command hands it over"
        )
    for switch in string_switches(cls):
        values = ", ".join(repr(v) for v in switch.values)
        problems.append(
            f"line {switch.line}: {invoker} still chooses by comparing {switch.subject} with "
            f"{values}. With command objects, the action itself knows what to do"
        )
    undo_method = methods(cls).get(undo) or partial_binding(tree, cls, undo)
    if undo_method is None:
        problems.append(f"{invoker} has no {undo}() method")
    elif "undo" not in calls_on_others(tree, cls, undo):
        problems.append(
            f"{invoker}.{undo}() never calls undo() on a command. The history should hold "
            "the commands themselves, each able to reverse its own action; copies of the "
            "whole document cost memory on every edit and cannot undo anything outside it"
        )
    return problems


# --------------------------------------------------------------------------- State


def refers_to(expr: ast.AST, attributes: Iterable[str]) -> bool:
    """True when `expr` is `self.<attr>` (or reaches into it: `self.state.name`)."""
    wanted = {a.lstrip("_") for a in attributes}
    while isinstance(expr, ast.Attribute | ast.Subscript | ast.Call):
        if (
            isinstance(expr, ast.Attribute)
            and isinstance(expr.value, ast.Name)
            and expr.value.id == "self"
            and expr.attr.lstrip("_") in wanted
        ):
            return True
        expr = expr.func if isinstance(expr, ast.Call) else expr.value
    return False


def mentions_state(expr: ast.AST, attributes: Iterable[str]) -> bool:
    """True when `expr` or any part of it refers to the state (`self.status`, a tuple with it)."""
    return any(refers_to(n, attributes) for n in ast.walk(expr))


def no_state_switch_in(
    tree: ast.AST, context: str, state_attributes: Iterable[str] = ("state", "status")
) -> list[str]:
    """Inside the context class, nothing decides by the current state.

    Flags comparisons involving ``self.state`` / ``self.status`` (``self.state.name == "paid"``,
    ``self.status in (...)``), type checks (``isinstance(self.state, Paid)``), match statements
    on it, and look-ups keyed by it (``TABLE[self.status]``, ``TABLE.get((self.status, ...))``).
    """
    attributes = tuple(state_attributes)
    cls = find_class(tree, context)
    if cls is None:
        return [f"there is no class {context}"]
    found: list[tuple[int, str]] = []
    tail = (
        "In the State pattern the context never asks which state it is in: it forwards each "
        "call to self.state, and the state object does what fits"
    )
    for n in ast.walk(cls):
        if isinstance(n, ast.Compare) and any(
            mentions_state(e, attributes) for e in (n.left, *n.comparators)
        ):
            found.append((
                n.lineno,
                f"line {n.lineno}: {context} still decides what to do by its state "
                f"({code(n)}). {tail}",
            ))
        elif isinstance(n, ast.Subscript) and mentions_state(n.slice, attributes):
            found.append((
                n.lineno,
                f"line {n.lineno}: {context} still decides what to do by its state, through a "
                f"table keyed by it ({code(n)}). {DOCTRINE}. {tail}",
            ))
        elif (
            isinstance(n, ast.Call)
            and isinstance(n.func, ast.Attribute)
            and n.func.attr == "get"
            and n.args
            and mentions_state(n.args[0], attributes)
        ):
            found.append((
                n.lineno,
                f"line {n.lineno}: {context} still decides what to do by its state, through a "
                f"table keyed by it ({code(n)}). {DOCTRINE}. {tail}",
            ))
    for check in type_checks(cls):
        found.append((
            check.line,
            f"line {check.line}: {context} asks what type its state is ({check.code}). That "
            f"is the old ladder with classes instead of strings. {tail}",
        ))
    for match in match_statements(cls):
        if mentions_state(match.subject, attributes):
            found.append((
                match.lineno,
                f"line {match.lineno}: {context} uses match on its state "
                f"({code(match.subject)}). {tail}",
            ))
    unique: dict[int, str] = {}
    for line, problem in sorted(found, key=lambda item: item[0]):
        unique.setdefault(line, problem)
    return list(unique.values())


def states_handle_events(
    tree: ast.AST, states: Iterable[str], events: Iterable[str]
) -> list[str]:
    """Every state class answers every event, itself or through a base class in the file.

    A name counts however the class binds it: a `def`, an assignment in the class body
    (`ship = _refuse("...")`, a functools.partialmethod), a base class in the file, or
    `State.ship = ...`. A class whose names the source cannot tell (a base from elsewhere,
    __getattr__, a class decorator) is not judged here; the behaviour tests call it instead.
    """
    problems = []
    events = tuple(events)
    for name in states:
        cls = find_class(tree, name)
        if cls is None:
            problems.append(f"there is no state class {name}")
            continue
        defined = class_members(tree, cls)
        if defined is None:
            continue
        missing = [e for e in events if e not in defined]
        if missing:
            listed = ", ".join(f"{e}()" for e in missing)
            problems.append(
                f"state {name} (line {cls.lineno}) has no {listed}, so an order in that status "
                "fails with AttributeError instead of refusing. Every state answers every "
                "event, even if only to refuse it; a shared base class can hold the refusals"
            )
    return problems


def decides_by_name(tree: ast.AST, file_name: str, tags: Iterable[str]) -> list[str]:
    """Anywhere in the file: one decision by a state's name, status or class is one too many.

    Catches what a ladder search misses: a nested `if`, `self.name in ("new", "paid")`, a flag
    set from a comparison, a single-case match, isinstance() on a state class, a table indexed
    by the status (see pyast.decisions_on_identity).
    """
    problems = []
    for found in decisions_on_identity(tree, tree, tuple(tags)):
        if found.kind == "type":
            what = f"asks which class {found.subject} is ({found.code})"
        elif found.kind == "lookup":
            what = f"looks up what to do in a table keyed by {found.subject} ({found.code})"
        else:
            what = f"decides by comparing {found.subject} with a fixed value ({found.code})"
        problems.append(
            f"{file_name} line {found.line}: code here {what}. That is the status ladder "
            "again, even as a single test: every new status means finding and editing this "
            "line, and a state's own class no longer says what it does"
        )
    return problems


# ------------------------------------------------------------------- Chain of Responsibility


def passes_on(
    handler: Any,
    request: Any,
    *,
    set_next: str = "set_next",
    method: str = "handle",
    handler_name: str = "the handler",
) -> list[str]:
    """A handler given a request it cannot deal with passes it, unchanged, to the next one.

    It must also return whatever the next handler answered.
    """

    def run() -> list[str]:
        after = Recorder(method, reply=PASSED_ON)
        link = method_of(handler, set_next, handler_name, "handler")
        attempt(f"{handler_name}.{set_next}(next_handler)", lambda: link(after))
        handle = method_of(handler, method, handler_name, "request")
        answer = attempt(f"{handler_name}.{method}({request!r})", lambda: handle(request))
        if not after.calls:
            return [
                f"{handler_name} cannot deal with {request!r}, yet it did not pass it to the "
                f"next handler (the one linked with {set_next}()); it answered {answer!r}. A "
                "handler that cannot help must pass the request along the chain, to whatever "
                "handler comes next"
            ]
        if after.calls[0] != (request,):
            return [
                f"{handler_name} passed on {after.calls[0]!r} instead of the request it was "
                f"given ({request!r}); pass the same request along"
            ]
        if answer != PASSED_ON:
            return [
                f"{handler_name} passed {request!r} on, but returned {answer!r} instead of the "
                "next handler's answer; return what the rest of the chain answered"
            ]
        return []

    return probing(run)


def decides_alone(
    handler: Any,
    request: Any,
    *,
    set_next: str = "set_next",
    method: str = "handle",
    handler_name: str = "the handler",
) -> list[str]:
    """A handler that deals with a request answers it and does not pass it on as well."""

    def run() -> list[str]:
        after = Recorder(method, reply=PASSED_ON)
        link = method_of(handler, set_next, handler_name, "handler")
        attempt(f"{handler_name}.{set_next}(next_handler)", lambda: link(after))
        handle = method_of(handler, method, handler_name, "request")
        answer = attempt(f"{handler_name}.{method}({request!r})", lambda: handle(request))
        if after.calls and answer == PASSED_ON:
            return [
                f"{handler_name} passed {request!r} on to the next handler instead of "
                "answering it: this request is its own to deal with (look at the condition that "
                "decides what it handles, and its boundary), so the next team answers a ticket "
                "that was not theirs"
            ]
        if after.calls:
            return [
                f"{handler_name} handled {request!r} and also passed it on to the next "
                "handler. In a chain of responsibility a handler either deals with a request "
                "or passes it, never both: otherwise one ticket is answered (and a refund "
                "paid) twice"
            ]
        if answer is None or answer == PASSED_ON:
            return [f"{handler_name} should deal with {request!r} itself, but answered {answer!r}"]
        return []

    return probing(run)


def end_of_chain(
    handler: Any, request: Any, *, method: str = "handle", handler_name: str = "the handler"
) -> list[str]:
    """A handler with no next handler answers None for a request it cannot deal with."""

    def run() -> list[str]:
        handle = method_of(handler, method, handler_name, "request")
        try:
            answer = handle(request)
        except Exception as exc:
            return [
                f"{handler_name}, with no handler after it, crashed on {request!r} "
                f"({type(exc).__name__}: {exc}). The end of the chain has nobody to pass to: "
                "check that a next handler exists, and answer None when there is none"
            ]
        if answer is not None:
            return [
                f"{handler_name} cannot deal with {request!r} and has no handler after it, yet "
                f"answered {answer!r}; at the end of the chain the answer is None"
            ]
        return []

    return probing(run)


def handlers_not_hardwired(tree: ast.AST, handlers: Iterable[str]) -> list[str]:
    """No handler class names another handler class: the order is set by whoever links them."""
    handlers = tuple(handlers)
    problems = []
    for name in handlers:
        cls = find_class(tree, name)
        if cls is None:
            problems.append(f"there is no class {name}")
            continue
        others = [h for h in handlers if h != name]
        problems += [
            f"line {m.line}: {name} names {m.name}. A handler passes what it cannot do to "
            "whichever handler it was linked to with set_next(), instead of picking its own "
            "successor; the order of the chain belongs to whoever builds it"
            for m in mentions(cls, others)
        ]
    return problems
