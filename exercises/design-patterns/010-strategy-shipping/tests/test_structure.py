"""Structural checks, run on the learner's source before any of it is imported."""

from __future__ import annotations

from typing import NoReturn

from grading import pyast
from grading.patterns import dispatch


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it; no assert rewriting noise)."""
    raise AssertionError(message)


def test_calculator_does_not_choose_the_algorithm():
    """Inside ShippingCalculator, nothing decides which formula to use."""
    tree = pyast.parse_submission("shipping.py")
    context = pyast.find_class(tree, "ShippingCalculator")
    if context is None:
        fail("shipping.py has no class ShippingCalculator")
    for check in pyast.type_checks(context):
        fail(
            f"shipping.py line {check.line}: ShippingCalculator checks a type ({check.code}). "
            "The calculator should trust any object with a cost(parcel) method and never ask "
            "which class it is: a type check turns away strategies it has never heard of, and "
            "a chain of them is the old if/elif ladder in disguise. Call "
            "self.strategy.cost(parcel)"
        )
    for problem in dispatch.problems(tree, "shipping.py", context, "ShippingCalculator"):
        fail(
            f"{problem}. The calculator keeps what every method shares (one weight check, "
            "rounding) and asks self.strategy for the price"
        )
    for chain in pyast.if_chains(context, min_branches=2):
        fail(
            f"shipping.py line {chain.line}: ShippingCalculator still has an if/elif chain "
            f"with {chain.branches} conditions. The calculator keeps what every method shares "
            "(a single weight check, rounding) and hands the rest to its strategy"
        )
    for match in pyast.match_statements(context):
        fail(
            f"shipping.py line {match.lineno}: ShippingCalculator uses a match statement to "
            "choose; the strategy object should make that choice unnecessary"
        )


def test_no_ladder_left_anywhere():
    """No if/elif ladder on method names or types is left anywhere in shipping.py."""
    tree = pyast.parse_submission("shipping.py")
    for switch in pyast.string_switches(tree):
        values = ", ".join(repr(v) for v in switch.values)
        fail(
            f"shipping.py line {switch.line}: code here still chooses by comparing "
            f"{switch.subject} with {values}. Moving the ladder out of the calculator (into a "
            "function or a shared base class) keeps the problem: a fourth method still means "
            "editing this chain. Give each method's class its own cost formula, and map names "
            "to strategy objects with data (a dict), not with ifs"
        )
    for problem in dispatch.problems(tree, "shipping.py"):
        fail(
            f"{problem}. Moving the choice out of the calculator (into a function or a shared "
            "base class) keeps the problem. Give each method's class its own cost formula"
        )
