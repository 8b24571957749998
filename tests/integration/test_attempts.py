"""The attempts API: validation, idempotency, authorisation, and the attempts list."""

from __future__ import annotations

import uuid
from datetime import UTC
from datetime import datetime

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Attempt


def verdict(status="failed", passed=1, total=2, first="add(2, 3) gives 5"):
    """A verdict shaped like the browser grader's."""
    tests = [{"name": f"test_{i}", "outcome": "passed", "message": ""} for i in range(passed)]
    tests += [
        {
            "name": "test_adds_small_numbers",
            "outcome": "failed",
            "description": first,
            "message": "add(2, 3) should be 5\nassert -1 == 5",
        }
        for _ in range(total - passed)
    ]
    return {
        "status": status,
        "kind": "check",
        "tests": tests,
        "error": None,
        "stdout": "",
        "stdout_truncated": False,
        "duration_ms": 12.0,
    }


def attempt(**overrides):
    """A well-formed attempt body."""
    body = {
        "id": str(uuid.uuid4()),
        "exercise_id": "fixture-add",
        "exercise_version": "abc123",
        "kind": "check",
        "files": {"adder.py": "def add(a, b):\n    return a - b\n"},
        "verdict": verdict(),
        "duration_ms": 250,
        "client_time": datetime.now(UTC).isoformat(),
    }
    body.update(overrides)
    return body


@pytest.fixture
def learner(auth):
    """A signed-in learner."""
    auth.signup()
    return auth


def count_attempts(app):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Attempt.id)))


def test_a_check_is_stored_with_its_code_and_verdict(app, client, learner):
    body = attempt()
    response = client.post("/api/attempts", json=body)
    assert response.status_code == 201
    summary = response.get_json()["attempt"]
    assert summary["tests_passed"] == 1 and summary["tests_total"] == 2
    assert summary["first_failure"] == "add(2, 3) gives 5"
    with app.app_context():
        stored = db.session.scalar(sa.select(Attempt))
        assert stored.files == body["files"]
        assert stored.exercise_version == "abc123"
        assert stored.status == "failed" and not stored.passed
        assert stored.created_at.tzinfo is not None
        assert len(stored.code_hash) == 64


def test_a_repeated_id_is_the_same_attempt(app, client, learner):
    body = attempt()
    first = client.post("/api/attempts", json=body)
    second = client.post("/api/attempts", json=body)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.get_json()["created"] is False
    assert count_attempts(app) == 1


def test_a_passing_check_is_marked_passed(app, client, learner):
    body = attempt(verdict=verdict(status="passed", passed=2, total=2))
    assert client.post("/api/attempts", json=body).status_code == 201
    with app.app_context():
        assert db.session.scalar(sa.select(Attempt.passed)) is True


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"kind": "submit"}, "kind"),
        ({"id": "not-a-uuid"}, "id"),
        ({"files": {}}, "files"),
        ({"files": {"../../etc/passwd": "x"}}, "files"),
        ({"client_time": "2026-01-01T10:00:00"}, "client_time"),
        ({"verdict": {"status": "great"}}, "verdict.status"),
        ({"extra": 1}, "extra"),
    ],
)
def test_malformed_attempts_get_400_saying_what_is_wrong(app, client, learner, change, expected):
    response = client.post("/api/attempts", json=attempt(**change))
    assert response.status_code == 400
    assert expected in response.get_json()["message"]
    assert count_attempts(app) == 0


def test_non_json_body_gets_400(client, learner):
    response = client.post("/api/attempts", data="hello", content_type="text/plain")
    assert response.status_code == 400
    assert "JSON" in response.get_json()["message"]


def test_files_that_are_not_the_exercise_files_are_refused(app, client, learner):
    response = client.post("/api/attempts", json=attempt(files={"other.py": "x = 1"}))
    assert response.status_code == 400
    assert "adder.py" in response.get_json()["message"]


def test_oversized_request_gets_413_with_a_message(app, client, learner):
    huge = attempt(files={"adder.py": "x" * (600 * 1024)})
    response = client.post("/api/attempts", json=huge)
    assert response.status_code == 413
    assert "limit" in response.get_json()["message"]
    assert count_attempts(app) == 0


def test_one_oversized_file_gets_400(app, client, learner):
    response = client.post("/api/attempts", json=attempt(files={"adder.py": "x" * (150 * 1024)}))
    assert response.status_code == 400
    assert "KB" in response.get_json()["message"]


def test_unknown_exercise_gets_404(client, learner):
    response = client.post("/api/attempts", json=attempt(exercise_id="no-such-thing"))
    assert response.status_code == 404


def test_signed_out_api_calls_get_401_json(client):
    response = client.post("/api/attempts", json=attempt())
    assert response.status_code == 401
    assert response.get_json()["error"] == "Unauthorized"


def test_a_learner_cannot_read_another_learners_attempt(client, auth):
    auth.signup(email="one@example.org")
    body = attempt()
    client.post("/api/attempts", json=body)
    assert client.get(f"/api/attempts/{body['id']}").status_code == 200
    auth.logout()
    auth.signup(email="two@example.org")
    assert client.get(f"/api/attempts/{body['id']}").status_code == 404
    assert client.get("/api/exercises/fixture-add/attempts").get_json()["attempts"] == []
    # Reusing someone else's id does not overwrite or reveal their attempt.
    assert client.post("/api/attempts", json=body).status_code == 409


def test_reopen_returns_the_attempts_code(client, learner):
    body = attempt()
    client.post("/api/attempts", json=body)
    data = client.get(f"/api/attempts/{body['id']}").get_json()
    assert data["files"] == body["files"]


def test_exercise_page_lists_my_attempts_and_hides_the_solution(client, learner):
    client.post("/api/attempts", json=attempt())
    page = client.get("/exercises/fixture-add")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "My attempts" in html
    assert "add(2, 3) gives 5" in html  # first failing test of the stored attempt
    assert "1/2" in html
    assert "return a + b\\n" not in html and "return a + b\n" not in html  # the reference solution


def test_attempt_list_api_is_newest_first(client, learner):
    ids = []
    for _ in range(3):
        body = attempt()
        ids.append(body["id"])
        client.post("/api/attempts", json=body)
    listed = [
        a["id"] for a in client.get("/api/exercises/fixture-add/attempts").get_json()["attempts"]
    ]
    assert listed == ids[::-1]
