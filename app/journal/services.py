"""Journal entries: store a plan, a reflection, a note or a recorded skip, and the friction
event it answers. Every query is scoped to the user id it is given."""

from __future__ import annotations

import functools
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa

from ..catalog import ensure_exercise_row
from ..errors import Invalid
from ..errors import NotAllowed
from ..errors import NotFound
from ..exercises import Catalog
from ..extensions import db
from ..friction.rules import Action
from ..friction.rules import Rule
from ..models import Attempt
from ..models import JournalEntry
from ..models import utcnow
from ..practice.services import has_passed
from ..practice.services import store_event
from ..practice.services import touch_session
from ..quotas import charge_write
from .schemas import REQUIRED
from .schemas import EntryIn


def normalise_answer(text: str) -> str:
    """Compare predictions loosely: case, spaces and surrounding quotes do not matter."""
    return " ".join(text.strip().strip("'\"").lower().split())


ENTRY_RULES = {
    "plan": Rule.PLAN,
    "after_failure": Rule.REFLECT,
    "after_success": Rule.REFERENCE,
    "reentry": Rule.REENTRY,
}


def record_entry(
    user_id: int, data: EntryIn, catalog: Catalog, *, request_bytes: int
) -> SimpleNamespace:
    """Store a journal entry (or a recorded skip), and the friction event it answers.

    Returns the stored row's id and prediction_correct. Inserted without the ORM's unit of work
    (a statement built once, in one transaction): every learner writes these while practising.
    `request_bytes` is charged against the account's write quotas in that transaction."""
    exercise = catalog.get(data.exercise_id) if data.exercise_id else None
    if data.exercise_id and exercise is None:
        raise NotFound(f"There is no exercise {data.exercise_id!r}.")
    if data.kind != "free" and exercise is None:
        raise Invalid("This kind of entry belongs to an exercise: send exercise_id.")
    if not data.skipped:
        missing = [name for name in REQUIRED[data.kind] if not getattr(data, name)]
        if missing:
            raise Invalid(
                f"Please fill in: {', '.join(m.replace('_', ' ') for m in missing)} (or skip)."
            )
    attempt_pk = None
    if data.attempt_id:
        attempt = db.session.scalar(sa.select(Attempt).where(Attempt.client_id == data.attempt_id))
        if attempt is None or attempt.user_id != user_id:
            raise NotFound("There is no such attempt among yours.")
        attempt_pk = attempt.id
    if (
        data.kind == "after_success"
        and exercise
        and not has_passed(user_id, exercise.id, pending_counts=True)
    ):
        raise NotAllowed("A success reflection comes after a passing check.")
    now = utcnow()
    if exercise is not None:
        ensure_exercise_row(exercise)
    values: dict[str, Any] = {
        "user_id": user_id,
        "exercise_id": data.exercise_id,
        "attempt_id": attempt_pk,
        "session_id": touch_session(user_id, now),
        "kind": data.kind,
        "skipped": data.skipped,
        "created_at": now,
        "prediction_correct": None,
    }
    if not data.skipped:
        values.update(data.model_dump(exclude={"kind", "exercise_id", "attempt_id", "skipped"}))
    if (
        data.kind == "plan"
        and not data.skipped
        and data.prediction
        and exercise
        and exercise.predict
        and not prediction_scored(user_id, exercise.id)
    ):
        # One scored prediction per exercise: re-posting plans must not become a way to guess
        # the answer (later predictions are kept, unscored).
        values["prediction_correct"] = normalise_answer(data.prediction) == normalise_answer(
            exercise.predict.answer
        )
    entry_id = db.session.connection().execute(entry_insert(), values).scalar_one()
    rule = ENTRY_RULES.get(data.kind)
    if rule:
        store_event(
            user_id, data.exercise_id, rule, Action.SKIPPED if data.skipped else Action.COMPLETED
        )
    charge_write(user_id, request_bytes)
    db.session.commit()
    return SimpleNamespace(id=entry_id, prediction_correct=values["prediction_correct"])


@functools.cache
def entry_insert() -> sa.Insert:
    """The entry's INSERT ... RETURNING id, built once."""
    return sa.insert(JournalEntry.__table__).returning(JournalEntry.__table__.c.id)


def prediction_scored(user_id: int, exercise_id: str) -> bool:
    """Has a plan's prediction on this exercise already been scored for this learner?"""
    return (
        db.session.scalar(
            sa.select(JournalEntry.id)
            .where(
                JournalEntry.user_id == user_id,
                JournalEntry.exercise_id == exercise_id,
                JournalEntry.kind == "plan",
                JournalEntry.prediction_correct.is_not(None),
            )
            .limit(1)
        )
        is not None
    )


def entry_dict(entry: JournalEntry) -> dict[str, Any]:
    """A journal entry as JSON (export, API)."""
    data = {c.name: getattr(entry, c.name) for c in JournalEntry.__table__.columns}
    data["created_at"] = entry.created_at.isoformat()
    return data
