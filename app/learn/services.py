"""Record and read attempts; summarise progress. Authorisation is checked here, not in routes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..catalog import ensure_exercise_row
from ..errors import Conflict
from ..errors import Invalid
from ..errors import NotFound
from ..exercises import Catalog
from ..exercises import Exercise
from ..extensions import db
from ..friction.metrics import code_hash
from ..friction.rules import Action
from ..grading.verdict import ABORTED
from ..models import Attempt
from ..models import utcnow
from ..practice.services import gate_for_check
from ..practice.services import log_event
from ..practice.services import touch_session
from ..recheck.services import enqueue
from .schemas import AttemptIn
from .schemas import client_time_is_sane

ATTEMPTS_SHOWN = 50


def check_files(exercise: Exercise, files: dict[str, str], max_file_bytes: int) -> None:
    """Only the exercise's editable files, each within the size limit."""
    unknown = set(files) - set(exercise.editable_files)
    if unknown:
        raise Invalid(
            f"files {sorted(unknown)} are not part of this exercise "
            f"(expected {', '.join(exercise.editable_files)})"
        )
    for name, content in files.items():
        size = len(content.encode())
        if size > max_file_bytes:
            raise Invalid(
                f"{name} is {size // 1024} KB; the limit is {max_file_bytes // 1024} KB per file"
            )


def record_attempt(
    user_id: int, data: AttemptIn, catalog: Catalog, max_file_bytes: int
) -> tuple[Attempt, bool]:
    """Store a Run or Check once; a repeated client id returns the stored attempt unchanged."""
    client_id = str(data.id)
    existing = db.session.scalar(sa.select(Attempt).where(Attempt.client_id == client_id))
    if existing is not None:
        return owned(existing, user_id), False
    exercise = catalog.get(data.exercise_id)
    if exercise is None:
        raise NotFound(f"There is no exercise {data.exercise_id!r}.")
    check_files(exercise, data.files, max_file_bytes)
    ensure_exercise_row(exercise)
    verdict = data.verdict
    first = next((t for t in verdict.tests if t.outcome in ("failed", "error")), None)
    tests_total = sum(t.outcome != "skipped" for t in verdict.tests)
    tests_passed = sum(t.outcome == "passed" for t in verdict.tests)
    now = utcnow()
    hashed = code_hash(data.files)
    # A check made while a friction gate is open is stored all the same (nothing is lost), flagged.
    # An aborted check (the runner's failure, not the learner's) is stored but judged by nothing.
    counted = data.kind == "check" and verdict.status != ABORTED
    gate = gate_for_check(user_id, exercise, hashed, now) if counted else None
    attempt = Attempt(
        client_id=client_id,
        user_id=user_id,
        exercise_id=exercise.id,
        exercise_version=data.exercise_version,
        kind=data.kind,
        files=dict(data.files),
        code_hash=hashed,
        status=verdict.status,
        passed=data.kind == "check" and verdict.status == "passed",
        tests_passed=tests_passed,
        tests_total=tests_total,
        first_failure=(first.description or first.name)[:300] if first else None,
        error_type=verdict.error.type if verdict.error else None,
        verdict=verdict.model_dump(mode="json"),
        duration_ms=data.duration_ms,
        client_created_at=data.client_time if client_time_is_sane(data.client_time, now) else now,
        created_at=now,
        session_id=touch_session(user_id, now),
        gate=gate,
    )
    try:
        db.session.add(attempt)
        if attempt.passed:
            # The browser's verdict is the learner's to forge: the pass stays provisional until
            # the server re-runs the grader on these files (same transaction: never lost).
            enqueue(attempt)
        if gate:
            db.session.flush()
            log_event(user_id, exercise.id, gate, Action.FLAGGED, {"code_hash": hashed}, attempt.id)
        db.session.flush()
        # Every column the reply shows is known now: detached, the attempt is not expired by the
        # commit, so answering costs no second SELECT.
        db.session.expunge(attempt)
        db.session.commit()
    except IntegrityError:
        # Two deliveries of the same attempt raced; the other one won. Return it.
        db.session.rollback()
        existing = db.session.scalar(sa.select(Attempt).where(Attempt.client_id == client_id))
        if existing is None:
            raise
        return owned(existing, user_id), False
    return attempt, True


def owned(attempt: Attempt, user_id: int) -> Attempt:
    """Return the attempt if it belongs to the user; another user's id is a conflict."""
    if attempt.user_id != user_id:
        raise Conflict("This attempt id is already used. Reload the page to get a fresh one.")
    return attempt


def get_attempt(user_id: int, client_id: str) -> Attempt:
    """Return one of the user's own attempts; another learner's looks like it does not exist."""
    attempt = db.session.scalar(sa.select(Attempt).where(Attempt.client_id == client_id))
    if attempt is None or attempt.user_id != user_id:
        raise NotFound("There is no such attempt among yours.")
    return attempt


def list_attempts(user_id: int, exercise_id: str, limit: int = ATTEMPTS_SHOWN) -> list[Attempt]:
    """The user's own attempts at an exercise, newest first."""
    return list(
        db.session.scalars(
            sa.select(Attempt)
            .where(Attempt.user_id == user_id, Attempt.exercise_id == exercise_id)
            .order_by(Attempt.created_at.desc(), Attempt.id.desc())
            .limit(limit)
        )
    )


def attempt_summary(attempt: Attempt) -> dict[str, Any]:
    """What the attempts list shows for one attempt (no file contents)."""
    return {
        "id": attempt.client_id,
        "kind": attempt.kind,
        "status": attempt.status,
        "passed": attempt.passed,
        "tests_passed": attempt.tests_passed,
        "tests_total": attempt.tests_total,
        "first_failure": attempt.first_failure,
        "error_type": attempt.error_type,
        "created_at": attempt.created_at.isoformat(),
        "client_time": attempt.client_created_at.isoformat(),
        "duration_ms": attempt.duration_ms,
        "gate": attempt.gate,
        # None, "pending", "verified", "mismatch" or "unchecked" (see app/recheck).
        "verification": attempt.verification,
    }


@dataclass(frozen=True)
class Progress:
    """Where a learner stands on one exercise, counted as the journal counts it."""

    checks: int  # every check, before and after the first pass
    checks_to_solve: int | None = None  # checks up to and including the first pass

    @property
    def solved(self) -> bool:
        """True once a check has passed."""
        return self.checks_to_solve is not None


def progress_by_exercise(user_id: int) -> dict[str, Progress]:
    """Count checks and the checks it took to solve each exercise (a pass the server verified)."""
    rows = db.session.execute(
        sa.select(Attempt.exercise_id, sa.and_(Attempt.passed, Attempt.verified))
        .where(
            Attempt.user_id == user_id, Attempt.kind == "check", Attempt.status != ABORTED
        )
        .order_by(Attempt.created_at, Attempt.id)
    )
    checks: dict[str, int] = {}
    to_solve: dict[str, int] = {}
    for exercise_id, passed in rows:
        checks[exercise_id] = checks.get(exercise_id, 0) + 1
        if passed and exercise_id not in to_solve:
            to_solve[exercise_id] = checks[exercise_id]
    return {ex: Progress(checks=n, checks_to_solve=to_solve.get(ex)) for ex, n in checks.items()}
