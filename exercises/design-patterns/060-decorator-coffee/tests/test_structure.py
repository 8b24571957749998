"""Structural checks, run on the learner's source before any of it is imported."""

from __future__ import annotations

import ast
from typing import NoReturn

from grading import pyast
from grading.patterns import dispatch
from grading.patterns import structural

ADD_ONS = {"Milk": (50, "milk"), "Caramel": (70, "caramel"), "ExtraShot": (90, "extra shot")}


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def wrapper_class(tree, name: str) -> str | None:
    """The class an add-on really is: itself, or the class a partial or a maker function makes.

    `Milk = partial(AddOn, price=50, name="milk")` and `def Milk(drink): return AddOn(drink, ...)`
    are add-ons too (the prompt allows any callable); their wrapping is done by AddOn. None when
    the add-on is a callable whose wrapper is no class of the file (a closure, a namespace):
    the behaviour tests judge what it returns.
    """
    if pyast.find_class(tree, name) is not None:
        return name
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            value = node.value
            if isinstance(value, ast.Call) and (pyast.dotted_name(value.func) or "").endswith(
                "partial"
            ) and value.args:
                return pyast.resolve_name(tree, pyast.dotted_name(value.args[0]) or name)
            if isinstance(value, ast.Name | ast.Attribute):
                return pyast.resolve_name(tree, pyast.dotted_name(value) or name)
            maker = pyast.find_function(tree, pyast.dotted_name(value.func) or "") if isinstance(
                value, ast.Call
            ) else None
            made = class_returned_by(maker) if maker is not None else None
            if made is not None:
                return made
        if isinstance(node, ast.FunctionDef) and node.name == name:
            last = node.body[-1]
            if isinstance(last, ast.Return) and isinstance(last.value, ast.Call):
                made = pyast.dotted_name(last.value.func)
                if made:
                    return pyast.resolve_name(tree, made)
    bound = any(
        isinstance(node, ast.FunctionDef) and node.name == name
        or isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
        for node in tree.body
    )
    return None if bound else name


def class_returned_by(maker: ast.FunctionDef) -> str | None:
    """A class a maker function defines inside itself and returns (`return AddOn`)."""
    inner = {n.name for n in ast.walk(maker) if isinstance(n, ast.ClassDef)}
    for node in ast.walk(maker):
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Name) and (
            node.value.id in inner
        ):
            return node.value.id
    return None


def test_add_ons_wrap_rather_than_subclass():
    """Each add-on holds the drink it is given and delegates to it; none subclasses a drink."""
    tree = pyast.parse_submission("coffee.py")
    found = (wrapper_class(tree, name) for name in ADD_ONS)
    wrappers = list(dict.fromkeys(w for w in found if w is not None))
    for drink in ("Espresso", "FilterCoffee"):
        problems = structural.wraps_instead_of_subclassing(
            tree, wrappers, drink, ["cost", "description"]
        )
        if problems:
            fail(f"coffee.py {problems[0]}")


def test_nothing_chooses_by_what_a_drink_is():
    """No ladder, type check, hasattr() probe or table keyed by class picks an add-on's part."""
    tree = pyast.parse_submission("coffee.py")
    for problem in dispatch.problems(tree, "coffee.py"):
        fail(
            f"{problem}. Each add-on already knows its own price and name, and asks the drink it "
            "wraps for the rest; nothing needs to ask which drink or add-on it is"
        )
