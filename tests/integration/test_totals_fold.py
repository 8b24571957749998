"""The dashboard's running totals off the attempt path: a check the attempts API stores waits
(attempt.totals_pending) until a fold counts it, exactly once and in each learner's order,
whoever folds it: a read of the totals, the background thread, two folds at once, or a fold
after another process died holding half of a fold."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import uuid
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.auth.services import create_user
from app.catalog import ensure_exercise_row
from app.catalog import get_catalog
from app.extensions import db
from app.models import Attempt
from app.models import Course
from app.models import CourseExercise
from app.models import CourseMember
from app.models import LearnerExerciseStat
from app.models import User
from app.teach import stats
from app.teach.dashboard import build_dashboard
from app.teach.stats import recount
from tests.conftest import PASSWORD
from tests.conftest import ROOT
from tests.integration.test_teach_dashboard import totals_snapshot

# A pass between failures: folding these out of order changes first_ok, first_pass_n, rapid
# and identical, so a total built in the wrong order differs from the recount's.
SEQUENCE = (("v1", "failed"), ("v1", "failed"), ("v2", "passed"), ("v3", "failed"),
            ("v3", "failed"), ("v4", "failed"))


def post_check(client, code, status):
    """One check through the attempts API, as the exercise page posts it."""
    outcome = "passed" if status == "passed" else "failed"
    reply = client.post("/api/attempts", json={
        "id": str(uuid.uuid4()), "exercise_id": "fixture-add", "exercise_version": "v1",
        "kind": "check", "files": {"adder.py": f"# {code}\n"},
        "verdict": {"status": status, "kind": "check",
                    "tests": [{"name": "test_adds", "outcome": outcome,
                               "description": "" if outcome == "passed" else "add(2, 3) is 5"}]},
        "duration_ms": 30, "client_time": datetime.now(UTC).isoformat(),
    })
    assert reply.status_code == 201, reply.get_json()


def learners_in_a_course(app, client, auth, emails):
    """Sign each learner up through the form and put them in an instructor's course with the
    fixture exercise; returns the course id and the learners' ids."""
    ids = []
    for email in emails:
        auth.signup(email=email, name=email[:2])
        auth.logout()
    with app.app_context():
        teacher = create_user("teacher@example.org", PASSWORD, "Tess", "instructor").id
        ensure_exercise_row(get_catalog().get("fixture-add"))
        course = Course(name="C", owner_id=teacher, join_code="FOLDFOLD")
        db.session.add(course)
        db.session.flush()
        db.session.add(CourseExercise(course_id=course.id, exercise_id="fixture-add", position=0))
        for email in emails:
            user_id = db.session.scalar(sa.select(User.id).where(User.email == email))
            db.session.add(CourseMember(course_id=course.id, user_id=user_id))
            ids.append(user_id)
        db.session.commit()
        return course.id, ids


