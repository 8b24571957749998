"""Journal and friction: sessions, the friction decision, entries and events. Every query is
scoped to the user id it is given; nothing here can read another learner's journal."""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from ..errors import Invalid
from ..errors import NotAllowed
from ..errors import NotFound
from ..exercises import Catalog
from ..exercises import Exercise
from ..extensions import db
from ..friction.config import DEFAULTS
from ..friction.config import FrictionConfig
from ..friction.config import with_overrides
from ..friction.engine import Decision
from ..friction.engine import HintStatus
from ..friction.engine import LearnerState
from ..friction.engine import decide
from ..friction.engine import hint_status
from ..friction.metrics import CheckPoint
from ..friction.metrics import error_signature
from ..models import Attempt
from ..models import FrictionEvent
from ..models import HintEvent
from ..models import JournalEntry
from ..models import StudySession
from ..models import utcnow
from .schemas import REQUIRED
from .schemas import EntryIn
from .schemas import FrictionEventIn


def friction_config(exercise: Exercise) -> FrictionConfig:
    """The exercise's thresholds: the site's defaults with its [friction] overrides."""
    return with_overrides(exercise.friction, current_app.config.get("FRICTION_DEFAULTS", DEFAULTS))


def touch_session(
    user_id: int, now: datetime, idle_s: float = DEFAULTS.session_idle_s
) -> StudySession:
    """The current study session, or a new one after a long pause (flushed, not committed)."""
    session = db.session.scalar(
        sa.select(StudySession)
        .where(StudySession.user_id == user_id)
        .order_by(StudySession.last_seen_at.desc())
        .limit(1)
    )
    if session is None or now - session.last_seen_at > timedelta(seconds=idle_s):
        session = StudySession(user_id=user_id, started_at=now, last_seen_at=now)
        db.session.add(session)
    else:
        session.last_seen_at = max(session.last_seen_at, now)
    db.session.flush()
    return session


def check_points(user_id: int, exercise_id: str) -> list[CheckPoint]:
    """The learner's checks on one exercise, oldest first, as the friction engine sees them."""
    rows = db.session.execute(
        sa.select(
            Attempt.created_at,
            Attempt.passed,
            Attempt.error_type,
            Attempt.first_failure,
            Attempt.code_hash,
        )
        .where(
            Attempt.user_id == user_id, Attempt.exercise_id == exercise_id, Attempt.kind == "check"
        )
        .order_by(Attempt.created_at, Attempt.id)
    )
    return [
        CheckPoint(
            at=at,
            passed=passed,
            code_hash=code,
            signature=None if passed else error_signature(err, first),
        )
        for at, passed, err, first, code in rows
    ]


def learner_state(user_id: int, exercise_id: str, now: datetime) -> LearnerState:
    """Everything the friction engine needs about one learner on one exercise."""
    entries = db.session.execute(
        sa.select(JournalEntry.kind, JournalEntry.created_at).where(
            JournalEntry.user_id == user_id, JournalEntry.exercise_id == exercise_id
        )
    ).all()
    events = db.session.execute(
        sa.select(FrictionEvent.rule, FrictionEvent.created_at).where(
            FrictionEvent.user_id == user_id,
            FrictionEvent.exercise_id == exercise_id,
            FrictionEvent.action == "shown",
        )
    ).all()
    return LearnerState(
        checks=check_points(user_id, exercise_id),
        now=now,
        planned=any(kind == "plan" for kind, _ in entries),
        reflections=[at for kind, at in entries if kind == "after_failure"],
        break_offers=[at for rule, at in events if rule == "F6"],
        reentries=[at for rule, at in events if rule == "F7"],
    )


def friction_decision(
    user_id: int, exercise: Exercise, code_hash: str | None, now: datetime
) -> Decision:
    """What applies before this learner's next check on this exercise."""
    return decide(learner_state(user_id, exercise.id, now), friction_config(exercise), code_hash)


def decision_payload(
    decision: Decision, user_id: int, exercise: Exercise, now: datetime
) -> dict[str, Any]:
    """The decision as the page reads it, with the learner's last words for the re-entry card."""
    wait_s = (decision.wait_until - now).total_seconds() if decision.wait_until else 0
    last = last_failure_reflection(user_id, exercise.id) if decision.reentry else None
    return {
        "rules": list(decision.rules),
        "plan": decision.plan,
        "reflect": decision.reflect,
        "wait_seconds": max(0, round(wait_s, 1)),
        "wait_reason": decision.wait_reason,
        "offer_break": decision.offer_break,
        "break_minutes": friction_config(exercise).break_minutes,
        "reentry": decision.reentry,
        "last_thought": (last.cause_guess or last.error_in_own_words) if last else None,
        "eq": decision.eq,
        "red": decision.red,
        "predict": {"question": exercise.predict.question} if exercise.predict else None,
    }


