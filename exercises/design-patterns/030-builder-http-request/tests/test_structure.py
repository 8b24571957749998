"""Structural checks, run on the learner's source before any of it is imported."""

from __future__ import annotations

from typing import NoReturn

from grading import pyast
from grading.patterns import creational


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def test_only_the_builder_makes_requests():
    """Request(...) is created only in RequestBuilder.build."""
    tree = pyast.parse_submission("api_client.py")
    problems = creational.instantiated_outside(
        tree, classes=["Request"], allowed="RequestBuilder.build"
    )
    if problems:
        more = f" ({len(problems) - 1} more like this.)" if len(problems) > 1 else ""
        fail(
            f"In api_client.py, {problems[0]}{more} When every request goes through the builder, "
            "build()'s checks always run and nobody counts positional arguments again: "
            "search_request and order_request should use RequestBuilder too"
        )
