"""Structural checks, run on the learner's source before any of it is imported."""

from __future__ import annotations

from typing import NoReturn

from grading import pyast
from grading.patterns import behavioral


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def test_commands_carry_do_and_undo():
    """InsertText and DeleteText each have their own execute() and undo()."""
    tree = pyast.parse_submission("editor.py")
    for problem in behavioral.commands_complete(tree, ["InsertText", "DeleteText"]):
        fail(f"editor.py: {problem}")


def test_editor_knows_no_command():
    """Editor treats every command alike: no type checks, no names, no ladder."""
    tree = pyast.parse_submission("editor.py")
    problems = behavioral.invoker_stays_generic(tree, "Editor", ["InsertText", "DeleteText"])
    problems += behavioral.ladders(tree, "editor.py")
    for problem in problems:
        fail(f"editor.py: {problem}" if problem.startswith("line") else problem)