# Which cards the page shows when it asks: on opening the exercise, before a check, after one.
# Only those are logged as shown (a break offer logged early would never be shown at all).
CARDS_AT = {"open": ("F0", "F7"), "before_check": ("F1", "F2"), "after_check": ("F6",)}


def friction_for_page(
    user_id: int, exercise: Exercise, files: dict[str, str] | None, moment: str, now: datetime
) -> dict[str, Any]:
    """Decide for the page at one moment, log the cards it will show, and describe them."""
    from ..learn.services import code_hash

    decision = friction_decision(user_id, exercise, code_hash(files) if files else None, now)
    for rule in decision.rules:
        if rule in CARDS_AT.get(moment, ()):
            log_event(user_id, exercise.id, rule, "shown", {"eq": decision.eq, "red": decision.red})
    db.session.commit()
    return decision_payload(decision, user_id, exercise, now)


def last_failure_reflection(user_id: int, exercise_id: str) -> JournalEntry | None:
    """The learner's most recent written (not skipped) failure reflection on an exercise."""
    return db.session.scalar(
        sa.select(JournalEntry)
        .where(
            JournalEntry.user_id == user_id,
            JournalEntry.exercise_id == exercise_id,
            JournalEntry.kind == "after_failure",
            JournalEntry.skipped.is_(False),
        )
        .order_by(JournalEntry.created_at.desc(), JournalEntry.id.desc())
        .limit(1)
    )


def gate_for_check(user_id: int, exercise: Exercise, code_hash: str, now: datetime) -> str | None:
    """The gate open when a check arrives (F1 before F2), or None; the check is stored anyway."""
    decision = friction_decision(user_id, exercise, code_hash, now)
    if decision.reflect:
        return "F1"
    if decision.wait_until is not None:
        return "F2"
    return None


def log_event(
    user_id: int,
    exercise_id: str | None,
    rule: str,
    action: str,
    details: dict[str, Any] | None = None,
    attempt_id: int | None = None,
) -> FrictionEvent:
    """Record a rule firing or a response (added to the session, not committed)."""
    event = FrictionEvent(
        user_id=user_id,
        exercise_id=exercise_id,
        attempt_id=attempt_id,
        rule=rule,
        action=action,
        details=details,
        created_at=utcnow(),
    )
    db.session.add(event)
    return event


def normalise_answer(text: str) -> str:
    """Compare predictions loosely: case, spaces and surrounding quotes do not matter."""
    return " ".join(text.strip().strip("'\"").lower().split())


ENTRY_RULES = {"plan": "F0", "after_failure": "F1", "after_success": "F8", "reentry": "F7"}


def record_entry(user_id: int, data: EntryIn, catalog: Catalog) -> JournalEntry:
    """Store a journal entry (or a recorded skip), and the friction event it answers."""
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
    if data.kind == "after_success" and exercise and not has_passed(user_id, exercise.id):
        raise NotAllowed("A success reflection comes after a passing check.")
    now = utcnow()
    if exercise is not None:
        from ..learn.services import ensure_exercise_row

        ensure_exercise_row(exercise)
    fields = data.model_dump(exclude={"kind", "exercise_id", "attempt_id", "skipped"})
    entry = JournalEntry(
        user_id=user_id,
        exercise_id=data.exercise_id,
        attempt_id=attempt_pk,
        session_id=touch_session(user_id, now).id,
        kind=data.kind,
        skipped=data.skipped,
        created_at=now,
        **({} if data.skipped else fields),
    )
    if (
        data.kind == "plan"
        and not data.skipped
        and data.prediction
        and exercise
        and exercise.predict
    ):
        entry.prediction_correct = normalise_answer(data.prediction) == normalise_answer(
            exercise.predict.answer
        )
    db.session.add(entry)
    rule = ENTRY_RULES.get(data.kind)
    if rule:
        log_event(user_id, data.exercise_id, rule, "skipped" if data.skipped else "completed")
    db.session.commit()
    return entry


def record_event(user_id: int, data: FrictionEventIn, catalog: Catalog) -> FrictionEvent:
    """Store the learner's response to a card."""
    exercise = catalog.get(data.exercise_id)
    if exercise is None:
        raise NotFound(f"There is no exercise {data.exercise_id!r}.")
    from ..learn.services import ensure_exercise_row

    ensure_exercise_row(exercise)
    event = log_event(user_id, exercise.id, data.rule, data.action, data.details)
    db.session.commit()
    return event


