"""A learner's data rights: export everything that is theirs, and delete it all.

Every function takes ONE user id and touches only that user's rows.

What is "theirs" is found by walking the schema: every table with a foreign key to user.id
(`user_tables()`), so a table added later is exported and deleted without anyone remembering to
list it here.

Export formats:
- JSON: one object {"format", "exported_at", "account", and one list per table: "attempts",
  "journal_entries", "friction_events", "study_sessions", "hint_events", ...}; attempts carry
  their files and the full verdict.
- CSV: a zip with one CSV per table (account.csv, attempts.csv, ...) and a README.txt. Columns
  are the table's columns; structured values (files, verdict, details, emotions) are JSON text in
  their cell, times are ISO 8601 in UTC, booleans are true/false, empty cells are nulls. A cell
  that starts with = + - @ (or a tab or carriage return) gets a leading apostrophe, so a
  spreadsheet shows it as text instead of running it as a formula.
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
from ..models import User
from ..models import utcnow
from ..spreadsheet import text_cell
from ..teach.services import delete_course_data
from ..teach.stats import fold_pending
from ..tutor.services import turn_export

EXPORT_FORMAT = "friction-lab-export/1"
ACCOUNT_FIELDS = ("id", "email", "display_name", "role", "created_at")
# Never exported: the password hash is not the learner's data in any useful sense, and
# exporting it would only make a leaked file more dangerous.

# Never exported either: the session secret (it would let a leaked file open the account).
SECRET_COLUMNS = frozenset({"password_hash", "session_token"})


@dataclass(frozen=True)
class UserTable:
    """A table that holds a learner's rows, with the name the export and counts use."""

    table: sa.Table
    owner: sa.Column
    name: str
    what: str
    singular: str
    plural: str


# How the export and the deletion page name the tables they know; any other table with a user
# foreign key is still exported and deleted, under its table name.
KNOWN = {
    "attempt": ("attempts", "every Run and Check: the files you sent and the verdict (JSON)",
                "run or check", "runs and checks"),
    "journal_entry": ("journal_entries", "plans, reflections, notes and recorded skips",
                      "journal entry", "journal entries"),
    "friction_event": ("friction_events", "the friction cards shown to you and what you chose",
                       "friction event", "friction events"),
    "study_session": ("study_sessions", "your study sessions (one ends after 20 idle minutes)",
                      "study session", "study sessions"),
    "hint_event": ("hint_events", "the hints you asked for and where you said you were stuck",
                   "hint asked for", "hints asked for"),
    "tutor_turn": ("tutor_turns", "your questions to the AI tutor: what it saw (the reference "
                   "withheld), the reply shown, guard results, model, tokens; replies the guards "
                   "rejected are withheld (they may hold the answer)",
                   "tutor question", "tutor questions"),
    "course_member": ("course_memberships", "the courses you joined, your role, and whether you "
                      "share your journal text with the course's instructors",
                      "course membership", "course memberships"),
    "course": ("courses_owned", "the courses you teach (their members' own data stays theirs)",
               "course taught", "courses taught"),
    # Running totals derived from your checks, kept for your courses' dashboards (app/teach).
    "learner_exercise_stat": ("dashboard_exercise_totals", "your checks and solves per exercise, "
                              "as the course dashboards count them", "exercise total",
                              "exercise totals"),
    "failure_tally": ("dashboard_failure_tallies", "how often each failing test failed for you",
                      "failure tally", "failure tallies"),
    "session_struggle": ("dashboard_session_struggle", "your struggle score per study session",
                         "session struggle score", "session struggle scores"),
    "write_quota_usage": ("write_quota_usage", "how much you have saved in the current quota "
                          "windows: requests since requests_since and bytes since bytes_since "
                          "(seconds since 1970, UTC)", "write quota counter",
                          "write quota counters"),
    "recheck_job": ("server_rechecks", "the server's re-runs of the tests on your passing checks",
                    "server re-check", "server re-checks"),
}


def user_tables() -> list[UserTable]:
    """Every table with a foreign key to user.id, children before parents (deletion order)."""
    found = []
    for table in reversed(db.metadata.sorted_tables):
        for column in table.columns:
            if any(fk.column is User.__table__.c.id for fk in column.foreign_keys):
                name, what, singular, plural_ = KNOWN.get(
                    table.name, (table.name, f"rows of {table.name}", f"{table.name} row",
                                 f"{table.name} rows")
                )
                found.append(UserTable(table, column, name, what, singular, plural_))
                break
    return found


def readme() -> str:
    """The README.txt of the CSV export: one line per file."""
    lines = ["Friction Lab: your data, one CSV file per table.", "",
             f"{'account.csv':24} your account (no password)"]
    lines += [f"{t.name + '.csv':24} {t.what}" for t in user_tables()]
    lines += ["", "Times are ISO 8601 in UTC. Structured values are JSON text. Empty cells are "
              "empty values.", "A cell starting with = + - or @ has an apostrophe in front, so a "
              "spreadsheet shows it as text."]
    return "\n".join(lines) + "\n"


