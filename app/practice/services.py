"""A learner's state on one exercise: study sessions, the friction decision and the events it
logs, hints and the reference. Every query is scoped to the user id it is given; nothing here
can read another learner's data."""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from blinker import Namespace
from flask import current_app

from ..catalog import ensure_exercise_row
from ..errors import Conflict
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
from ..friction.engine import cooldown
from ..friction.engine import decide
from ..friction.engine import failure_streak
from ..friction.engine import gate_window
from ..friction.engine import hint_status
from ..friction.engine import needs_reflection
from ..friction.metrics import CheckPoint
from ..friction.metrics import code_hash
from ..friction.metrics import error_signature
from ..friction.rules import Action
from ..friction.rules import Rule
from ..grading.verdict import ABORTED
from ..models import Attempt
from ..models import Course
from ..models import CourseExercise
from ..models import CourseMember
from ..models import CourseRole
from ..models import FrictionEvent
from ..models import HintEvent
from ..models import JournalEntry
from ..models import StudySession
from ..models import UTCDateTime
from ..models import Verification
from ..models import utcnow
from ..quotas import charge_write
from .schemas import FrictionEventIn

# Sent (with the learner's id and the checks) after the attempts API committed checks it stored
# without the ORM, marked totals_pending: the dashboard's running totals (app/teach/stats.py)
# wake their background fold, so the learner's request does not wait for them.
checks_stored = Namespace().signal("checks-stored")


def course_overrides(user_id: int, exercise_id: str) -> dict[str, Any] | None:
    """Friction thresholds an instructor set for this learner's course that shows this exercise.

    A learner may be in several courses showing one exercise; the one joined last wins, so the
    cohort they work with now decides (one indexed query, no rows when not in a course)."""
    return db.session.connection().execute(
        course_overrides_statement(), {"user_id": user_id, "exercise_id": exercise_id}
    ).scalar()


@functools.cache
def course_overrides_statement() -> sa.Select:
    """course_overrides' query, built once (every check runs it: building it cost more than
    running it) and run with bound values on the session's connection."""
    return (
        sa.select(Course.friction_overrides)
        .join(CourseMember, CourseMember.course_id == Course.id)
        .join(CourseExercise, CourseExercise.course_id == Course.id)
        .where(
            CourseMember.user_id == sa.bindparam("user_id", type_=sa.Integer()),
            CourseMember.role == CourseRole.LEARNER.value,
            CourseExercise.exercise_id == sa.bindparam("exercise_id", type_=sa.String()),
            Course.friction_overrides.is_not(None),
        )
        .order_by(CourseMember.joined_at.desc(), CourseMember.id.desc())
        .limit(1)
    )


def friction_config(exercise: Exercise, user_id: int | None = None) -> FrictionConfig:
    """The thresholds for this learner on this exercise.

    The site's defaults (FRICTION_OVERRIDES), then the exercise's [friction], then the learner's
    course: the instructor tunes for their cohort, so the course has the last word."""
    config = site_config(exercise)
    if user_id is None:
        return config
    return with_course(course_overrides(user_id, exercise.id), config)


def site_config(exercise: Exercise) -> FrictionConfig:
    """The site's defaults with the exercise's [friction] on top (no course yet)."""
    return with_overrides(
        exercise.friction, current_app.config.get("FRICTION_DEFAULTS", DEFAULTS)
    )


def with_course(overrides: dict[str, Any] | None, config: FrictionConfig) -> FrictionConfig:
    """A course's tuning over the site's and exercise's thresholds."""
    try:
        return with_overrides(overrides, config)
    except ValueError:
        # Stored overrides were checked when saved; a setting later removed from FrictionConfig
        # must not break practice, so the course's tuning is skipped rather than failing a check.
        current_app.logger.warning("course friction overrides refused: %r", overrides)
        return config


def touch_session(user_id: int, now: datetime, idle_s: float = DEFAULTS.session_idle_s) -> int:
    """The id of the current study session, extended to now, or of a new one after a long
    pause (not committed). One UPDATE ... RETURNING in the common case."""
    extend, start = session_statements()
    connection = db.session.connection()
    params = {"learner": user_id, "at": now, "idle_since": now - timedelta(seconds=idle_s)}
    extended = connection.execute(extend, params).scalar()
    if extended is not None:
        return extended
    return connection.execute(start, {"learner": user_id, "at": now}).scalar_one()