def has_passed(user_id: int, exercise_id: str) -> bool:
    """True once the learner has a passing check on the exercise."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(Attempt.id)).where(
                Attempt.user_id == user_id,
                Attempt.exercise_id == exercise_id,
                Attempt.passed.is_(True),
            )
        )
        > 0
    )


def reference_for(user_id: int, exercise: Exercise) -> dict[str, Any]:
    """F8: the reference solution and the calibration, only after the learner has passed."""
    if not has_passed(user_id, exercise.id):
        raise NotAllowed("The reference solution opens after your first passing check.")
    checks = check_points(user_id, exercise.id)
    first_pass = next(i for i, c in enumerate(checks) if c.passed)
    plan = db.session.scalar(
        sa.select(JournalEntry)
        .where(
            JournalEntry.user_id == user_id,
            JournalEntry.exercise_id == exercise.id,
            JournalEntry.kind == "plan",
            JournalEntry.skipped.is_(False),
        )
        .order_by(JournalEntry.created_at.desc())
        .limit(1)
    )
    was_assisted = assisted(user_id, exercise.id)
    follow_up = exercise.follow_up if was_assisted else None
    if follow_up and not db.session.scalar(
        sa.select(sa.func.count(FrictionEvent.id)).where(
            FrictionEvent.user_id == user_id,
            FrictionEvent.exercise_id == exercise.id,
            FrictionEvent.rule == "F9",
        )
    ):
        # F9: an assisted solve schedules the follow-up exercise, to be done later unassisted.
        log_event(user_id, exercise.id, "F9", "scheduled", {"follow_up": follow_up})
        db.session.commit()
    return {
        "files": dict(exercise.solution),
        "assisted": was_assisted,
        "follow_up": follow_up,
        "actual_tries": first_pass + 1,
        "expected_tries": plan.expected_tries if plan else None,
        "confidence": plan.confidence if plan else None,
    }


def entry_dict(entry: JournalEntry) -> dict[str, Any]:
    """A journal entry as JSON (export, API)."""
    data = {c.name: getattr(entry, c.name) for c in JournalEntry.__table__.columns}
    data["created_at"] = entry.created_at.isoformat()
    return data


def hints_taken(user_id: int, exercise_id: str) -> list[HintEvent]:
    """The hints this learner has asked for on one exercise, in order."""
    return list(
        db.session.scalars(
            sa.select(HintEvent)
            .where(HintEvent.user_id == user_id, HintEvent.exercise_id == exercise_id)
            .order_by(HintEvent.level)
        )
    )


def hint_state(
    user_id: int, exercise: Exercise, now: datetime
) -> tuple[HintStatus, list[HintEvent]]:
    """What the learner has seen and whether the next level opens now (F3-F5)."""
    taken = hints_taken(user_id, exercise.id)
    status = hint_status(
        learner_state(user_id, exercise.id, now),
        [(h.level, h.created_at) for h in taken],
        len(exercise.hints),
        friction_config(exercise),
    )
    return status, taken


def take_hint(
    user_id: int, exercise: Exercise, level: int, stuck_text: str, now: datetime
) -> HintEvent:
    """Reveal the next hint level if effort unlocked it; the learner says where they are stuck."""
    status, _ = hint_state(user_id, exercise, now)
    if status.next_level is None:
        raise Invalid("You have already seen every hint for this exercise.")
    if level != status.next_level:
        raise Invalid(f"Hints open one at a time: the next one is hint {status.next_level}.")
    if not status.available:
        raise NotAllowed(status.reason)
    if not stuck_text.strip():
        raise Invalid("Say in one line what you tried or where you are stuck, then ask.")
    from ..learn.services import ensure_exercise_row

    ensure_exercise_row(exercise)
    hint = HintEvent(
        user_id=user_id,
        exercise_id=exercise.id,
        level=level,
        stuck_text=stuck_text.strip()[:300],
        bottom_out=status.rule == "F5",
        created_at=now,
    )
    db.session.add(hint)
    log_event(user_id, exercise.id, status.rule, "completed", {"level": level})
    db.session.commit()
    return hint


def assisted(user_id: int, exercise_id: str) -> bool:
    """A solve is assisted when the bottom-out hint was shown before it (F5)."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(HintEvent.id)).where(
                HintEvent.user_id == user_id,
                HintEvent.exercise_id == exercise_id,
                HintEvent.bottom_out.is_(True),
            )
        )
        > 0
    )
