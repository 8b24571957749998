"""A learner's data rights: export everything that is theirs, and delete it all.

Every function takes ONE user id and touches only that user's rows.

Export formats:
- JSON: one object {"format", "exported_at", "account", "attempts", "journal_entries",
  "friction_events", "study_sessions", "tutor_turns", "course_memberships"}; attempts carry
  their files and the full verdict; tutor turns carry what the tutor saw (reference withheld)
  and the guard results.
- CSV: a zip with one CSV per table (account.csv, attempts.csv, journal_entries.csv,
  friction_events.csv, study_sessions.csv, tutor_turns.csv, course_memberships.csv) and a
  README.txt. Columns are the table's columns; structured values (files, verdict, details,
  emotions) are JSON text in their cell, times are ISO 8601 in UTC, booleans are true/false,
  empty cells are nulls. Cells are exported as stored (no spreadsheet-formula escaping): open
  them as text if they hold code starting with '='.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ..auth.services import normalise_email
from ..errors import NotFound
from ..extensions import db
from ..journal.insights import plural
from ..journal.services import entry_dict
from ..models import Attempt
from ..models import CourseMember
from ..models import FrictionEvent
from ..models import JournalEntry
from ..models import StudySession
from ..models import TutorTurn
from ..models import User
from ..models import utcnow
from ..teach.services import delete_course_data
from ..tutor.services import turn_export

EXPORT_FORMAT = "friction-lab-export/1"
ACCOUNT_FIELDS = ("id", "email", "display_name", "role", "created_at")
# Never exported: the password hash is not the learner's data in any useful sense, and
# exporting it would only make a leaked file more dangerous.

README = """Friction Lab: your data, one CSV file per table.

account.csv          your account (no password)
attempts.csv         every Run and Check: the files you sent and the verdict (JSON in a cell)
journal_entries.csv  plans, reflections, notes and recorded skips
friction_events.csv  the friction cards that were shown to you and what you chose
study_sessions.csv   your study sessions (a session ends after 20 idle minutes)
tutor_turns.csv      your questions to the AI tutor: what it saw (the reference solution
                     withheld), the reply you were shown, every guard result, model, tokens;
                     the text of replies the guards rejected is withheld (they may hold the answer)
course_memberships.csv  the courses you joined, your role, and whether you share your journal
                     text with the course's instructors

Times are ISO 8601 in UTC. Structured values are JSON text. Empty cells are empty values.
"""


def plain(value: Any) -> Any:
    """A stored value as JSON can hold it."""
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def row_dict(row: Any) -> dict[str, Any]:
    """Every column of an ORM row, JSON-ready."""
    return {c.name: plain(getattr(row, c.name)) for c in type(row).__table__.columns}


def get_user(user_id: int) -> User:
    """The user, or a 404."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("There is no such account.")
    return user


def own_rows(model: Any, user_id: int) -> list[Any]:
    """One table's rows that belong to the user, oldest first."""
    return list(
        db.session.scalars(sa.select(model).where(model.user_id == user_id).order_by(model.id))
    )


def export_data(user_id: int, now: datetime | None = None) -> dict[str, Any]:
    """All of one learner's data, as one JSON-ready dict."""
    user = get_user(user_id)
    return {
        "format": EXPORT_FORMAT,
        "exported_at": (now or utcnow()).isoformat(),
        "account": {name: plain(getattr(user, name)) for name in ACCOUNT_FIELDS},
        "attempts": [row_dict(a) for a in own_rows(Attempt, user_id)],
        "journal_entries": [entry_dict(e) for e in own_rows(JournalEntry, user_id)],
        "friction_events": [row_dict(e) for e in own_rows(FrictionEvent, user_id)],
        "study_sessions": [row_dict(s) for s in own_rows(StudySession, user_id)],
        "tutor_turns": [turn_export(row_dict(t)) for t in own_rows(TutorTurn, user_id)],
        "course_memberships": [row_dict(m) for m in own_rows(CourseMember, user_id)],
    }


