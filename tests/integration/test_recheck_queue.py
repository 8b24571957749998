"""A pass the browser claims is provisional until the server re-runs the grader on the stored
files: the reference, every hint and "solved" follow the server's result, and the queue of
re-checks lives in the database (it survives a restart and a worker that dies)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.grading.local import grade as cpython_grade
from app.models import Attempt
from app.models import RecheckJob
from app.models import utcnow
from app.recheck.services import MAX_TRIES
from app.recheck.worker import drain
from app.recheck.worker import work_once
from tests.conftest import RIGHT_ADDER
from tests.conftest import confirm_passes
from tests.integration.test_attempts import attempt
from tests.integration.test_attempts import verdict

REFERENCE = "/api/exercises/fixture-add/reference"
HINTS = "/api/exercises/fixture-add/hints"
JUNK = {"adder.py": "def add(a, b):\n    return 5  # the prompt's one example\n"}


@pytest.fixture
def learner(auth):
    auth.signup()
    return auth


def claim_pass(client, files):
    body = attempt(files=files, verdict=verdict(status="passed", passed=2, total=2))
    response = client.post("/api/attempts", json=body)
    assert response.status_code == 201
    return response.get_json()["attempt"]


def stored(app):
    with app.app_context():
        return db.session.execute(
            sa.select(Attempt.passed, Attempt.verified, Attempt.verification)
        ).one()


def solved_on_track_page(client) -> bool:
    return "solved" in client.get("/tracks/basics").get_data(as_text=True).lower()


def test_a_forged_pass_opens_nothing_and_is_flagged(app, client, learner):
    summary = claim_pass(client, JUNK)
    assert summary["verification"] == "pending"
    waiting = client.get(REFERENCE)
    assert waiting.status_code == 409 and "still re-running" in waiting.get_json()["message"]
    assert client.get(HINTS).get_json()["available"] is False  # a pass would open every level

    assert confirm_passes(app) == 1
    assert stored(app) == (True, False, "mismatch")
    refused = client.get(REFERENCE)
    assert refused.status_code == 403 and "did not pass there" in refused.get_json()["message"]
    assert client.get(HINTS).get_json()["available"] is False
    assert client.post(HINTS, json={"level": 2, "stuck_text": "give me all"}).status_code == 400
    listed = client.get("/api/exercises/fixture-add/attempts").get_json()["attempts"]
    assert listed[0]["verification"] == "mismatch"
    with app.app_context():
        job = db.session.scalar(sa.select(RecheckJob))
        assert (job.state, job.server_status) == ("done", "failed")
        assert job.server_tests_passed < job.server_tests_total


def test_a_real_pass_is_verified_and_then_opens_the_reference_and_hints(app, client, learner):
    claim_pass(client, RIGHT_ADDER)
    assert confirm_passes(app) == 1
    assert stored(app) == (True, True, "verified")
    reference = client.get(REFERENCE)
    assert reference.status_code == 200
    assert "return a + b" in reference.get_json()["files"]["adder.py"]
    assert client.get(HINTS).get_json()["available"] is True


def test_solved_follows_the_verified_result(app, client, learner):
    from app.learn.services import progress_by_exercise

    claim_pass(client, JUNK)
    confirm_passes(app)
    with app.app_context():
        uid = db.session.scalar(sa.select(Attempt.user_id))
        assert progress_by_exercise(uid)["fixture-add"].solved is False
    claim_pass(client, RIGHT_ADDER)
    confirm_passes(app)
    with app.app_context():
        assert progress_by_exercise(uid)["fixture-add"].solved is True


def test_failed_checks_and_runs_are_not_queued(app, client, learner):
    client.post("/api/attempts", json=attempt())
    client.post("/api/attempts", json=attempt(kind="run", verdict=verdict(status="passed")))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(RecheckJob.id))) == 0
        assert set(db.session.scalars(sa.select(Attempt.verification))) == {None}


def test_a_retried_delivery_queues_one_job(app, client, learner):
    body = attempt(files=RIGHT_ADDER, verdict=verdict(status="passed", passed=2, total=2))
    assert client.post("/api/attempts", json=body).status_code == 201
    assert client.post("/api/attempts", json=body).status_code == 200
    assert confirm_passes(app) == 1


def test_the_queue_survives_a_restart(app_factory, tmp_path):
    from tests.conftest import AuthActions
    from tests.conftest import dispose
    from tests.conftest import make_app

    first = make_app(tmp_path / "one")
    client = first.test_client()
    AuthActions(client).signup()
    claim_pass(client, RIGHT_ADDER)
    dispose(first)  # the server stops before any worker ran

    again = make_app(tmp_path / "one")  # same database file, a new process's app
    try:
        assert confirm_passes(again) == 1
        assert stored(again) == (True, True, "verified")
    finally:
        dispose(again)


def test_a_job_whose_worker_died_is_taken_again_after_its_lease(app, client, learner):
    claim_pass(client, RIGHT_ADDER)
    with app.app_context():
        db.session.execute(
            sa.update(RecheckJob).values(
                state="running", claimed_by="a-worker-that-died", claimed_at=utcnow()
            )
        )
        db.session.commit()
        assert drain(cpython_grade, lease_s=300) == 0  # its claim still holds
        db.session.execute(
            sa.update(RecheckJob).values(claimed_at=utcnow() - timedelta(seconds=301))
        )
        db.session.commit()
        assert drain(cpython_grade, lease_s=300) == 1
    assert stored(app) == (True, True, "verified")


def test_a_sandbox_that_keeps_failing_leaves_the_pass_unchecked_never_counted(app, client, learner):
    claim_pass(client, RIGHT_ADDER)

    def broken_sandbox(job, time_limit_ms):
        raise RuntimeError("the Pyodide runner died while we waited for it to grade a job")

    with app.app_context():
        for _ in range(MAX_TRIES - 1):
            assert work_once(broken_sandbox)
            assert db.session.scalar(sa.select(RecheckJob.state)) == "queued"
        assert work_once(broken_sandbox)
        job = db.session.scalar(sa.select(RecheckJob))
        assert job.state == "failed" and "died" in job.error and job.tries == MAX_TRIES
    assert stored(app) == (True, False, "unchecked")
    assert client.get(REFERENCE).status_code == 403


def test_a_success_reflection_may_be_written_while_the_pass_is_being_checked(app, client, learner):
    claim_pass(client, RIGHT_ADDER)
    body = {"kind": "after_success", "exercise_id": "fixture-add", "what_worked": "reading"}
    assert client.post("/api/journal", json=body).status_code == 201


def test_given_up_rechecks_can_be_queued_again_from_the_cli(app, client, learner, runner):
    claim_pass(client, RIGHT_ADDER)

    def broken_sandbox(job, time_limit_ms):
        raise RuntimeError("node-sandbox: cannot make a network namespace")

    with app.app_context():
        while work_once(broken_sandbox):
            pass
    assert stored(app) == (True, False, "unchecked")
    assert "failed: 1" in runner.invoke(args=["recheck", "status"]).output
    assert "1 re-check(s) queued again" in runner.invoke(args=["recheck", "retry"]).output
    assert stored(app) == (True, False, "pending")
    assert confirm_passes(app) == 1
    assert stored(app) == (True, True, "verified")