@functools.cache
def session_statements() -> tuple[sa.Update, sa.Insert]:
    """touch_session's two statements, built once and run with bound values on the session's
    connection (building and running them through the ORM cost more than the queries)."""
    table = StudySession.__table__
    # Not named after columns: SQLAlchemy keeps those names for the SET and VALUES clauses.
    now = sa.bindparam("at", type_=UTCDateTime())
    user_id = sa.bindparam("learner", type_=sa.Integer())
    newest = (
        sa.select(table.c.id)
        .where(table.c.user_id == user_id)
        .order_by(table.c.last_seen_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    extend = (
        sa.update(table)
        .where(
            table.c.id == newest,
            table.c.last_seen_at >= sa.bindparam("idle_since", type_=UTCDateTime()),
        )
        # Never moved backwards: two requests of one learner may arrive out of order.
        .values(last_seen_at=sa.case((table.c.last_seen_at > now, table.c.last_seen_at),
                                     else_=now))
        .returning(table.c.id)
    )
    start = (
        sa.insert(table).values(user_id=user_id, started_at=now, last_seen_at=now)
        .returning(table.c.id)
    )
    return extend, start


REFUSED = (Verification.MISMATCH, Verification.UNCHECKED)


def check_points(user_id: int, exercise_id: str, verified_only: bool = False) -> list[CheckPoint]:
    """The learner's checks on one exercise, oldest first, as the friction engine sees them.

    A pass the server's re-check refused never counts; with verified_only (what unlocks
    something: hints, the reference), a pass counts only once the server has confirmed it."""
    rows = db.session.execute(
        sa.select(
            Attempt.created_at,
            Attempt.passed,
            Attempt.verified,
            Attempt.verification,
            Attempt.error_type,
            Attempt.first_failure,
            Attempt.code_hash,
        )
        .where(
            Attempt.user_id == user_id,
            Attempt.exercise_id == exercise_id,
            Attempt.kind == "check",
            Attempt.status != ABORTED,  # stopped by the runner, not the learner: never counted
        )
        .order_by(Attempt.created_at, Attempt.id)
    )
    points = []
    for at, claimed, verified, verification, err, first, code in rows:
        passed = claimed and (verified if verified_only else verification not in REFUSED)
        points.append(
            CheckPoint(
                at=at,
                passed=passed,
                code_hash=code,
                signature=None if passed else error_signature(err, first),
            )
        )
    return points


def learner_state(
    user_id: int, exercise_id: str, now: datetime, verified_only: bool = False
) -> LearnerState:
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
            FrictionEvent.action == Action.SHOWN,
        )
    ).all()
    return LearnerState(
        checks=check_points(user_id, exercise_id, verified_only),
        now=now,
        planned=any(kind == "plan" for kind, _ in entries),
        reflections=[at for kind, at in entries if kind == "after_failure"],
        break_offers=[at for rule, at in events if rule == Rule.BREAK],
        reentries=[at for rule, at in events if rule == Rule.REENTRY],
    )


def friction_decision(
    user_id: int,
    exercise: Exercise,
    files_hash: str | None,
    now: datetime,
    config: FrictionConfig | None = None,
) -> Decision:
    """What applies before this learner's next check on this exercise (of files so hashed)."""
    config = config or friction_config(exercise, user_id)
    return decide(learner_state(user_id, exercise.id, now), config, files_hash)


def decision_payload(
    decision: Decision, user_id: int, exercise: Exercise, now: datetime, config: FrictionConfig
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
        "break_minutes": config.break_minutes,
        "reentry": decision.reentry,
        "last_thought": (last.cause_guess or last.error_in_own_words) if last else None,
        "eq": decision.eq,
        "red": decision.red,
        "predict": {"question": exercise.predict.question} if exercise.predict else None,
    }


