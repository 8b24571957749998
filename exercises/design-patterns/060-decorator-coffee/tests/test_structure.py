"""Structural checks, run on the learner's source before any of it is imported."""

from __future__ import annotations

from typing import NoReturn

from grading import pyast
from grading.patterns import dispatch
from grading.patterns import structural

ADD_ONS = {"Milk": (50, "milk"), "Caramel": (70, "caramel"), "ExtraShot": (90, "extra shot")}


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def test_add_ons_wrap_rather_than_subclass():
    """Each add-on holds the drink it is given and delegates to it; none subclasses a drink."""
    tree = pyast.parse_submission("coffee.py")
    for drink in ("Espresso", "FilterCoffee"):
        problems = structural.wraps_instead_of_subclassing(
            tree, list(ADD_ONS), drink, ["cost", "description"]
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
