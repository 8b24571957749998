"""ORM models (SQLAlchemy 2 typed style). They hold data; services do the work."""

from __future__ import annotations

import enum
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

    attempts: so.WriteOnlyMapped[Attempt] = so.relationship(back_populates="user")

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

    user: so.Mapped[User] = so.relationship(back_populates="attempts")

    __table_args__ = (
        sa.Index("ix_attempt_user_exercise_created", "user_id", "exercise_id", "created_at"),
    )
