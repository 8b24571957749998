"""Structural checks, run on the learner's source before any of it is imported."""

from __future__ import annotations

from typing import NoReturn

from grading import pyast
from grading.patterns import behavioral


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def test_ticker_knows_observers_only_by_update():
    """StockTicker names no observer class: it loops over subscribers calling update()."""
    tree = pyast.parse_submission("ticker.py")
    for problem in behavioral.subject_decoupled(
        tree, "StockTicker", ["PriceLog", "PriceAlert"], method="update"
    ):
        fail(f"ticker.py {problem}")
