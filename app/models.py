"""ORM models (SQLAlchemy 2 typed style). They hold data; services do the work."""

from __future__ import annotations

import enum
import secrets
from datetime import UTC
from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin

from .extensions import db


def utcnow() -> datetime:
    """Return the current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Refuse naive datetimes; store UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Attach UTC to what the database returns."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def new_session_token() -> str:
    """A fresh random secret that names one user in session and remember cookies."""
    return secrets.token_urlsafe(32)


class Role(enum.StrEnum):
    """What a user may do."""

    LEARNER = "learner"
    INSTRUCTOR = "instructor"
    ADMIN = "admin"


class User(UserMixin, db.Model):
    """An account: a learner, an instructor or an admin."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    display_name: so.Mapped[str] = so.mapped_column(sa.String(80))
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(255))
    role: so.Mapped[str] = so.mapped_column(sa.String(20), default=Role.LEARNER.value)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    # What session and remember cookies hold instead of the id (Flask-Login's alternative id):
    # it is replaced at logout and password change, so every earlier cookie stops working, and
    # a cookie can never open another account (ids are never reused either: AUTOINCREMENT).
    session_token: so.Mapped[str] = so.mapped_column(
        sa.String(64), unique=True, default=new_session_token
    )

    attempts: so.WriteOnlyMapped[Attempt] = so.relationship(back_populates="user")

    __table_args__ = {"sqlite_autoincrement": True}

    def get_id(self) -> str:
        """The per-user secret Flask-Login stores in cookies (never the reusable row id)."""
        return self.session_token

    @property
    def is_instructor(self) -> bool:
        """Instructors and admins can see authoring and analytics pages."""
        return self.role in (Role.INSTRUCTOR, Role.ADMIN)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class Exercise(db.Model):
    """The database's mirror of a catalog exercise, so attempts can reference it."""

    id: so.Mapped[str] = so.mapped_column(sa.String(80), primary_key=True)
    track: so.Mapped[str] = so.mapped_column(sa.String(80), index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    version: so.Mapped[str] = so.mapped_column(sa.String(64))
    synced_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)


class AttemptKind(enum.StrEnum):
    """Run shows output; Check runs the graded tests."""

    RUN = "run"
    CHECK = "check"


