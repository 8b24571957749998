"""Structural checks, run on the learner's source before any of it is imported."""

from __future__ import annotations

from typing import NoReturn

from grading import pyast
from grading.patterns import creational


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def show(problems: list[str], why: str) -> None:
    """Fail with the first problem a check found, and why it matters."""
    if problems:
        more = f" ({len(problems) - 1} more like this.)" if len(problems) > 1 else ""
        fail(f"In invoices.py, {problems[0]}{more} {why}")


def test_no_class_exists_only_to_create_another():
    """No factory layers: nothing whose only job is to make the next object."""
    tree = pyast.parse_submission("invoices.py")
    show(
        creational.creator_classes(tree) + creational.creator_functions(tree),
        "A factory earns its place when callers must not know which of several classes they "
        "get. With one formatter and no second on the horizon, make it (or call a function) "
        "directly: a renamed layer is still a layer",
    )


def test_no_interface_with_a_single_implementation():
    """No abstract class or Protocol that only one class implements."""
    tree = pyast.parse_submission("invoices.py")
    show(
        creational.lonely_abstractions(tree),
        "An interface pays off when callers really choose between implementations; with one, "
        "it is a second place to read and change. Fold it into its only implementation, and "
        "add the interface on the day a second one arrives",
    )


def test_no_singleton():
    """No Singleton machinery: nothing here needs to be unique."""
    tree = pyast.parse_submission("invoices.py")
    show(
        creational.singletons(tree) + creational.module_singletons(tree),
        "Nothing here holds state worth sharing, so there is nothing to keep unique: an "
        "ordinary object, a module-level constant or a function does the job",
    )


def test_no_builder_for_three_fixed_settings():
    """No builder: three settings that never change do not need one."""
    tree = pyast.parse_submission("invoices.py")
    show(
        creational.builder_classes(tree) + creational.fluent_steps(tree),
        "A builder helps with many optional parts and rules between them; three settings that "
        "are always the same fit in three constants (or keyword arguments with defaults)",
    )
