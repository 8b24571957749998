"""Helpers for exercise tests that ask the deploy model: read learner files, fail with a trace.

    from grading.deploy import checks
    context = checks.context("app.py", "requirements.txt")
    checks.require(outcome, "After a redeploy the shop's orders are gone")
"""

from __future__ import annotations

from typing import NoReturn

from .. import submission
from .. import traces
from .trace import Outcome


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def context(*names: str) -> dict[str, str]:
    """The build context: the named learner files that exist."""
    found = {}
    for name in names:
        text = submission.read(name)
        if text:
            found[name] = text
    return found


def require(outcome: Outcome, headline: str = "") -> None:
    """Fail with the headline, the outcome's reason and its trace when it is not ok."""
    if outcome.ok:
        return
    lead = f"{headline}: {outcome.reason}" if headline else outcome.reason
    if outcome.trace.steps:
        lead += "\nWhat the deploy did, step by step:\n" + outcome.trace.text()
    steps = [(step, "", "") for step in outcome.trace.steps]
    traces.fail(lead, traces.panel(headline or outcome.reason, steps, kind="deploy",
                                   failure=("Went wrong here", outcome.reason, "")))
