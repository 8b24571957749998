"""Structural checks, run on the learner's source before any of it is imported."""

from __future__ import annotations

from typing import NoReturn

from grading import pyast
from grading.patterns import creational

LOGGER_CLASSES = ["FileLogger", "CloudLogger", "ConsoleLogger"]


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def test_only_the_factory_method_names_a_logger_class():
    """FileLogger, CloudLogger and ConsoleLogger are named only inside Service.create_logger."""
    tree = pyast.parse_submission("services.py")
    problems = creational.concrete_classes_named_outside(
        tree, factory="Service.create_logger", classes=LOGGER_CLASSES
    )
    if problems:
        more = f" ({len(problems) - 1} more like this.)" if len(problems) > 1 else ""
        fail(
            f"In services.py, {problems[0]}{more} The services should ask self.create_logger() "
            "and never choose a logger class themselves"
        )