# Which cards the page shows when it asks: on opening the exercise, before a check, after one.
# Only those are logged as shown (a break offer logged early would never be shown at all).
CARDS_AT = {
    "open": (Rule.PLAN, Rule.REENTRY),
    "before_check": (Rule.REFLECT, Rule.COOLDOWN),
    "after_check": (Rule.BREAK,),
}


def friction_for_page(
    user_id: int,
    exercise: Exercise,
    files: dict[str, str] | None,
    moment: str,
    now: datetime,
    *,
    request_bytes: int,
) -> dict[str, Any]:
    """Decide for the page at one moment, log the cards it will show, and describe them;
    `request_bytes` is charged against the account's write quotas (app/quotas.py)."""
    config = friction_config(exercise, user_id)  # one read of the course's tuning per request
    decision = friction_decision(
        user_id, exercise, code_hash(files) if files else None, now, config
    )
    for rule in decision.rules:
        if rule in CARDS_AT.get(moment, ()):
            log_event(
                user_id, exercise.id, rule, Action.SHOWN, {"eq": decision.eq, "red": decision.red}
            )
    charge_write(user_id, request_bytes)
    db.session.commit()
    return decision_payload(decision, user_id, exercise, now, config)


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


def counted_pass(verified_only: bool = False) -> sa.ColumnElement[bool]:
    """SQL for check_points' notion of a pass (a refused pass never counts)."""
    if verified_only:
        return sa.and_(Attempt.passed, Attempt.verified)
    return sa.and_(
        Attempt.passed,
        sa.or_(Attempt.verification.is_(None), Attempt.verification.not_in(REFUSED)),
    )


def counted_checks(user_id: Any, exercise_id: Any) -> sa.ColumnElement[bool]:
    """The learner's checks on one exercise that the friction rules count."""
    return sa.and_(
        Attempt.user_id == user_id,
        Attempt.exercise_id == exercise_id,
        # Constants written into the SQL, not bound: a generic plan (a statement psycopg has
        # prepared) then estimates the learner's checks as a custom plan does, and walks the
        # index back for the newest ones instead of sorting all of them.
        # literal_column, not literal_execute: rendered once when the statement is compiled,
        # not again on every execution (safe: these are the code's own constants).
        Attempt.kind == sa.literal_column("'check'"),
        Attempt.status != sa.literal_column(f"'{ABORTED}'"),
    )


# Older than any check: the lower end of the failure streak when no check ever passed.
BEFORE_ANY_CHECK = datetime(1, 1, 1, tzinfo=UTC)


def streak_length_statement(user_id: Any, exercise_id: Any) -> sa.ScalarSelect[int]:
    """How many counted checks came after the last counted pass (all of them if none passed).

    Both reads are ranges of ix_attempt_user_exercise_created_id, whatever the statistics say:
    the last pass is found once, walking back from the newest check (a subquery that no row
    of the count depends on, so no plan can repeat it per row), and the count is the range of
    (created_at, id) after it. Linear in the streak, never in the learner's whole history."""
    passes = (
        sa.select(Attempt.created_at.label("at"), Attempt.id.label("attempt_id"))
        .where(counted_checks(user_id, exercise_id), counted_pass())
        .order_by(Attempt.created_at.desc(), Attempt.id.desc())
        .limit(1)
        .subquery("last_pass")
    )
    # The last pass, or a row before every check when there is none (one row either way, so
    # the row comparison below is never NULL).
    after = (
        sa.union_all(
            sa.select(passes.c.at, passes.c.attempt_id),
            sa.select(sa.literal(BEFORE_ANY_CHECK, UTCDateTime()), sa.literal(0, sa.Integer())),
        )
        .order_by(sa.text("1 DESC"), sa.text("2 DESC"))
        .limit(1)
        .scalar_subquery()
    )
    after_last_pass = sa.tuple_(Attempt.created_at, Attempt.id) > after
    return (
        sa.select(sa.func.count())
        .select_from(Attempt)
        .where(counted_checks(user_id, exercise_id), after_last_pass)
        .scalar_subquery()
    )