class Attempt(db.Model):
    """One Run or Check, as the browser reported it, with the code that was run."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # Generated in the browser, so a retried POST (offline queue, flaky network) is one attempt.
    client_id: so.Mapped[str] = so.mapped_column(sa.String(36), unique=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    exercise_id: so.Mapped[str] = so.mapped_column(sa.ForeignKey("exercise.id"))
    exercise_version: so.Mapped[str] = so.mapped_column(sa.String(64))
    kind: so.Mapped[str] = so.mapped_column(sa.String(10))
    files: so.Mapped[dict[str, str]] = so.mapped_column(sa.JSON)
    code_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    status: so.Mapped[str] = so.mapped_column(sa.String(20))
    passed: so.Mapped[bool] = so.mapped_column(default=False)
    tests_passed: so.Mapped[int] = so.mapped_column(default=0)
    tests_total: so.Mapped[int] = so.mapped_column(default=0)
    first_failure: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    error_type: so.Mapped[str | None] = so.mapped_column(sa.String(80))
    verdict: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON)
    duration_ms: so.Mapped[int] = so.mapped_column(default=0)
    client_created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime())
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    # Set when a server-side re-check in a sandbox confirms the browser's verdict.
    verified: so.Mapped[bool] = so.mapped_column(default=False)
    # A pass the browser claims is provisional until the server re-runs the grader on the stored
    # files (Verification); None for runs and for checks that did not pass (nothing to confirm).
    verification: so.Mapped[str | None] = so.mapped_column(sa.String(10))
    session_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("study_session.id", ondelete="SET NULL")
    )
    # The friction gate (F1, F2) that was open when this check ran: stored anyway, flagged.
    gate: so.Mapped[str | None] = so.mapped_column(sa.String(8))
    # A check the attempts API stored but the dashboard's running totals have not counted yet
    # (app/teach/stats.py folds it off the request, exactly once). Checks stored through the ORM
    # are counted as they are flushed, so the default (and every row before this column) is False.
    totals_pending: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())

    user: so.Mapped[User] = so.relationship(back_populates="attempts")

    __table_args__ = (
        # A learner's checks on one exercise, newest first (the friction gates read the last
        # few); the id breaks ties in the order, so no sort is needed on PostgreSQL either.
        sa.Index(
            "ix_attempt_user_exercise_created_id", "user_id", "exercise_id", "created_at", "id"
        ),
        # The per-exercise dashboard reads one exercise's checks, learner by learner, in order.
        sa.Index("ix_attempt_exercise_user_created", "exercise_id", "user_id", "created_at"),
        # The checks waiting to be folded into the running totals, in the order they are folded;
        # partial, so it holds only the few not yet folded.
        sa.Index(
            "ix_attempt_totals_pending", "user_id", "exercise_id", "created_at", "id",
            postgresql_where=sa.text("totals_pending"), sqlite_where=sa.text("totals_pending = 1"),
        ),
    )


class StudySession(db.Model):
    """A stretch of practice: it ends after 20 idle minutes (EQ and RED are per session)."""

    __tablename__ = "study_session"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    started_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)

    # Every attempt and entry extends the learner's newest session (practice.touch_session).
    __table_args__ = (sa.Index("ix_study_session_user_last_seen", "user_id", "last_seen_at"),)


class EntryKind(enum.StrEnum):
    """The journal prompts of PEDAGOGY.md."""

    PLAN = "plan"
    AFTER_FAILURE = "after_failure"
    AFTER_SUCCESS = "after_success"
    BREAK = "break"
    REENTRY = "reentry"
    FREE = "free"


class JournalEntry(db.Model):
    """One thing the learner wrote (or chose to skip), with structured fields, never one blob."""

    __tablename__ = "journal_entry"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    exercise_id: so.Mapped[str | None] = so.mapped_column(sa.ForeignKey("exercise.id"))
    attempt_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("attempt.id", ondelete="SET NULL")
    )
    session_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("study_session.id", ondelete="SET NULL")
    )
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    skipped: so.Mapped[bool] = so.mapped_column(default=False)
    # Plan
    goal: so.Mapped[str | None] = so.mapped_column(sa.Text)
    prediction: so.Mapped[str | None] = so.mapped_column(sa.Text)
    prediction_correct: so.Mapped[bool | None] = so.mapped_column()
    confidence: so.Mapped[int | None] = so.mapped_column()
    expected_tries: so.Mapped[int | None] = so.mapped_column()
    # After a failure
    error_in_own_words: so.Mapped[str | None] = so.mapped_column(sa.Text)
    cause_guess: so.Mapped[str | None] = so.mapped_column(sa.Text)
    stage: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    attribution: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    emotions: so.Mapped[list[str] | None] = so.mapped_column(sa.JSON)
    intensity: so.Mapped[int | None] = so.mapped_column()
    next_change: so.Mapped[str | None] = so.mapped_column(sa.Text)
    # After a success
    what_worked: so.Mapped[str | None] = so.mapped_column(sa.Text)
    explanation: so.Mapped[str | None] = so.mapped_column(sa.Text)
    # Break, re-entry, free notes
    text: so.Mapped[str | None] = so.mapped_column(sa.Text)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        sa.Index("ix_journal_entry_user_created", "user_id", "created_at"),
        # The reflection gate (F1) asks for this learner's failure reflections on one exercise
        # since a given check.
        sa.Index(
            "ix_journal_entry_user_exercise_kind_created",
            "user_id", "exercise_id", "kind", "created_at",
        ),
    )


class FrictionEvent(db.Model):
    """A friction rule firing, and what the learner did about it."""

    __tablename__ = "friction_event"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    exercise_id: so.Mapped[str | None] = so.mapped_column(sa.ForeignKey("exercise.id"))
    attempt_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("attempt.id", ondelete="SET NULL")
    )
    rule: so.Mapped[str] = so.mapped_column(sa.String(8))  # F0 ... F9
    # shown | completed | skipped | break_taken | worked_example | kept_going | flagged
    action: so.Mapped[str] = so.mapped_column(sa.String(20))
    details: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        sa.Index("ix_friction_event_user_exercise_created", "user_id", "exercise_id", "created_at"),
    )


class HintEvent(db.Model):
    """A hint the learner asked for, with what they said they had tried (F3-F5)."""

    __tablename__ = "hint_event"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    exercise_id: so.Mapped[str] = so.mapped_column(sa.ForeignKey("exercise.id"))
    level: so.Mapped[int] = so.mapped_column()  # 1 = gentlest
    bottom_out: so.Mapped[bool] = so.mapped_column(default=False)
    stuck_text: so.Mapped[str] = so.mapped_column(sa.Text)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (sa.Index("ix_hint_event_user_exercise", "user_id", "exercise_id"),)


class RateLimitCounter(db.Model):
    """A fixed-window request counter, shared by every process and replica (app/rate_limits.py)."""

    __tablename__ = "rate_limit_counter"

    # Flask-Limiter's key: the limit, the route and the client address.
    key: so.Mapped[str] = so.mapped_column(sa.String(255), primary_key=True)
    count: so.Mapped[int] = so.mapped_column(default=0)
    # Seconds since the epoch, as the `limits` library counts: compared, never shown.
    expires_at: so.Mapped[float] = so.mapped_column(sa.Float, index=True)


class WriteQuotaUsage(db.Model):
    """What one account has written in the current quota windows (app/quotas.py): its write
    requests in the request window (an hour by default), its bytes in the UTC day."""

    __tablename__ = "write_quota_usage"

    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    # Window starts in whole seconds since the epoch (UTC), compared in the charging statement:
    # integers bind and compare the same way on SQLite and PostgreSQL.
    requests_since: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    requests: so.Mapped[int] = so.mapped_column()
    bytes_since: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    bytes: so.Mapped[int] = so.mapped_column(sa.BigInteger)


class TutorTurn(db.Model):
    """One question to the AI tutor: what it saw (minus the reference), every reply it wrote,
    the guard results, the reply shown (or the authored hint that replaced it), cost and errors."""

    __tablename__ = "tutor_turn"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    exercise_id: so.Mapped[str] = so.mapped_column(sa.ForeignKey("exercise.id"))
    exercise_version: so.Mapped[str] = so.mapped_column(sa.String(64))
    attempt_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("attempt.id", ondelete="SET NULL")
    )
    level: so.Mapped[int] = so.mapped_column()  # the hint level unlocked when asked
    question: so.Mapped[str] = so.mapped_column(sa.Text)
    # pending (context built) | answered | fallback (authored hint shown) | failed (service)
    status: so.Mapped[str] = so.mapped_column(sa.String(12), default="pending")
    # The system prompt and messages sent, with the reference solution withheld.
    context: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON)
    raw_replies: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    guard_results: so.Mapped[list[Any]] = so.mapped_column(sa.JSON, default=list)
    final_reply: so.Mapped[str | None] = so.mapped_column(sa.Text)
    model: so.Mapped[str | None] = so.mapped_column(sa.String(80))
    input_tokens: so.Mapped[int] = so.mapped_column(default=0)
    output_tokens: so.Mapped[int] = so.mapped_column(default=0)
    latency_ms: so.Mapped[int] = so.mapped_column(default=0)
    error: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        sa.Index("ix_tutor_turn_user_exercise_created", "user_id", "exercise_id", "created_at"),
        sa.Index("ix_tutor_turn_created", "created_at"),
    )


class Verification(enum.StrEnum):
    """Where the server's re-check of a claimed pass stands."""

    PENDING = "pending"  # queued or running
    VERIFIED = "verified"  # the server's grader passed the stored files too
    MISMATCH = "mismatch"  # it did not: the browser's verdict is not believed
    UNCHECKED = "unchecked"  # the sandbox could not decide (it kept failing): not counted


