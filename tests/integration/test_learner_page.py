"""What the learner's pages show about their work: solved state, counts that agree, form
markup screen readers can trust, the bottom-out explanation stored, and site-wide friction."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import RIGHT_ADDER
from tests.conftest import confirm_passes
from tests.integration.test_attempts import attempt
from tests.integration.test_attempts import verdict
from tests.integration.test_friction_api import friction

EXERCISE = "/exercises/fixture-add"


@pytest.fixture
def learner(auth):
    auth.signup()
    return auth


def check(client, passed: bool, code: str = "v") -> None:
    """Post a check; a claimed pass sends code that really passes (the server re-checks it)."""
    status = "passed" if passed else "failed"
    body = attempt(
        files=dict(RIGHT_ADDER) if passed else {"adder.py": code},
        verdict=verdict(status=status, passed=2 if passed else 1, total=2),
    )
    assert client.post("/api/attempts", json=body).status_code == 201


def page_data(html: str) -> dict:
    raw = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', html, re.S)
    return json.loads(raw.group(1))


def test_form_fields_never_carry_none_attributes(client):
    html = client.get("/auth/signup").get_data(as_text=True)
    assert '="None"' not in html
    response = client.post(
        "/auth/signup",
        data={"display_name": "Ada", "email": "a@example.org", "password": "x", "confirm": "x"},
    )
    html = response.get_data(as_text=True)
    assert '="None"' not in html
    assert 'aria-invalid="true"' in html  # the short password is marked, and only it
    assert html.count('aria-invalid="true"') == 1
    assert 'aria-describedby="password-errors"' in html


def test_track_page_and_journal_count_checks_the_same_way(app, client, learner):
    check(client, False, "v1")
    check(client, False, "v2")
    check(client, True, "v3")
    check(client, True, "v4")  # a later pass still counts as a check, not as more to solve
    track = client.get("/tracks/basics").get_data(as_text=True)
    journal = client.get("/journal").get_data(as_text=True)
    for html in (track, journal):  # a claimed pass is not "solved" until the server agrees
        assert "Solved in" not in html
        assert "4 checks in all" in html
    assert confirm_passes(app) == 2
    track = client.get("/tracks/basics").get_data(as_text=True)
    journal = client.get("/journal").get_data(as_text=True)
    for html in (track, journal):
        assert "Solved in 3 checks" in html
        assert "4 checks in all" in html


def test_the_exercise_page_shows_the_solved_state_and_where_to_go_next(app, client, learner):
    html = client.get(EXERCISE).get_data(as_text=True)
    assert re.search(r'id="solved-state" class="solved-state" hidden', html)
    assert page_data(html)["solved"] is False
    check(client, False, "v1")
    check(client, True, "v2")
    confirm_passes(app)
    html = client.get(EXERCISE).get_data(as_text=True)
    assert not re.search(r'id="solved-state"[^>]*hidden', html)
    assert "in 2 checks." in html
    assert not re.search(r'id="reference-box"[^>]*hidden', html)  # the reference stays reachable
    data = page_data(html)
    assert data["solved"] is True
    # The fixture track has one exercise: "next" leads back to the track.
    assert data["next"] == {"url": "/tracks/basics", "title": None}
    assert 'id="next-link" href="/tracks/basics"' in html


def test_the_bottom_out_explanation_is_stored_and_shown_in_the_journal(client, learner):
    body = {
        "exercise_id": "fixture-add",
        "rule": "F5",
        "action": "explained",
        "details": {"explanation": "The + operator adds; I had used minus."},
    }
    response = client.post("/api/friction-events", json=body)
    assert response.status_code == 201, response.get_json()
    html = client.get("/journal").get_data(as_text=True)
    assert "Explained the bottom-out hint in one line" in html
    assert "The + operator adds; I had used minus." in html


def test_site_wide_friction_settings_apply_under_the_exercise(app_factory):
    app = app_factory(FRICTION_OVERRIDES={"cooldown_s": 3})
    client = app.test_client()
    client.post(
        "/auth/signup",
        data={
            "display_name": "Ada",
            "email": "ada@example.org",
            "password": "correct horse battery",
            "confirm": "correct horse battery",
        },
    )
    check(client, False, "same")
    decision = friction(client, {"adder.py": "same"})  # unchanged code: F2 holds the check
    assert 0 < decision["wait_seconds"] <= 3


def test_site_wide_friction_settings_are_checked_at_start(app_factory):
    with pytest.raises(SystemExit, match="FRICTION_OVERRIDES: unknown friction setting"):
        app_factory(FRICTION_OVERRIDES={"cooldown": 3})