def export_json(user_id: int, now: datetime | None = None) -> bytes:
    """The JSON export, UTF-8, indented for people."""
    return json.dumps(export_data(user_id, now), ensure_ascii=False, indent=2).encode()


def cell(value: Any) -> str:
    """A value as a CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def csv_text(columns: Iterable[str], rows: Iterable[dict[str, Any]]) -> str:
    """One table as CSV text with a header row."""
    columns = list(columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(name)) for name in columns])
    return buffer.getvalue()


TABLES = {
    "attempts": Attempt,
    "journal_entries": JournalEntry,
    "friction_events": FrictionEvent,
    "study_sessions": StudySession,
    "tutor_turns": TutorTurn,
    "course_memberships": CourseMember,
}


def export_csv_zip(user_id: int, now: datetime | None = None) -> bytes:
    """The CSV export: a zip with one CSV per table and a README."""
    data = export_data(user_id, now)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README)
        archive.writestr("account.csv", csv_text(ACCOUNT_FIELDS, [data["account"]]))
        for name, model in TABLES.items():
            columns = [c.name for c in model.__table__.columns]
            archive.writestr(f"{name}.csv", csv_text(columns, data[name]))
    return buffer.getvalue()


def email_matches(user_id: int, typed: str | None) -> bool:
    """Did the learner type their own email (case and surrounding spaces do not matter)?"""
    return bool(typed) and normalise_email(typed or "") == get_user(user_id).email


OWN_TABLES = (
    ("tutor_turns", TutorTurn),
    ("friction_events", FrictionEvent),
    ("journal_entries", JournalEntry),
    ("attempts", Attempt),
    ("study_sessions", StudySession),
    ("course_memberships", CourseMember),
)  # children first: events and entries point at attempts, attempts at sessions


@dataclass(frozen=True)
class DataCounts:
    """How many rows of each kind a learner has (or had, after a deletion)."""

    attempts: int
    journal_entries: int
    friction_events: int
    study_sessions: int
    tutor_turns: int = 0
    course_memberships: int = 0

    def listing(self) -> str:
        """'12 runs and checks, 3 journal entries, 5 friction events, 2 study sessions and 1 tutor
        question'."""
        return (
            f"{plural(self.attempts, 'run or check', 'runs and checks')}, "
            f"{plural(self.journal_entries, 'journal entry', 'journal entries')}, "
            f"{plural(self.friction_events, 'friction event')}, "
            f"{plural(self.study_sessions, 'study session')}, "
            f"{plural(self.tutor_turns, 'tutor question')} and "
            f"{plural(self.course_memberships, 'course membership')}"
        )

    def deleted_sentence(self) -> str:
        """What the learner reads after deleting."""
        return (
            f"Your account and all your data are deleted: {self.listing()}. "
            "Nothing of yours is kept."
        )


def data_counts(user_id: int) -> DataCounts:
    """Count the learner's rows, to say what a deletion would remove."""
    get_user(user_id)
    return DataCounts(
        **{
            name: db.session.scalar(
                sa.select(sa.func.count(model.id)).where(model.user_id == user_id)
            )
            or 0
            for name, model in OWN_TABLES
        }
    )


def delete_account(user_id: int) -> DataCounts:
    """Delete the user and every row of theirs, children first (works without FK cascades).

    Shared rows (the exercise catalog mirror) stay; nothing of another user is touched.
    """
    get_user(user_id)
    counts = {}
    for name, model in OWN_TABLES:
        result = db.session.execute(
            sa.delete(model)
            .where(model.user_id == user_id)
            .execution_options(synchronize_session=False)
        )
        counts[name] = result.rowcount or 0
    delete_course_data(user_id)  # dashboard totals, and an instructor's courses
    db.session.execute(
        sa.delete(User).where(User.id == user_id).execution_options(synchronize_session=False)
    )
    db.session.commit()
    return DataCounts(**counts)
