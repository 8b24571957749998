"""Structural checks, run on the learner's source before any of it is imported."""

from __future__ import annotations

from typing import NoReturn

from grading import pyast
from grading.patterns import behavioral


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def test_base_class_owns_the_algorithm():
    """ReportExporter.export runs the steps itself and knows no format by name."""
    tree = pyast.parse_submission("reports.py")
    for problem in behavioral.template_owned_by_base(tree, "ReportExporter", "export"):
        fail(f"reports.py: {problem}")


def test_formats_fill_in_steps_only():
    """CsvReport and MarkdownReport inherit export() and override only the steps."""
    tree = pyast.parse_submission("reports.py")
    for problem in behavioral.subclasses_fill_in_steps(
        tree, "ReportExporter", "export", ["CsvReport", "MarkdownReport"]
    ):
        fail(f"reports.py {problem}")
