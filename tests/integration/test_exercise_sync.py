"""`flask exercises sync` while other writers store the same mirror rows: a learner's first attempt
at an exercise not yet synced, or another replica's sync (every pod runs it on start). Before,
the sync inserted every row it had not seen and failed on the duplicate key; in the container's
entrypoint that failure stopped the pod. Now it ends with the catalog's metadata in any order."""

from __future__ import annotations

import dataclasses
import threading
import time

import pytest
import sqlalchemy as sa

from app.catalog import get_catalog
from app.catalog import sync_exercises
from app.extensions import db
from app.models import Attempt
from app.models import Exercise as ExerciseRow
from tests.conftest import AuthActions
from tests.integration.test_attempts import attempt

# A bound on how long the test waits for the database, so a broken build fails instead of hanging.
PATIENCE_S = 60
EXERCISE = "fixture-add"
# What a replica still running the previous image (or a process that has not reloaded since a
# publish) holds for the exercise: another title and version than the catalog on disk.
OLDER = {"track": "basics", "title": "Add numbers", "version": "older-version"}


def current_catalog(app):
    with app.app_context():
        return get_catalog()


def older_catalog(app):
    """The fixture catalog as the previous version had it."""
    catalog = current_catalog(app)
    exercise = dataclasses.replace(
        catalog.exercises[EXERCISE], title=OLDER["title"], version=OLDER["version"]
    )
    return dataclasses.replace(catalog, exercises={EXERCISE: exercise})


def mirror_rows(app) -> list[tuple[str, str, str, str]]:
    with app.app_context():
        t = ExerciseRow.__table__
        return [tuple(r) for r in db.session.execute(sa.select(t.c.id, t.c.track, t.c.title,
                                                               t.c.version))]


