"""Record and read attempts; summarise progress. Authorisation is checked here, not in routes."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from types import SimpleNamespace
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
from ..models import Verification
from ..models import utcnow
from ..practice.services import checks_stored
from ..practice.services import gate_state
from ..practice.services import open_gate
from ..practice.services import store_event
from ..practice.services import touch_session
from ..quotas import charge_write
from ..recheck.services import queue_recheck
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
    user_id: int, data: AttemptIn, catalog: Catalog, max_file_bytes: int, *, request_bytes: int
) -> tuple[Any, bool]:
    """Store a Run or Check once; a repeated client id returns the stored attempt unchanged.

    Returns the attempt (its columns as attributes) and whether it is new. The hot path of a
    classroom: a handful of statements built once, run on the session's connection in one
    transaction, without the ORM's unit of work. `request_bytes` is charged against the
    account's write quotas (app/quotas.py) in that transaction."""
    client_id = str(data.id)
    exercise = catalog.get(data.exercise_id)
    try:
        if exercise is None:
            raise NotFound(f"There is no exercise {data.exercise_id!r}.")
        check_files(exercise, data.files, max_file_bytes)
    except (NotFound, Invalid):
        # A resent attempt stored before the catalog or the limits changed is still stored.
        existing = stored_attempt(client_id)
        if existing is not None:
            return owned(existing, user_id), False
        raise
    # A counted check learns whether its client id is already stored from the gate read it
    # makes anyway (one statement less per attempt); a run or an aborted check asks on its own.
    counted = data.kind == "check" and data.verdict.status != ABORTED
    if not counted:
        existing = stored_attempt(client_id)
        if existing is not None:
            return owned(existing, user_id), False
    ensure_exercise_row(exercise)
    verdict = data.verdict
    first = next((t for t in verdict.tests if t.outcome in ("failed", "error")), None)
    now = utcnow()
    hashed = code_hash(data.files)
    # A check made while a friction gate is open is stored all the same (nothing is lost), flagged.
    # An aborted check (the runner's failure, not the learner's) is stored but judged by nothing.
    gate = None
    if counted:
        read = gate_state(user_id, exercise, now, client_id)
        if read.stored_owner is not None:  # a resent check: the stored one, unchanged
            existing = stored_attempt(client_id)
            if existing is not None:
                return owned(existing, user_id), False
        gate = open_gate(read, hashed)
    passed = data.kind == "check" and verdict.status == "passed"
    values = {
        "client_id": client_id,
        "user_id": user_id,
        "exercise_id": exercise.id,
        "exercise_version": data.exercise_version,
        "kind": data.kind,
        "files": dict(data.files),
        "code_hash": hashed,
        "status": verdict.status,
        "passed": passed,
        "tests_passed": sum(t.outcome == "passed" for t in verdict.tests),
        "tests_total": sum(t.outcome != "skipped" for t in verdict.tests),
        "first_failure": (first.description or first.name)[:300] if first else None,
        "error_type": verdict.error.type if verdict.error else None,
        "verdict": verdict.model_dump(mode="json"),
        "duration_ms": data.duration_ms,
        "client_created_at": data.client_time if client_time_is_sane(data.client_time, now)
        else now,
        "created_at": now,
        "verified": False,
        # The browser's verdict is the learner's to forge: a pass stays provisional until the
        # server re-runs the grader on these files (queued below, in the same transaction).
        "verification": Verification.PENDING if passed else None,
        "session_id": touch_session(user_id, now),
        "gate": gate,
        # Counted in the dashboard's running totals off this request (app/teach/stats.py).
        "totals_pending": data.kind == "check",
    }
    try:
        connection = db.session.connection()
        attempt = SimpleNamespace(id=connection.execute(attempt_insert(), values).scalar_one(),
                                  **values)
        if passed:
            queue_recheck(attempt.id, user_id)
        if gate:
            store_event(user_id, exercise.id, gate, Action.FLAGGED, {"code_hash": hashed},
                        attempt.id)
        # Last before the commit: the usage row (and on SQLite the write lock) is held only
        # for the commit; over a quota, everything above is rolled back with the charge.
        charge_write(user_id, request_bytes)
        db.session.commit()
    except IntegrityError:
        # Two deliveries of the same attempt raced; the other one won. Return it.
        db.session.rollback()
        existing = stored_attempt(client_id)
        if existing is None:
            raise
        return owned(existing, user_id), False
    if data.kind == "check":
        checks_stored.send(user_id, checks=[attempt])  # wakes the dashboard totals' fold
    return attempt, True


@functools.cache
def attempt_insert() -> sa.Insert:
    """The attempt's INSERT ... RETURNING id, built once."""
    return sa.insert(Attempt.__table__).returning(Attempt.__table__.c.id)


@functools.cache
def stored_attempt_statement() -> sa.Select:
    """The columns of one attempt by client id (what the reply shows, and its owner)."""
    return sa.select(
        *(c for c in Attempt.__table__.columns if c.name not in ("files", "verdict"))
    ).where(Attempt.__table__.c.client_id == sa.bindparam("client_id", type_=sa.String()))


def stored_attempt(client_id: str) -> sa.Row[Any] | None:
    """The attempt stored under this client id (its columns but the files), or None."""
    return (
        db.session.connection()
        .execute(stored_attempt_statement(), {"client_id": client_id})
        .one_or_none()
    )


def owned(attempt: Any, user_id: int) -> Any:
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


def attempt_summary(attempt: Any) -> dict[str, Any]:
    """What the attempts list shows for one attempt (an Attempt, or a row of its columns)."""
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