@functools.cache
def gate_read_statement(window_size: int) -> sa.Select:
    """Everything the two gates read for one check, in one statement: the course's tuning, the
    newest failure reflection, the newest `window` checks, the owner of an attempt already
    stored under the check's client id, and the length of the failure streak only in the one
    case the decision depends on it (see gate_state); the database skips that count otherwise.

    Built once and run with bound values (building SQLAlchemy expressions costs more Python
    than running them)."""
    user_id = sa.bindparam("user_id", type_=sa.Integer())
    exercise_id = sa.bindparam("exercise_id", type_=sa.String())
    # Written into the SQL, not bound (see counted_checks): one statement, compiled and prepared
    # once, per window size.
    window = sa.literal_column(str(int(window_size)), sa.Integer())
    newest_first = (Attempt.created_at.desc(), Attempt.id.desc())
    recent = (
        sa.select(
            Attempt.id,
            Attempt.created_at,
            counted_pass().label("passed"),
            Attempt.error_type,
            Attempt.first_failure,
            Attempt.code_hash,
        )
        .where(counted_checks(user_id, exercise_id))
        .order_by(*newest_first)
        .limit(window)
        .subquery("recent")
    )
    newest = (
        sa.select(Attempt.created_at, sa.case((counted_pass(), 1), else_=0).label("passed"))
        .where(counted_checks(user_id, exercise_id))
        .order_by(*newest_first)
        .limit(window)
        .subquery("newest")
    )
    in_window = sa.select(
        sa.func.count().label("checks"),
        sa.func.sum(newest.c.passed).label("passes"),
        sa.func.min(newest.c.created_at).label("oldest"),
        sa.func.max(newest.c.created_at).label("newest"),
    ).subquery("in_window")
    newest_reflection = (
        sa.select(sa.func.max(JournalEntry.created_at))
        .where(
            JournalEntry.user_id == user_id,
            JournalEntry.exercise_id == exercise_id,
            JournalEntry.kind == "after_failure",
        )
        .scalar_subquery()
    )
    # The streak's length matters only when the window holds nothing but failures and the
    # newest reflection falls between its oldest and newest check (gate_state says why).
    streak_matters = sa.and_(
        in_window.c.checks == window,
        in_window.c.passes == 0,
        newest_reflection >= in_window.c.oldest,
        newest_reflection < in_window.c.newest,
    )
    stored_owner = (
        sa.select(Attempt.user_id)
        .where(Attempt.client_id == sa.bindparam("client_id", type_=sa.String()))
        .scalar_subquery()
    )
    head = (
        sa.select(
            course_overrides_statement().scalar_subquery().label("overrides"),
            newest_reflection.label("newest_reflection"),
            sa.case(
                (streak_matters, streak_length_statement(user_id, exercise_id)),
                else_=sa.null(),
            ).label("streak"),
            stored_owner.label("stored_owner"),
        )
        .select_from(in_window)
        .subquery("head")
    )
    return (
        sa.select(head, recent)
        .select_from(head.outerjoin(recent, sa.true()))
        .order_by(recent.c.created_at.desc(), recent.c.id.desc())
    )


def checks_of(rows: Any) -> list[CheckPoint]:
    """The gate statement's rows (newest first) as the engine's checks (oldest first)."""
    return [
        CheckPoint(
            at=row.created_at,
            passed=bool(row.passed),
            code_hash=row.code_hash,
            signature=None if row.passed else error_signature(row.error_type, row.first_failure),
        )
        for row in reversed(rows)
        if row.id is not None  # the outer join's one row when there is no check yet
    ]


@dataclass(frozen=True)
class GateRead:
    """What one gate read found: the learner's state for the two gates, their thresholds, and
    who owns an attempt already stored under the check's client id (None: nobody)."""

    state: LearnerState
    config: FrictionConfig
    stored_owner: int | None = None


