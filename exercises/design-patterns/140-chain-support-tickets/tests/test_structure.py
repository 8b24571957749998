"""Structural checks, run on the learner's source before any of it is imported."""

from __future__ import annotations

from typing import NoReturn

from grading import pyast
from grading.patterns import behavioral

HANDLERS = ("PasswordBot", "RefundDesk", "Manager", "Engineering")


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def test_handlers_do_not_pick_their_successor():
    """No handler names another one, and no ladder on topics is left anywhere."""
    tree = pyast.parse_submission("support.py")
    problems = behavioral.handlers_not_hardwired(tree, HANDLERS)
    problems += behavioral.ladders(tree, "support.py")
    for problem in problems:
        fail(f"support.py {problem}" if problem.startswith("line") else problem)