def pending() -> int:
    """How many stored checks the totals have not counted yet."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Attempt).where(Attempt.totals_pending)
    )


def recounted_equals_running() -> bool:
    """The running totals are what replaying every stored check in order gives."""
    running = totals_snapshot()
    recount()
    return totals_snapshot() == running


def test_a_check_stored_by_the_api_counts_once_when_the_dashboard_is_read(app, client, auth):
    course_id, (learner,) = learners_in_a_course(app, client, auth, ["ada@example.org"])
    auth.login("ada@example.org")
    for code, status in SEQUENCE:
        post_check(client, code, status)
    with app.app_context():
        # The learner's requests counted nothing: the dashboard's upserts are not theirs to pay.
        assert pending() == len(SEQUENCE)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LearnerExerciseStat)) == 0
        board = build_dashboard(course_id)  # the dashboard's read folds them first
        assert (board.learner_exercises, board.solved, board.checks) == (1, 1, len(SEQUENCE))
        assert board == build_dashboard(course_id, from_attempts=True)
        assert pending() == 0
        again = build_dashboard(course_id)  # a second read counts nothing twice
        assert again.checks == len(SEQUENCE)
        stat = db.session.get(LearnerExerciseStat, (learner, "fixture-add"))
        assert (stat.checks, stat.failed, stat.first_pass_n, stat.identical) == (6, 5, 3, 2)
        assert recounted_equals_running()
    post_check(client, "v5", "failed")
    with app.app_context():
        assert recount() == len(SEQUENCE) + 1  # a recount replays the pending check too...
        assert stats.fold_pending() == 0  # ...so no fold counts it again
        assert db.session.get(LearnerExerciseStat, (learner, "fixture-add")).checks == 7


def test_the_account_export_counts_pending_checks_and_deletion_leaves_none(app, client, auth):
    learners_in_a_course(app, client, auth, ["ada@example.org"])
    auth.login("ada@example.org")
    for code, status in SEQUENCE[:3]:
        post_check(client, code, status)
    exported = client.get("/journal/export.json").get_json()
    assert [row["checks"] for row in exported["dashboard_exercise_totals"]] == [3]
    post_check(client, "v9", "failed")  # stored, still pending when the account goes
    assert client.post("/account/delete", data={"email": "ada@example.org"}).status_code == 302
    with app.app_context():
        assert pending() == 0
        assert stats.fold_pending() == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LearnerExerciseStat)) == 0


def test_an_orm_check_after_pending_api_checks_is_counted_after_them(app, client, auth):
    """Tests, seeding and imports store checks through the ORM, folded as they are flushed: the
    learner's checks the API stored before are folded first, so the order holds."""
    _, (learner,) = learners_in_a_course(app, client, auth, ["ada@example.org"])
    auth.login("ada@example.org")
    post_check(client, "v1", "failed")
    with app.app_context():
        db.session.add(Attempt(
            client_id=str(uuid.uuid4()), user_id=learner, exercise_id="fixture-add",
            exercise_version="v1", kind="check", files={}, code_hash="h", status="passed",
            passed=True, tests_passed=1, tests_total=1, verdict={},
            client_created_at=datetime.now(UTC) + timedelta(seconds=5),
            created_at=datetime.now(UTC) + timedelta(seconds=5),
        ))
        db.session.commit()
        stat = db.session.get(LearnerExerciseStat, (learner, "fixture-add"))
        assert (stat.checks, stat.first_ok, stat.first_pass_n) == (2, False, 2)
        assert pending() == 0
        assert recounted_equals_running()


def test_the_background_fold_counts_checks_soon_after_they_are_stored(app_factory):
    app = app_factory(TOTALS_FOLD_MODE="thread")
    client = app.test_client()
    learners_in_a_course(app, client, AuthOf(client), ["ada@example.org"])
    AuthOf(client).login("ada@example.org")
    worker = stats.background(app)
    try:
        for code, status in SEQUENCE:
            post_check(client, code, status)
        with app.app_context():
            while True:  # until a pass of the thread has folded them (no read folds here)
                with worker.done:
                    seen = worker.passes
                db.session.rollback()
                if pending() == 0:
                    break
                with worker.done:
                    assert worker.done.wait_for(lambda s=seen: worker.passes > s, timeout=120)
            stat = db.session.scalar(sa.select(LearnerExerciseStat))
            assert stat.checks == len(SEQUENCE)
            assert recounted_equals_running()
    finally:
        worker.stop.set()
        worker.wake.set()


class AuthOf:
    """Sign-up and login through the forms, for a client of an app made in the test."""

    def __init__(self, client):
        self.client = client

    def signup(self, email, name):
        return self.client.post("/auth/signup", data={
            "display_name": name, "email": email, "password": PASSWORD, "confirm": PASSWORD})

    def login(self, email):
        return self.client.post("/auth/login", data={"email": email, "password": PASSWORD})

    def logout(self):
        return self.client.post("/auth/logout")