def gate_state(
    user_id: int, exercise: Exercise, now: datetime, client_id: str | None = None
) -> GateRead:
    """What the two gates (F1, F2) need, without reading the whole history, in one statement
    (gate_read_statement) in the common case: a second one only when a course's tuning widens
    or narrows the window. Not enough for the other rules.

    F2 reads only the newest gate_window() checks. F1 (needs_reflection) also needs the
    streak's exact length L when the window holds only failures: the failure that made a
    reflection due is the (L % n)-th newest, always inside the window. Any reflection older
    than the window's oldest check is older than that failure, and one at least as new as its
    newest check is newer, whatever L is; only a reflection in between needs L (gate_read
    statement counts it then). Otherwise the window's length stands in for L: it is at least
    n, so the decision is the same."""
    config = site_config(exercise)
    window = gate_window(config)
    params = {"user_id": user_id, "exercise_id": exercise.id, "client_id": client_id}
    connection = db.session.connection()  # Core statements: the ORM would add only overhead
    rows = connection.execute(gate_read_statement(window), params).all()
    head = rows[0]  # the outer join always gives at least one row
    config = with_course(head.overrides, config)
    if gate_window(config) != window:
        window = gate_window(config)
        rows = connection.execute(gate_read_statement(window), params).all()
        head = rows[0]
    checks = checks_of(rows)
    streak = failure_streak(checks)
    earlier = 0
    if head.streak is not None and len(checks) == window == len(streak):
        earlier = head.streak - window
    reflections: list[datetime] = []
    newest = head.newest_reflection
    if (streak and len(streak) + earlier >= config.reflect_after_failures > 0
            and newest is not None and newest >= streak[0].at):
        reflections = [newest]
    state = LearnerState(checks=checks, now=now, reflections=reflections, earlier_failures=earlier)
    return GateRead(state, config, head.stored_owner)


def open_gate(read: GateRead, files_hash: str) -> Rule | None:
    """The gate open when a check arrives (F1 before F2), or None; the check is stored anyway.

    The decision is the engine's, as for the page, with the course's tuning too."""
    if needs_reflection(read.state, read.config):
        return Rule.REFLECT
    wait_until, _ = cooldown(read.state, read.config, files_hash)
    if wait_until is not None:
        return Rule.COOLDOWN
    return None


def gate_for_check(user_id: int, exercise: Exercise, files_hash: str, now: datetime) -> Rule | None:
    """The gate open when a check arrives (F1 before F2), or None.

    Reads only the recent checks the gates look at (gate_state, one statement), so a check costs
    the same after a thousand checks as after ten."""
    return open_gate(gate_state(user_id, exercise, now), files_hash)


