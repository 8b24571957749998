"""Structural checks, run on the learner's source before any of it is imported."""

from __future__ import annotations

from typing import NoReturn

from grading import pyast
from grading.patterns import structural


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def test_proxy_stands_in_for_the_service():
    """CachingRates offers RemoteRates' calls, holds the real service and calls it, not inherits."""
    tree = pyast.parse_submission("rates_cache.py")
    subject = pyast.parse_submission("rates_api.py")
    problems = structural.same_interface(tree, "CachingRates", subject, "RemoteRates")
    problems += structural.proxy_wraps(tree, "CachingRates", "RemoteRates", ["rate", "currencies"])
    if problems:
        fail(f"rates_cache.py {problems[0]}")
