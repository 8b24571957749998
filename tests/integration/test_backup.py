"""`flask backup create|restore` round-trips a learner's record, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import Attempt
from app.models import FrictionEvent
from app.models import HintEvent
from app.models import JournalEntry
from app.models import User
from tests.integration.test_hints_api import URL as HINTS_URL
from tests.integration.test_hints_api import earn_first_hint

TABLES = (User, Attempt, JournalEntry, HintEvent, FrictionEvent)


def snapshot(app) -> dict[str, list[tuple]]:
    """Every row of the learner's tables, as plain values."""
    with app.app_context():
        rows = {}
        for model in TABLES:
            columns = model.__table__.columns
            query = sa.select(*columns).order_by(*model.__table__.primary_key.columns)
            rows[model.__tablename__] = [tuple(r) for r in db.session.execute(query)]
        db.session.remove()
    return rows


def practise(client, auth) -> None:
    """A learner fails twice, reflects and takes a hint, through the real API."""
    auth.signup()
    earn_first_hint(client)
    response = client.post(HINTS_URL, json={"level": 1, "stuck_text": "I return a - b"})
    assert response.status_code == 201


def test_a_backup_restores_attempts_journal_entries_and_hint_events(app, client, auth, tmp_path):
    practise(client, auth)
    before = snapshot(app)
    assert all(before[name] for name in ("attempt", "journal_entry", "hint_event", "user"))
    runner = app.test_cli_runner()
    backup = tmp_path / "backups" / "nightly"
    created = runner.invoke(args=["backup", "create", "--output", str(backup)])
    assert created.exit_code == 0, created.output
    assert backup.stat().st_size > 0

    # After the backup: the learner keeps working, and someone deletes the hint history.
    client.post("/api/journal", json={"kind": "free", "text": "written after the backup"})
    with app.app_context():
        db.session.execute(sa.delete(HintEvent))
        db.session.commit()
        db.session.remove()
    assert snapshot(app) != before

    restored = runner.invoke(args=["backup", "restore", str(backup), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert snapshot(app) == before
    # The app serves the restored record straight away.
    assert "written after the backup" not in client.get("/journal").get_data(as_text=True)
    assert client.get(HINTS_URL).get_json()["revealed"][0]["level"] == 1


def test_backups_go_to_the_backup_dir_with_a_sortable_name(app_factory, tmp_path):
    app = app_factory(BACKUP_DIR=tmp_path / "kept")
    result = app.test_cli_runner().invoke(args=["backup", "create"])
    assert result.exit_code == 0, result.output
    [written] = (tmp_path / "kept").iterdir()
    assert written.name.startswith("friction-20") and written.suffix in (".sqlite3", ".pgdump")


def test_keep_deletes_all_but_the_newest_backups_and_nothing_else(app_factory, tmp_path):
    folder = tmp_path / "kept"
    folder.mkdir()
    app = app_factory(BACKUP_DIR=folder)
    suffix = ".pgdump" if "postgresql" in db_url(app) else ".sqlite3"
    for day in ("20261101", "20261102", "20261103"):
        (folder / f"friction-{day}T030000Z{suffix}").write_bytes(b"old")
    (folder / "notes.txt").write_text("not a backup")
    result = app.test_cli_runner().invoke(args=["backup", "create", "--keep", "2"])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in folder.iterdir())
    assert names[0] == f"friction-20261103T030000Z{suffix}" and names[-1] == "notes.txt"
    assert len(names) == 3 and names[1].startswith("friction-2026")


def test_a_backup_never_overwrites_a_file(app, tmp_path):
    existing = tmp_path / "precious"
    existing.write_text("keep me")
    result = app.test_cli_runner().invoke(args=["backup", "create", "-o", str(existing)])
    assert result.exit_code != 0 and "already exists" in result.output
    assert existing.read_text() == "keep me"


def test_a_file_that_is_not_a_backup_is_refused_and_nothing_changes(app, client, auth, tmp_path):
    practise(client, auth)
    before = snapshot(app)
    bogus = tmp_path / "bogus"
    bogus.write_bytes(b"PGDMP but then nonsense" if "postgresql" in db_url(app) else b"nonsense")
    result = app.test_cli_runner().invoke(args=["backup", "restore", str(bogus), "--yes"])
    assert result.exit_code != 0
    assert snapshot(app) == before


def test_restore_asks_before_replacing_everything(app, tmp_path):
    backup = tmp_path / "b"
    runner = app.test_cli_runner()
    assert runner.invoke(args=["backup", "create", "-o", str(backup)]).exit_code == 0
    answered_no = runner.invoke(args=["backup", "restore", str(backup)], input="n\n")
    assert answered_no.exit_code != 0 and "Aborted" in answered_no.output


def db_url(app) -> str:
    """The app's database URL."""
    return app.config["SQLALCHEMY_DATABASE_URI"]