def log_event(
    user_id: int,
    exercise_id: str | None,
    rule: Rule,
    action: Action,
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


def store_event(
    user_id: int,
    exercise_id: str | None,
    rule: Rule,
    action: Action,
    details: dict[str, Any] | None = None,
    attempt_id: int | None = None,
) -> None:
    """log_event for the hot paths (attempts, journal entries): the same row, inserted at once
    on the session's connection (in its transaction, not committed) without the ORM."""
    db.session.connection().execute(event_insert(), {
        "user_id": user_id, "exercise_id": exercise_id, "attempt_id": attempt_id, "rule": rule,
        "action": action, "details": details, "created_at": utcnow(),
    })


@functools.cache
def event_insert() -> sa.Insert:
    """store_event's statement, built once."""
    return sa.insert(FrictionEvent.__table__)


def record_event(
    user_id: int, data: FrictionEventIn, catalog: Catalog, *, request_bytes: int
) -> FrictionEvent:
    """Store the learner's response to a card, charged against the account's write quotas."""
    exercise = catalog.get(data.exercise_id)
    if exercise is None:
        raise NotFound(f"There is no exercise {data.exercise_id!r}.")
    ensure_exercise_row(exercise)
    event = log_event(user_id, exercise.id, data.rule, data.action, data.details)
    db.session.flush()  # the insert first, the charge last: the usage row is held only to commit
    charge_write(user_id, request_bytes)
    db.session.commit()
    return event


def pass_state(user_id: int, exercise_id: str) -> str:
    """"verified" (a pass the server confirmed), "pending" (one it is still checking),
    "refused" (only passes it could not confirm) or "none"."""
    states = set(
        db.session.scalars(
            sa.select(Attempt.verification)
            .where(
                Attempt.user_id == user_id,
                Attempt.exercise_id == exercise_id,
                Attempt.passed.is_(True),
            )
            .distinct()
        )
    )
    for state, name in (
        (Verification.VERIFIED, "verified"),
        (Verification.PENDING, "pending"),
        (Verification.MISMATCH, "refused"),
        (Verification.UNCHECKED, "refused"),
    ):
        if state in states:
            return name
    return "none"


def has_passed(user_id: int, exercise_id: str, pending_counts: bool = False) -> bool:
    """True once the server has verified a passing check (or, with pending_counts, while it is
    still checking one: a reflection is the learner's words, not a reward)."""
    state = pass_state(user_id, exercise_id)
    return state == "verified" or (pending_counts and state == "pending")


def wait_for_verdict(
    user_id: int, exercise_id: str, timeout_s: float, poll_s: float = 0.25
) -> str:
    """Wait (bounded) while the learner's only pass is still being re-checked; its state."""
    deadline = time.monotonic() + timeout_s
    while True:
        state = pass_state(user_id, exercise_id)
        if state != "pending" or time.monotonic() >= deadline:
            return state
        db.session.rollback()  # end the read transaction, so the next poll sees the worker's write
        time.sleep(poll_s)


def reference_for(user_id: int, exercise: Exercise) -> dict[str, Any]:
    """F8: the reference solution and the calibration, only after a pass the server verified."""
    state = pass_state(user_id, exercise.id)
    if state == "pending":
        raise Conflict(
            "The server is still re-running the tests on the code you sent; the reference "
            "opens as soon as it confirms your pass. Try again in a moment."
        )
    if state == "refused":
        raise NotAllowed(
            "The server re-ran the tests on the code you sent and they did not pass there, so "
            "this does not count as solved yet. Check again to get a pass the server confirms."
        )
    if state != "verified":
        raise NotAllowed("The reference solution opens after your first passing check.")
    checks = check_points(user_id, exercise.id, verified_only=True)
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
            FrictionEvent.rule == Rule.FOLLOW_UP,
        )
    ):
        # F9: an assisted solve schedules the follow-up exercise, to be done later unassisted.
        log_event(user_id, exercise.id, Rule.FOLLOW_UP, Action.SCHEDULED, {"follow_up": follow_up})
        db.session.commit()
    return {
        "files": dict(exercise.solution),
        "assisted": was_assisted,
        "follow_up": follow_up,
        "actual_tries": first_pass + 1,
        "expected_tries": plan.expected_tries if plan else None,
        "confidence": plan.confidence if plan else None,
    }


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
        # Every level opens after a pass, so only a pass the server verified may open them.
        learner_state(user_id, exercise.id, now, verified_only=True),
        [(h.level, h.created_at) for h in taken],
        len(exercise.hints),
        friction_config(exercise, user_id),
    )
    return status, taken


def take_hint(
    user_id: int,
    exercise: Exercise,
    level: int,
    stuck_text: str,
    now: datetime,
    *,
    request_bytes: int | None = None,
) -> HintEvent:
    """Reveal the next hint level if effort unlocked it; the learner says where they are stuck.

    The hints endpoint charges `request_bytes` against the account's write quotas; the tutor
    (None) does not: its turns have their own daily allowance (app/tutor)."""
    status, _ = hint_state(user_id, exercise, now)
    if status.next_level is None:
        raise Invalid("You have already seen every hint for this exercise.")
    if level != status.next_level:
        raise Invalid(f"Hints open one at a time: the next one is hint {status.next_level}.")
    if not status.available:
        raise NotAllowed(status.reason)
    if not stuck_text.strip():
        raise Invalid("Say in one line what you tried or where you are stuck, then ask.")
    ensure_exercise_row(exercise)
    hint = HintEvent(
        user_id=user_id,
        exercise_id=exercise.id,
        level=level,
        stuck_text=stuck_text.strip()[:300],
        bottom_out=status.rule == Rule.BOTTOM_OUT,
        created_at=now,
    )
    db.session.add(hint)
    log_event(user_id, exercise.id, status.rule, Action.COMPLETED, {"level": level})
    if request_bytes is not None:
        db.session.flush()
        charge_write(user_id, request_bytes)
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
