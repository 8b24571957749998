"""Struggle metrics over a learner's checks: sessions, EQ (Jadud) and RED (Becker).

EQ, ProgSnap2 variant as PEDAGOGY.md fixes it: over consecutive pairs of checks in a session on
one exercise, pair score = (8 if both failed) + (3 if both failed with the same error signature),
divided by 11; EQ is the mean (undefined below two checks). RED adds r²/(r+1) for each maximal
run of r consecutive pairs that share an error signature; it is not normalised.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class CheckPoint:
    """One graded check as the metrics see it."""

    at: datetime
    passed: bool
    signature: str | None = None  # None for a pass; e.g. "AssertionError:test_price" otherwise
    code_hash: str = ""


def code_hash(files: dict[str, str]) -> str:
    """Hash the learner's files (names and contents), so unchanged resubmissions are visible."""
    canonical = json.dumps(files, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(canonical).hexdigest()


def error_signature(error_type: str | None, first_failure: str | None) -> str:
    """What makes two failures 'the same error': exception type plus the failing test or rule."""
    return f"{error_type or 'AssertionError'}:{first_failure or ''}"


def split_sessions(checks: Sequence[CheckPoint], idle_s: float) -> list[list[CheckPoint]]:
    """Cut a time-ordered list of checks into sessions at every gap longer than idle_s."""
    sessions: list[list[CheckPoint]] = []
    for check in checks:
        if sessions and (check.at - sessions[-1][-1].at).total_seconds() <= idle_s:
            sessions[-1].append(check)
        else:
            sessions.append([check])
    return sessions


def eq(checks: Sequence[CheckPoint]) -> float | None:
    """Jadud's Error Quotient over one session's checks, or None with fewer than two."""
    if len(checks) < 2:
        return None
    total = 0.0
    for first, second in zip(checks, checks[1:], strict=False):
        if not first.passed and not second.passed:
            same = first.signature is not None and first.signature == second.signature
            total += (8 + (3 if same else 0)) / 11
    return total / (len(checks) - 1)


def red(checks: Sequence[CheckPoint]) -> float:
    """Repeated Error Density: sum of r²/(r+1) over maximal runs of repeated error signatures."""
    total, run = 0.0, 0
    for first, second in zip(checks, checks[1:], strict=False):
        if not first.passed and first.signature is not None and first.signature == second.signature:
            run += 1
        else:
            total += run * run / (run + 1) if run else 0.0
            run = 0
    return total + (run * run / (run + 1) if run else 0.0)