class JobState(enum.StrEnum):
    """A re-check job's place in the queue."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class RecheckJob(db.Model):
    """A claimed pass waiting for (or given) the server's re-check: the queue lives here, so it
    survives a restart, and any number of worker processes can share it."""

    __tablename__ = "recheck_job"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    attempt_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("attempt.id", ondelete="CASCADE"), unique=True
    )
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    state: so.Mapped[str] = so.mapped_column(sa.String(10), default=JobState.QUEUED.value)
    tries: so.Mapped[int] = so.mapped_column(default=0)
    # A worker's claim; one older than the lease is taken to belong to a worker that died.
    claimed_by: so.Mapped[str | None] = so.mapped_column(sa.String(80))
    claimed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    finished_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    server_status: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    server_tests_passed: so.Mapped[int | None] = so.mapped_column()
    server_tests_total: so.Mapped[int | None] = so.mapped_column()
    error: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (sa.Index("ix_recheck_job_state_id", "state", "id"),)


class CourseRole(enum.StrEnum):
    """What a member does in a course."""

    LEARNER = "learner"
    INSTRUCTOR = "instructor"


class Course(db.Model):
    """A cohort: an instructor's learners, the exercises they see, and friction tuning."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    owner_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    # Learners type it to join; unique, so a code names exactly one course.
    join_code: so.Mapped[str] = so.mapped_column(sa.String(16), unique=True)
    # Friction thresholds that override the defaults (and exercise.toml) for this course.
    friction_overrides: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)


