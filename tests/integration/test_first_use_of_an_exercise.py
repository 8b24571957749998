"""The first attempts at an exercise `flask exercises sync` has not stored yet: its mirror row is
added by whichever request comes first, and a request racing it waits for that row instead of
failing on the duplicate key (a 500 that lost the learner's attempt)."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Attempt
from app.models import Exercise as ExerciseRow
from tests.conftest import AuthActions
from tests.integration.test_attempts import attempt

# A bound on how long the test waits for the database, so a broken build fails instead of hanging.
PATIENCE_S = 60


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def signed_in_clients(app, learners: int):
    clients = [app.test_client() for _ in range(learners)]
    for n, client in enumerate(clients):
        assert AuthActions(client).signup(email=f"learner{n}@example.org").status_code == 302
    return clients


def test_learners_who_first_use_an_unsynced_exercise_at_once_are_all_stored(app_factory):
    app = app_factory()
    assert count(app, ExerciseRow) == 0  # not synced
    clients = signed_in_clients(app, 6)
    start = threading.Barrier(len(clients))
    codes: list[int] = []

    def post(client):
        start.wait()
        codes.append(client.post("/api/attempts", json=attempt()).status_code)

    threads = [threading.Thread(target=post, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert codes == [201] * len(clients)
    assert count(app, Attempt) == len(clients)
    assert count(app, ExerciseRow) == 1


@pytest.mark.parametrize("database_engine", ["postgresql"], indirect=True)
def test_an_attempt_racing_another_first_use_of_the_exercise_waits_for_it(app_factory):
    """Deterministic on PostgreSQL: another request has inserted the exercise's row and not yet
    committed; this learner's attempt finds no row, so it inserts too, and must wait for the
    other to commit, then be stored (before: a duplicate key error, a 500)."""
    app = app_factory()
    [client] = signed_in_clients(app, 1)
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with engine.connect() as other, engine.connect() as observer:
            other.execute(
                sa.insert(ExerciseRow.__table__).values(
                    id="fixture-add", track="basics", title="Add", version="abc123"
                )
            )  # the other first request, its transaction still open
            codes: list[int] = []
            thread = threading.Thread(
                target=lambda: codes.append(
                    client.post("/api/attempts", json=attempt()).status_code
                )
            )
            thread.start()
            waiting = sa.text(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            deadline = time.monotonic() + PATIENCE_S
            while observer.execute(waiting).scalar() == 0 and thread.is_alive():
                assert time.monotonic() < deadline, "the attempt never reached the exercise row"
                observer.rollback()  # a fresh snapshot of pg_stat_activity for the next look
                thread.join(0.05)  # between looks (the loop ends on what it sees, not a time)
            other.commit()
            thread.join(PATIENCE_S)
    finally:
        engine.dispose()
    assert codes == [201]
    assert count(app, Attempt) == 1
    assert count(app, ExerciseRow) == 1


def test_an_exercise_whose_row_is_stored_costs_no_statement_on_later_attempts(app_factory):
    """The mirror row is looked for once per exercise and process, not on every attempt (it
    was sent again on each attempt on PostgreSQL, whose driver reports no row count for an
    insert that did nothing)."""
    app = app_factory()
    [client] = signed_in_clients(app, 1)
    # The first attempt adds the row (not remembered: its transaction might have rolled back);
    # the second finds it stored, and from then on the process knows.
    for _ in range(2):
        assert client.post("/api/attempts", json=attempt()).status_code == 201
    sent: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        sent.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        for _ in range(3):
            assert client.post("/api/attempts", json=attempt()).status_code == 201
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    inserts = [s for s in sent if "into exercise " in s.lower() or "into exercise(" in s.lower()]
    assert inserts == []
    assert count(app, ExerciseRow) >= 1