def test_two_folds_at_once_count_each_check_once_and_in_order(
    app, client, auth, database_engine
):
    """Two connections fold at the same moment: the second skips what the first holds and
    leaves the rest of that learner's checks for later rather than count them before the
    earlier ones; a read meanwhile waits for the first instead of reading half a fold."""
    if database_engine != "postgresql":
        pytest.skip("SQLite runs one writer at a time: two folds cannot overlap there")
    learners_in_a_course(app, client, auth, ["ada@example.org", "bob@example.org"])
    for email in ("ada@example.org", "bob@example.org"):
        auth.login(email)
        for code, status in SEQUENCE:
            post_check(client, code, status)
        auth.logout()
    with app.app_context():
        engine = db.engine
        with engine.connect() as first, engine.connect() as second:
            for connection in (first, second):
                connection.exec_driver_sql("SET lock_timeout = '60s'")  # a regression errs
                connection.commit()
            first_tx = first.begin()
            held = stats.claim_batch(first, batch=2, skip_locked=True)  # Ada's first two
            assert len(held) == 2
            with second.begin():
                # Ada's other checks must wait for the first fold; Bob's are free.
                assert stats.fold_batch(second, batch=100, skip_locked=True) == len(SEQUENCE)
            reader = threading.Thread(target=fold_in_app, args=(app,))
            reader.start()  # a read: it waits for the first fold, then folds Ada's rest
            stats.fold_checks(first, held)
            first_tx.commit()
            reader.join(timeout=300)
            assert not reader.is_alive()
        assert pending() == 0
        stat = db.session.scalars(sa.select(LearnerExerciseStat)).all()
        assert [s.checks for s in stat] == [len(SEQUENCE)] * 2
        assert recounted_equals_running()


def fold_in_app(app) -> None:
    """What a dashboard read does first, from another thread."""
    with app.app_context():
        stats.fold_pending()


CRASHING_FOLD = """
import sys
import sqlalchemy as sa
from app.teach import stats
engine = sa.create_engine(sys.argv[1])
with engine.connect() as connection:
    connection.begin()
    print(stats.fold_batch(connection), flush=True)
    sys.stdin.read()  # hold the fold uncommitted until the test kills this process
"""


def test_a_fold_killed_before_its_commit_leaves_the_checks_to_be_folded_later(app, client, auth):
    """Checks stored and not yet folded survive their process; a fold SIGKILLed halfway
    commits nothing, and the next fold counts every check once."""
    learners_in_a_course(app, client, auth, ["ada@example.org"])
    auth.login("ada@example.org")
    for code, status in SEQUENCE:
        post_check(client, code, status)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    folder = subprocess.Popen(
        [sys.executable, "-c", CRASHING_FOLD, url], cwd=ROOT, env=env,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert folder.stdout.readline().strip() == str(len(SEQUENCE))  # folded, not committed
    finally:
        folder.send_signal(signal.SIGKILL)
        folder.wait(timeout=120)
        folder.stdin.close()
        folder.stdout.close()
    with app.app_context():
        assert pending() == len(SEQUENCE)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LearnerExerciseStat)) == 0
        assert stats.fold_pending() == len(SEQUENCE)
        assert db.session.scalar(sa.select(LearnerExerciseStat.checks)) == len(SEQUENCE)
        assert recounted_equals_running()


def test_the_fold_command_counts_what_is_pending(app, client, auth):
    learners_in_a_course(app, client, auth, ["ada@example.org"])
    auth.login("ada@example.org")
    for code, status in SEQUENCE[:2]:
        post_check(client, code, status)
    result = app.test_cli_runner().invoke(args=["teach", "fold"])
    assert result.exit_code == 0 and "Folded 2 checks" in result.output
    result = app.test_cli_runner().invoke(args=["teach", "fold"])
    assert "Folded 0 checks" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(LearnerExerciseStat.checks)) == 2
