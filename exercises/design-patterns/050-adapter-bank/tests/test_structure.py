"""Structural checks, run on the learner's source before any of it is imported."""

from __future__ import annotations

from typing import NoReturn

from grading import pyast
from grading.patterns import structural


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def test_adapter_holds_the_old_client_instead_of_changing_it():
    """The adapter holds a LegacyBankClient and passes calls on; it does not inherit or edit it."""
    tree = pyast.parse_submission("bank_adapter.py")
    problems = structural.adapter_wraps(
        tree, "LegacyBankAdapter", "LegacyBankClient", ["charge", "refund"]
    )
    problems += structural.leaves_class_untouched(tree, "LegacyBankClient")
    if problems:
        fail(f"bank_adapter.py {problems[0]}")
