"""A check the runner aborted (its interpreter crashed, the code never started) is stored, but the
friction rules, the journal and the progress counts never count it: it was not the learner's."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.journal.insights import build_journal
from app.learn.services import progress_by_exercise
from app.models import Attempt
from app.models import User
from tests.integration.test_attempts import attempt
from tests.integration.test_attempts import verdict


def aborted_verdict() -> dict:
    """What the page sends when Python stopped for a reason that is not the learner's."""
    return {
        **verdict(status="aborted", passed=0, total=0),
        "error": {
            "type": "RunnerStopped",
            "message": "Python crashed (memory access out of bounds). This does not count.",
        },
    }


@pytest.fixture
def learner(auth):
    auth.signup()
    return auth


def post(client, files, body_verdict):
    response = client.post("/api/attempts", json=attempt(files=files, verdict=body_verdict))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["attempt"]


def before_check(client, files):
    body = {"files": files, "moment": "before_check"}
    response = client.post("/api/exercises/fixture-add/friction", json=body)
    assert response.status_code == 200
    return response.get_json()


def learner_id(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(User.id))


def test_an_aborted_check_is_stored_with_its_status(app, client, learner):
    stored = post(client, {"adder.py": "v1"}, aborted_verdict())
    assert stored["status"] == "aborted"
    with app.app_context():
        row = db.session.scalar(sa.select(Attempt))
        assert (row.status, row.passed, row.gate) == ("aborted", False, None)


def test_aborted_checks_never_call_for_a_reflection(client, learner):
    for n in range(4):
        post(client, {"adder.py": f"v{n}"}, aborted_verdict())
    decision = before_check(client, {"adder.py": "v9"})
    assert decision["reflect"] is False
    assert decision["wait_seconds"] == 0
    # One real failure after them is the first failure, not the fifth.
    post(client, {"adder.py": "v10"}, verdict(status="failed"))
    assert before_check(client, {"adder.py": "v11"})["reflect"] is False
    post(client, {"adder.py": "v11"}, verdict(status="failed"))
    assert before_check(client, {"adder.py": "v12"})["reflect"] is True


def test_the_journal_and_the_track_counts_ignore_aborted_checks(app, client, learner):
    for n in range(3):
        post(client, {"adder.py": f"a{n}"}, aborted_verdict())
    post(client, {"adder.py": "v1"}, verdict(status="failed", first="add(2, 3) gives 5"))
    uid = learner_id(app)
    with app.app_context():
        assert progress_by_exercise(uid)["fixture-add"].checks == 1
        page = build_journal(uid, None)
        assert page.summary.checks == 1
        assert page.summary.stuck is not None
        assert page.summary.stuck.count == 1
        assert "RunnerStopped" not in page.summary.stuck.signature
