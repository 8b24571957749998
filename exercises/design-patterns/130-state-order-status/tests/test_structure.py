"""Structural checks, run on the learner's source before any of it is imported."""

from __future__ import annotations

from typing import NoReturn

from grading import pyast
from grading.patterns import behavioral
from grading.patterns import dispatch

ACTIONS = ("pay", "ship", "deliver", "cancel")
# Attributes that say which status an object is in: a table indexed by them is a ladder.
TAGS = ("status", "name", "state")


STATE_CLASSES = {"new": "New", "paid": "Paid", "shipped": "Shipped",
                 "delivered": "Delivered", "cancelled": "Cancelled"}


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def test_order_never_asks_which_state_it_is_in():
    """Order has no if/elif, match, type check or table on its state."""
    tree = pyast.parse_submission("order.py")
    for problem in behavioral.no_state_switch_in(tree, "Order"):
        fail(f"order.py {problem}")


def test_no_ladder_on_status_names_anywhere():
    """No state class, base class or helper chooses by comparing status names."""
    tree = pyast.parse_submission("order.py")
    problems = behavioral.ladders(tree, "order.py")
    problems += [
        f"{problem}. Each state class should say itself what every action does in its status"
        for problem in dispatch.problems(tree, "order.py", kinds=("lookup",), tags=TAGS)
    ]
    # One test on a name is the ladder too (a nested if, `in ("new", "paid")`, isinstance):
    # reported where the ladder search above found nothing on that line.
    seen = {problem.split(":", 1)[0] for problem in problems}
    problems += [
        problem for problem in behavioral.decides_by_name(tree, "order.py", TAGS)
        if problem.split(":", 1)[0] not in seen
    ]
    problems += behavioral.states_handle_events(tree, STATE_CLASSES.values(), ACTIONS)
    for problem in problems:
        fail(problem)