def plain(value: Any) -> Any:
    """A stored value as JSON can hold it."""
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def row_dict(row: Any) -> dict[str, Any]:
    """Every column of a table row, JSON-ready."""
    return {key: plain(value) for key, value in row._mapping.items() if key not in SECRET_COLUMNS}


def get_user(user_id: int) -> User:
    """The user, or a 404."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("There is no such account.")
    return user


def own_rows(table: UserTable, user_id: int) -> list[dict[str, Any]]:
    """One table's rows that belong to the user, in insertion order, JSON-ready."""
    order = list(table.table.primary_key.columns)
    rows = db.session.execute(
        sa.select(table.table).where(table.owner == user_id).order_by(*order)
    )
    found = [row_dict(row) for row in rows]
    if table.table.name == "tutor_turn":
        # The export shows what the page showed: rejected replies may hold the answer.
        found = [turn_export(row) for row in found]
    return found


def export_data(user_id: int, now: datetime | None = None) -> dict[str, Any]:
    """All of one learner's data, as one JSON-ready dict."""
    fold_pending()  # the dashboard totals held for them count every check they stored
    user = get_user(user_id)
    return {
        "format": EXPORT_FORMAT,
        "exported_at": (now or utcnow()).isoformat(),
        "account": {name: plain(getattr(user, name)) for name in ACCOUNT_FIELDS},
        **{table.name: own_rows(table, user_id) for table in user_tables()},
    }


def export_json(user_id: int, now: datetime | None = None) -> bytes:
    """The JSON export, UTF-8, indented for people."""
    return json.dumps(export_data(user_id, now), ensure_ascii=False, indent=2).encode()


def cell(value: Any) -> str:
    """A value as a CSV cell; one a spreadsheet would run as a formula is made text (OWASP)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    else:
        text = str(value)
    return text_cell(text)


def csv_text(columns: Iterable[str], rows: Iterable[dict[str, Any]]) -> str:
    """One table as CSV text with a header row."""
    columns = list(columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(name)) for name in columns])
    return buffer.getvalue()


def export_csv_zip(user_id: int, now: datetime | None = None) -> bytes:
    """The CSV export: a zip with one CSV per table and a README."""
    data = export_data(user_id, now)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme())
        archive.writestr("account.csv", csv_text(ACCOUNT_FIELDS, [data["account"]]))
        for table in user_tables():
            columns = [c.name for c in table.table.columns if c.name not in SECRET_COLUMNS]
            archive.writestr(f"{table.name}.csv", csv_text(columns, data[table.name]))
    return buffer.getvalue()


def email_matches(user_id: int, typed: str | None) -> bool:
    """Did the learner type their own email (case and surrounding spaces do not matter)?"""
    return bool(typed) and normalise_email(typed or "") == get_user(user_id).email


@dataclass(frozen=True)
class DataCounts:
    """How many rows of each kind a learner has (or had, after a deletion), by table."""

    rows: dict[str, int]

    def listing(self) -> str:
        """'12 runs and checks, 3 journal entries, 5 friction events and 2 study sessions'."""
        parts = [
            plural(self.rows.get(t.name, 0), t.singular, t.plural)
            for t in sorted(user_tables(), key=lambda t: list(KNOWN).index(t.table.name)
                            if t.table.name in KNOWN else len(KNOWN))
        ]
        return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)

    def deleted_sentence(self) -> str:
        """What the learner reads after deleting."""
        return (
            f"Your account and all your data are deleted: {self.listing()}. "
            "Nothing of yours is kept."
        )


def data_counts(user_id: int) -> DataCounts:
    """Count the learner's rows in every table that holds any, to say what a deletion removes."""
    fold_pending()  # so the dashboard totals counted are the ones a deletion removes
    get_user(user_id)
    return DataCounts(
        {
            t.name: db.session.scalar(
                sa.select(sa.func.count()).select_from(t.table).where(t.owner == user_id)
            )
            or 0
            for t in user_tables()
        }
    )


def delete_account(user_id: int) -> DataCounts:
    """Delete the user and every row of theirs in every table with a user foreign key.

    Children first, so it works even where foreign keys are not enforced; the session secret
    dies with the row, so no cookie of this account opens anything afterwards. Shared rows (the
    exercise catalog mirror) stay; nothing of another user is touched.
    """
    get_user(user_id)
    # An instructor's courses go with their member and exercise lists first (other learners'
    # memberships point at them), and the dashboard totals derived from this user's checks.
    delete_course_data(user_id)
    counts = {}
    for table in user_tables():
        result = db.session.execute(
            sa.delete(table.table)
            .where(table.owner == user_id)
            .execution_options(synchronize_session=False)
        )
        counts[table.name] = result.rowcount or 0
    db.session.execute(
        sa.delete(User).where(User.id == user_id).execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.expunge_all()
    return DataCounts(counts)