class CourseMember(db.Model):
    """A user in a course, as a learner or a co-instructor, and their journal-sharing choice."""

    __tablename__ = "course_member"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    course_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("course.id", ondelete="CASCADE"))
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    role: so.Mapped[str] = so.mapped_column(sa.String(20), default=CourseRole.LEARNER.value)
    # Off until the learner opts in: instructors then see their journal text, never before.
    shares_journal: so.Mapped[bool] = so.mapped_column(default=False)
    shares_journal_since: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    joined_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (sa.UniqueConstraint("course_id", "user_id", name="uq_course_member"),)


class CourseExercise(db.Model):
    """An exercise a course shows, at a position (tracks follow from their exercises)."""

    __tablename__ = "course_exercise"

    course_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("course.id", ondelete="CASCADE"), primary_key=True
    )
    exercise_id: so.Mapped[str] = so.mapped_column(sa.ForeignKey("exercise.id"), primary_key=True)
    position: so.Mapped[int] = so.mapped_column()


class LearnerExerciseStat(db.Model):
    """Running totals of one learner's checks on one exercise, updated in the transaction that
    stores each check (app/teach/stats.py), so the dashboard sums a row per learner-exercise
    instead of replaying a million checks. Derived data: `flask teach recount` rebuilds it."""

    __tablename__ = "learner_exercise_stat"

    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    exercise_id: so.Mapped[str] = so.mapped_column(sa.ForeignKey("exercise.id"), primary_key=True)
    checks: so.Mapped[int] = so.mapped_column(default=0)
    failed: so.Mapped[int] = so.mapped_column(default=0)
    rapid: so.Mapped[int] = so.mapped_column(default=0)  # failed checks retried within 15 s
    identical: so.Mapped[int] = so.mapped_column(default=0)  # same code as the previous check
    first_ok: so.Mapped[bool] = so.mapped_column(default=False)
    first_pass_n: so.Mapped[int | None] = so.mapped_column()
    solved_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    last_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    last_ok: so.Mapped[bool] = so.mapped_column(default=False)
    last_hash: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    best_tests: so.Mapped[int] = so.mapped_column(default=0)
    # The current stretch without progress (no new best tests_passed, no pass).
    stretch_start_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    stretch_checks: so.Mapped[int] = so.mapped_column(default=0)
    stretch_start_ok: so.Mapped[bool] = so.mapped_column(default=False)
    stuck: so.Mapped[bool] = so.mapped_column(default=False)


class SessionStruggle(db.Model):
    """EQ and RED running sums for one learner × exercise × study session (0 = no session)."""

    __tablename__ = "session_struggle"

    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    exercise_id: so.Mapped[str] = so.mapped_column(sa.ForeignKey("exercise.id"), primary_key=True)
    session_key: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    checks: so.Mapped[int] = so.mapped_column(default=0)
    pair_score_sum: so.Mapped[float] = so.mapped_column(sa.Float, default=0.0)
    red_closed: so.Mapped[float] = so.mapped_column(sa.Float, default=0.0)  # finished runs
    run: so.Mapped[int] = so.mapped_column(default=0)  # the open run of repeated errors
    last_ok: so.Mapped[bool] = so.mapped_column(default=False)
    last_sig: so.Mapped[str | None] = so.mapped_column(sa.String(400))


class FailureTally(db.Model):
    """How many failed checks of one learner on one exercise named this test (kind "test") or
    this error type (kind "error")."""

    __tablename__ = "failure_tally"

    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    exercise_id: so.Mapped[str] = so.mapped_column(sa.ForeignKey("exercise.id"), primary_key=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(8), primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(300), primary_key=True)
    checks: so.Mapped[int] = so.mapped_column(default=0)

    # The dashboard groups one kind's tallies by name, reading this index in order.
    __table_args__ = (
        sa.Index("ix_failure_tally_kind_name", "kind", "name", "user_id", "exercise_id", "checks"),
    )
