"""Friction on the server: gates decided and enforced, every firing and response stored."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Attempt
from app.models import FrictionEvent
from app.models import JournalEntry
from tests.conftest import RIGHT_ADDER
from tests.conftest import confirm_passes
from tests.integration.test_attempts import attempt
from tests.integration.test_attempts import verdict

WRONG = {"adder.py": "def add(a, b):\n    return a - b\n"}


@pytest.fixture
def learner(auth):
    auth.signup()
    return auth


def fail(client, files=WRONG):
    body = attempt(files=files, verdict=verdict(status="failed", passed=1, total=2))
    response = client.post("/api/attempts", json=body)
    assert response.status_code == 201
    return response.get_json()["attempt"]


def friction(client, files=None):
    body = {"files": files or {}, "moment": "before_check"}
    response = client.post("/api/exercises/fixture-add/friction", json=body)
    assert response.status_code == 200
    return response.get_json()


def reflect(client, **fields):
    body = {"kind": "after_failure", "exercise_id": "fixture-add", **fields}
    return client.post("/api/journal", json=body)


def test_a_fresh_exercise_asks_for_a_plan(client, learner):
    assert friction(client)["plan"] is True
    client.post(
        "/api/journal", json={"kind": "plan", "exercise_id": "fixture-add", "skipped": True}
    )
    assert friction(client)["plan"] is False


def test_two_failures_ask_for_a_reflection_and_a_gated_check_is_stored_flagged(
    app, client, learner
):
    fail(client, {"adder.py": "v1"})
    assert friction(client, {"adder.py": "v2"})["reflect"] is False
    fail(client, {"adder.py": "v2"})
    assert friction(client, {"adder.py": "v3"})["reflect"] is True
    gated = fail(client, {"adder.py": "v3"})  # the page was bypassed: stored anyway, flagged
    assert gated["gate"] == "F1"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Attempt.id))) == 3
        flagged = db.session.scalars(
            sa.select(FrictionEvent).where(FrictionEvent.action == "flagged")
        ).all()
        assert [e.rule for e in flagged] == ["F1"]


def test_a_reflection_lifts_the_gate(client, learner):
    fail(client, {"adder.py": "v1"})
    fail(client, {"adder.py": "v2"})
    response = reflect(client, error_in_own_words="add subtracts", cause_guess="wrong operator")
    assert response.status_code == 201
    assert friction(client, {"adder.py": "v3"})["reflect"] is False
    assert fail(client, {"adder.py": "v3"})["gate"] is None


def test_a_skipped_reflection_is_recorded_and_lifts_the_gate(app, client, learner):
    fail(client, {"adder.py": "v1"})
    fail(client, {"adder.py": "v2"})
    assert friction(client, {"adder.py": "v3"})["reflect"] is True  # the card is shown
    assert reflect(client, skipped=True).status_code == 201
    assert friction(client, {"adder.py": "v3"})["reflect"] is False
    with app.app_context():
        entry = db.session.scalar(sa.select(JournalEntry))
        assert entry.skipped and entry.kind == "after_failure"
        actions = db.session.scalars(
            sa.select(FrictionEvent.action).where(FrictionEvent.rule == "F1")
        ).all()
        assert "skipped" in actions and "shown" in actions


def test_unchanged_code_after_a_failure_waits(client, learner):
    fail(client, WRONG)
    decision = friction(client, WRONG)
    assert decision["wait_reason"] == "unchanged"
    assert 0 < decision["wait_seconds"] <= 20
    assert fail(client, WRONG)["gate"] == "F2"
    assert friction(client, {"adder.py": "something else"})["wait_seconds"] == 0


def test_reflection_needs_its_two_fields_or_a_skip(client, learner):
    response = reflect(client, error_in_own_words="only one")
    assert response.status_code == 400
    assert "cause guess" in response.get_json()["message"]


def test_reflection_length_is_limited_with_a_clear_message(client, learner):
    response = reflect(client, error_in_own_words="x" * 501, cause_guess="y")
    assert response.status_code == 400
    assert "at most 500 characters" in response.get_json()["message"]


def test_script_in_a_reflection_is_stored_as_text(app, client, learner):
    text = "<script>alert(1)</script>"
    assert reflect(client, error_in_own_words=text, cause_guess="x").status_code == 201
    with app.app_context():
        assert db.session.scalar(sa.select(JournalEntry.error_in_own_words)) == text


def test_plan_prediction_is_checked_automatically(app_factory, tmp_path):
    import shutil

    from tests.conftest import FIXTURE_EXERCISES

    root = tmp_path / "ex"
    shutil.copytree(FIXTURE_EXERCISES, root)
    toml = root / "basics" / "010-add" / "exercise.toml"
    toml.write_text(
        toml.read_text() + '\n[predict]\nquestion = "What is add(2, 3)?"\nanswer = "5"\n'
    )
    app = app_factory(EXERCISES_DIR=root)
    client = app.test_client()
    client.post(
        "/auth/signup",
        data={
            "display_name": "A",
            "email": "p@example.org",
            "password": "correct horse battery",
            "confirm": "correct horse battery",
        },
    )
    assert client.post("/api/exercises/fixture-add/friction", json={}).get_json()["predict"][
        "question"
    ]
    body = {
        "kind": "plan",
        "exercise_id": "fixture-add",
        "goal": "add two numbers",
        "prediction": " 5 ",
    }
    assert client.post("/api/journal", json=body).get_json()["prediction_correct"] is True


def test_reference_opens_only_after_a_pass(app, client, learner):
    assert client.get("/api/exercises/fixture-add/reference").status_code == 403
    fail(client)
    body = attempt(files=RIGHT_ADDER, verdict=verdict(status="passed", passed=2, total=2))
    client.post("/api/attempts", json=body)
    assert confirm_passes(app) == 1
    data = client.get("/api/exercises/fixture-add/reference").get_json()
    assert "return a + b" in data["files"]["adder.py"]
    assert data["actual_tries"] == 2


def test_success_reflection_needs_a_pass(client, learner):
    body = {"kind": "after_success", "exercise_id": "fixture-add", "what_worked": "luck"}
    assert client.post("/api/journal", json=body).status_code == 403


def test_break_choice_is_recorded(app, client, learner):
    body = {
        "exercise_id": "fixture-add",
        "rule": "F6",
        "action": "break_taken",
        "details": {"minutes": 5},
    }
    assert client.post("/api/friction-events", json=body).status_code == 201
    with app.app_context():
        event = db.session.scalar(sa.select(FrictionEvent).where(FrictionEvent.rule == "F6"))
        assert event.action == "break_taken" and event.details == {"minutes": 5}


def test_a_learner_cannot_attach_an_entry_to_another_learners_attempt(client, auth):
    auth.signup(email="one@example.org")
    theirs = attempt()
    client.post("/api/attempts", json=theirs)
    auth.logout()
    auth.signup(email="two@example.org")
    response = reflect(client, attempt_id=theirs["id"], error_in_own_words="x", cause_guess="y")
    assert response.status_code == 404


def test_checks_share_a_study_session_until_a_long_pause(app, client, learner):
    fail(client, {"adder.py": "v1"})
    fail(client, {"adder.py": "v2"})
    with app.app_context():
        sessions = db.session.scalars(sa.select(Attempt.session_id)).all()
        assert len(set(sessions)) == 1 and sessions[0] is not None


def test_malformed_friction_event_is_refused(client, learner):
    response = client.post(
        "/api/friction-events", json={"exercise_id": "fixture-add", "rule": "F99", "action": "x"}
    )
    assert response.status_code == 400


def test_a_break_offer_is_not_used_up_by_the_check_before_it(client, learner):
    for i in range(5):  # the same failure five times: RED = 3.2
        fail(client, {"adder.py": f"v{i}"})
    before = client.post(
        "/api/exercises/fixture-add/friction",
        json={"files": {"adder.py": "v9"}, "moment": "before_check"},
    ).get_json()
    assert before["offer_break"] is True  # due, but the page shows it only after a check
    after = client.post("/api/exercises/fixture-add/friction", json={"moment": "after_check"})
    assert after.get_json()["offer_break"] is True
    again = client.post("/api/exercises/fixture-add/friction", json={"moment": "after_check"})
    assert again.get_json()["offer_break"] is False  # offered once per session
