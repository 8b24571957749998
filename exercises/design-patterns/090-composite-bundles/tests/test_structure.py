"""Structural checks, run on the learner's source before any of it is imported."""

from __future__ import annotations

from typing import NoReturn

from grading import pyast
from grading.patterns import dispatch
from grading.patterns import structural

METHODS = ["price", "item_count"]


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def test_products_and_bundles_answer_the_same_calls():
    """Product and Bundle both define price() and item_count() as methods."""
    tree = pyast.parse_submission("bundles.py")
    problems = structural.shares_interface(tree, ["Product", "Bundle"], METHODS)
    if problems:
        fail(f"bundles.py {problems[0]}")


def test_a_bundle_asks_its_children_never_their_type():
    """Bundle builds each answer from its children's answers to the same call; no type checks."""
    tree = pyast.parse_submission("bundles.py")
    problems = structural.group_delegates_to_children(tree, "Bundle", METHODS, ["Product"])
    for switch in pyast.type_switches(tree):
        problems.append(
            f"line {switch.line}: a chain of {switch.branches} type checks still decides how "
            "to treat an item. Each kind of item should answer for itself; then the chain, "
            "and the edit it needs for every new kind, can go"
        )
    if problems:
        fail(f"bundles.py {problems[0]}")


def test_nothing_chooses_by_what_an_item_is():
    """No ladder, type table or singledispatch picks how an item is priced or counted."""
    tree = pyast.parse_submission("bundles.py")
    for problem in dispatch.problems(tree, "bundles.py"):
        fail(
            f"{problem}. In a composite each kind of item answers price() and item_count() "
            "itself, and a bundle asks its children the same calls"
        )
