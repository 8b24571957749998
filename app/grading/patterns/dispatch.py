"""The track's doctrine on choosing behaviour, and the learner-facing words for breaking it.

The doctrine (also in the track's introduction): an object that should own a behaviour is
asked to act; nothing asks it what it is. A table (dict) is a registry, and fine, when it turns
a name from outside the program (what a customer typed, a config value) into an object once, at
the edge. A ladder of comparisons, type checks, hasattr() probes, getattr() with a built name, a
table keyed by an object's type or class name, or a search of __subclasses__() is the same
decision in another shape, wherever it lives.

    from grading.patterns import dispatch
    for problem in dispatch.problems(tree, "shipping.py", within=calculator_class):
        fail(problem)
"""

from __future__ import annotations

import ast

from .. import pyast

DOCTRINE = (
    "A dict that turns a name from outside (what the customer typed) into an object once, at "
    "the edge, is a registry and is fine; a chain or a table keyed by what an object is "
    "(its type, class name or status) is the old ladder in another shape"
)


def describe(found: pyast.Dispatch, file_name: str, who: str) -> str:
    """One dispatch, in the learner's terms: where, what it does, and what follows."""
    where = f"{file_name} line {found.line}: {who}"
    if found.kind == "compare":
        return (
            f"{where} chooses what to do by comparing {found.subject} with fixed values "
            f"({found.code}, ...). Wherever such a chain lives, one more case means editing it "
            "again"
        )
    if found.kind == "type" and found.code.startswith("@singledispatch"):
        return (
            f"{where} picks the behaviour by the argument's type ({found.code}, one "
            "implementation registered per type): a table keyed by type. Every new class means "
            "registering it there, instead of the class carrying its own behaviour"
        )
    if found.kind == "type":
        return (
            f"{where} picks the behaviour with a chain of type checks. Every new class means "
            "editing that chain, and an object it has never heard of is turned away"
        )
    if found.kind == "attribute":
        return (
            f"{where} asks {found.subject} which attributes it has ({found.code}) to choose "
            "what to run. That is a ladder on the object's kind, spelled with attribute names"
        )
    if found.kind == "lookup":
        return (
            f"{where} looks up what to do in a table keyed by what an object is "
            f"({found.code}). {DOCTRINE}"
        )
    return (
        f"{where} searches {found.subject}.__subclasses__() for the class to use, so the "
        "choice depends on which classes happen to exist, not on what the caller hands over"
    )


def problems(
    tree: ast.AST,
    file_name: str,
    within: ast.AST | None = None,
    who: str = "code here",
    kinds: tuple[str, ...] = ("compare", "type", "attribute", "lookup", "subclasses"),
    tags: tuple[str, ...] = (),
) -> list[str]:
    """Every dispatch in `within` (default: the whole file), described for the learner.

    `tags`: attributes that say what an object is (a table indexed by `self.status` is a
    lookup on what the object is, like one indexed by its type).
    """
    found = pyast.dispatches(within if within is not None else tree, tree, tags=tags)
    return [describe(d, file_name, who) for d in found if d.kind in kinds]