def expected_rows(catalog) -> list[tuple[str, str, str, str]]:
    return [(e.id, e.track, e.title, e.version) for e in catalog.exercises.values()]


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def run_in_thread(target) -> tuple[threading.Thread, list[BaseException]]:
    """Start `target` in a thread; the list holds what it raised."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            target()
        except BaseException as error:  # reported by the test's assertion, not lost in a thread
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


def on_mirror_insert_in_this_thread(engine, action):
    """Run `action` once, just before this thread sends its INSERT into the exercise table: after
    the sync has read which rows are stored, before it writes."""
    me = threading.get_ident()
    done: list[bool] = []

    def hook(conn, cursor, statement, parameters, context, executemany) -> None:
        if done or threading.get_ident() != me:
            return
        if statement.lstrip().lower().startswith("insert into exercise"):
            done.append(True)
            action()

    sa.event.listen(engine, "before_cursor_execute", hook)
    return lambda: sa.event.remove(engine, "before_cursor_execute", hook)


def test_a_sync_updates_changed_metadata_once_and_leaves_current_rows_alone(app_factory):
    app = app_factory()
    with app.app_context():
        assert sync_exercises(older_catalog(app)) == (1, 0)
        assert sync_exercises(get_catalog()) == (0, 1)
        synced_at = db.session.scalar(sa.select(ExerciseRow.synced_at))
        assert sync_exercises(get_catalog()) == (0, 0)
        # A row already up to date is not written again: synced_at says when it last changed.
        assert db.session.scalar(sa.select(ExerciseRow.synced_at)) == synced_at
    assert mirror_rows(app) == expected_rows(current_catalog(app))


@pytest.mark.parametrize("other_writer", ["first attempt", "another sync"])
def test_a_sync_meeting_a_row_stored_since_it_looked_brings_it_up_to_date(
    app_factory, other_writer
):
    """Between the sync's read of the stored rows and its write, a learner's first attempt (or
    another replica's sync, of the previous version) stores the exercise's row. The sync must
    not fail, and the row ends with the sync's catalog (before: a duplicate key error)."""
    app = app_factory()
    client = app.test_client()
    assert AuthActions(client).signup().status_code == 302
    assert count(app, ExerciseRow) == 0  # not synced
    codes: list[int] = []
    # The other writer holds the previous version; this sync, the one on disk.
    other_catalog = older_catalog(app)
    catalog = current_catalog(app)

    def other() -> None:
        if other_writer == "first attempt":
            # The learner's process still serves the previous version.
            app.extensions["catalog"] = other_catalog
            codes.append(client.post("/api/attempts", json=attempt()).status_code)
            app.extensions["catalog"] = catalog
        else:
            with app.app_context():
                sync_exercises(other_catalog)

    def write_meanwhile() -> None:
        # In a thread of its own, so with its own app context, session and connection.
        thread, errors = run_in_thread(other)
        thread.join(PATIENCE_S)
        assert not thread.is_alive() and errors == []

    with app.app_context():
        remove = on_mirror_insert_in_this_thread(db.engine, write_meanwhile)
        try:
            added, updated = sync_exercises(catalog)
        finally:
            remove()
    assert mirror_rows(app) == expected_rows(catalog)
    assert (added, updated) == (1, 0)  # it was not there when the sync looked
    if other_writer == "first attempt":
        assert codes == [201] and count(app, Attempt) == 1


@pytest.mark.parametrize("database_engine", ["postgresql"], indirect=True)
def test_a_sync_waits_for_a_first_attempts_uncommitted_row_and_updates_it(app_factory):
    """Deterministic on PostgreSQL: a learner's first attempt has inserted the exercise's row
    (with the previous version's metadata) and not yet committed. The sync finds no row, so its
    insert waits for that transaction; once it commits, the sync must update the row rather than
    fail on the duplicate key."""
    app = app_factory()
    catalog = current_catalog(app)
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    results: list[tuple[int, int]] = []

    def sync() -> None:
        with app.app_context():
            results.append(sync_exercises(catalog))

    try:
        with engine.connect() as attempt_tx, engine.connect() as observer:
            attempt_tx.execute(sa.insert(ExerciseRow.__table__).values(id=EXERCISE, **OLDER))
            thread, errors = run_in_thread(sync)
            wait_until_blocked_on_a_lock(observer, thread)
            attempt_tx.commit()
            thread.join(PATIENCE_S)
    finally:
        engine.dispose()
    assert errors == [] and not thread.is_alive()
    assert mirror_rows(app) == expected_rows(catalog)
    assert results == [(1, 0)]


@pytest.mark.parametrize("database_engine", ["postgresql"], indirect=True)
def test_two_syncs_at_once_both_succeed_and_the_last_ones_catalog_is_stored(app_factory):
    """Two replicas start at once (a Deployment's pods, a rolling update with an old and a new
    image) and both run the entrypoint's `flask exercises sync` on a database that has no rows
    yet: the first has written its rows and is committing; the second, `flask exercises sync`
    itself, must wait for it, then succeed (before: it failed on the duplicate key, and the
    entrypoint stopped the pod)."""
    app = app_factory()
    first_wrote = threading.Event()
    second_waits = threading.Event()
    old = older_catalog(app)

    def first_sync() -> None:
        me = threading.get_ident()

        def hold_the_commit(conn) -> None:
            if threading.get_ident() == me and not first_wrote.is_set():
                first_wrote.set()
                assert second_waits.wait(PATIENCE_S), "the second sync never reached the rows"

        with app.app_context():
            sa.event.listen(db.engine, "commit", hold_the_commit)
            try:
                sync_exercises(old)
            finally:
                sa.event.remove(db.engine, "commit", hold_the_commit)

    outputs: list[str] = []
    codes: list[int] = []

    def second_sync() -> None:
        result = app.test_cli_runner().invoke(args=["exercises", "sync"])
        codes.append(result.exit_code)
        outputs.append(result.output + repr(result.exception))

    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with engine.connect() as observer:
            first, first_errors = run_in_thread(first_sync)
            assert first_wrote.wait(PATIENCE_S), first_errors
            second, second_errors = run_in_thread(second_sync)
            wait_until_blocked_on_a_lock(observer, second)
            second_waits.set()
            first.join(PATIENCE_S)
            second.join(PATIENCE_S)
    finally:
        second_waits.set()
        engine.dispose()
    assert first_errors == [] and second_errors == []
    assert codes == [0], outputs
    assert "1 exercises: 1 added, 0 updated." in outputs[0]
    assert mirror_rows(app) == expected_rows(current_catalog(app))


def wait_until_blocked_on_a_lock(observer, thread: threading.Thread) -> None:
    """Return once some session of this database waits on a lock (or the thread has ended)."""
    waiting = sa.text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    deadline = time.monotonic() + PATIENCE_S
    while observer.execute(waiting).scalar() == 0 and thread.is_alive():
        assert time.monotonic() < deadline, "the sync never reached the exercise's row"
        observer.rollback()  # a fresh snapshot of pg_stat_activity for the next look
        thread.join(0.05)  # between looks (the loop ends on what it sees, not a time)
