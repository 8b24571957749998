"""The hint ladder on the server: hints open by effort (F3-F5) and never leak into the page."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import FrictionEvent
from app.models import HintEvent
from tests.conftest import RIGHT_ADDER
from tests.conftest import confirm_passes
from tests.integration.test_attempts import attempt
from tests.integration.test_attempts import verdict

URL = "/api/exercises/fixture-add/hints"
FIRST_HINT = "What does the + operator do?"


@pytest.fixture
def learner(auth):
    auth.signup()
    return auth


def fail(client, code):
    body = attempt(files={"adder.py": code}, verdict=verdict(status="failed", passed=1, total=2))
    assert client.post("/api/attempts", json=body).status_code == 201


def earn_first_hint(client):
    fail(client, "v1")
    fail(client, "v2")
    body = {"kind": "after_failure", "exercise_id": "fixture-add", "skipped": True}
    assert client.post("/api/journal", json=body).status_code == 201


def test_hints_are_not_in_the_page(client, learner):
    assert FIRST_HINT not in client.get("/exercises/fixture-add").get_data(as_text=True)


def test_the_first_hint_is_locked_until_effort_and_says_why(client, learner):
    state = client.get(URL).get_json()
    assert state["next_level"] == 1 and state["available"] is False
    assert "2 failed checks" in state["reason"]
    response = client.post(URL, json={"level": 1, "stuck_text": "no idea"})
    assert response.status_code == 403
    assert "failed checks" in response.get_json()["message"]


def test_after_two_genuine_failures_and_a_reflection_the_first_hint_opens(app, client, learner):
    earn_first_hint(client)
    response = client.post(URL, json={"level": 1, "stuck_text": "I return a - b"})
    assert response.status_code == 201
    revealed = response.get_json()["revealed"]
    assert revealed[0]["level"] == 1 and "operator" in revealed[0]["html"]
    with app.app_context():
        hint = db.session.scalar(sa.select(HintEvent))
        assert hint.stuck_text == "I return a - b" and not hint.bottom_out
        rules = db.session.scalars(
            sa.select(FrictionEvent.rule).where(FrictionEvent.action == "completed")
        )
        assert "F3" in list(rules)


def test_asking_needs_a_line_about_what_was_tried(client, learner):
    earn_first_hint(client)
    assert client.post(URL, json={"level": 1, "stuck_text": "  "}).status_code == 400


def test_the_next_level_needs_a_new_genuine_check_and_a_wait(client, learner):
    earn_first_hint(client)
    client.post(URL, json={"level": 1, "stuck_text": "stuck"})
    state = client.get(URL).get_json()
    assert state["next_level"] == 2 and not state["available"]
    assert "changed code" in state["reason"]
    fail(client, "v3")
    state = client.get(URL).get_json()
    assert not state["available"] and 0 < state["wait_seconds"] <= 60
    assert client.post(URL, json={"level": 2, "stuck_text": "still"}).status_code == 403


def test_levels_cannot_be_skipped(client, learner):
    earn_first_hint(client)
    response = client.post(URL, json={"level": 2, "stuck_text": "skip ahead"})
    assert response.status_code == 400
    assert "next one is hint 1" in response.get_json()["message"]


def test_after_a_pass_every_level_opens_and_the_last_one_marks_the_solve_assisted(
    app, client, learner
):
    body = attempt(files=RIGHT_ADDER, verdict=verdict(status="passed", passed=2, total=2))
    client.post("/api/attempts", json=body)
    assert confirm_passes(app) == 1
    assert client.post(URL, json={"level": 1, "stuck_text": "curious"}).status_code == 201
    last = client.post(URL, json={"level": 2, "stuck_text": "curious"}).get_json()
    assert last["revealed"][-1]["bottom_out"] is True and last["next_level"] is None
    assert client.get("/api/exercises/fixture-add/reference").get_json()["assisted"] is True
