"""The edge: login and sign-up limits, weak passwords, per-account quotas, and JSON bodies that
are too deep or not valid Unicode, each refused with a clear message instead of a 500."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import flask_limiter
import limits
import pytest
import sqlalchemy as sa

from app import rate_limits
from app.extensions import db
from app.extensions import limiter
from app.models import Attempt
from app.models import User
from tests.conftest import FIXTURE_EXERCISES
from tests.conftest import PASSWORD
from tests.conftest import AuthActions
from tests.integration.test_attempts import attempt


def post_login(client, email, password, address="10.0.0.1"):
    return client.post(
        "/auth/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def signup_form(email, password=PASSWORD):
    return {"display_name": "A", "email": email, "password": password, "confirm": password}


def test_failed_logins_are_limited_per_account_from_any_address(app_factory):
    app = app_factory(RATELIMIT_ENABLED=True, LOGIN_ACCOUNT_RATE_LIMIT="3 per minute")
    AuthActions(app.test_client()).signup(email="ada@example.org")
    client = app.test_client()  # a browser Ada never signed in from
    codes = [
        post_login(client, "ada@example.org", "wrong guess number", f"10.0.0.{n}").status_code
        for n in range(5)
    ]
    assert codes == [400, 400, 400, 429, 429]
    # Another account from the same addresses is not affected.
    assert post_login(client, "bob@example.org", "wrong guess", "10.0.0.1").status_code == 400


def test_an_attacker_cannot_lock_a_learner_out_of_her_own_browser(app_factory):
    app = app_factory(RATELIMIT_ENABLED=True, LOGIN_ACCOUNT_RATE_LIMIT="3 per minute")
    own = app.test_client()  # the learner's laptop: she signed up (and in) here before
    AuthActions(own).signup(email="ada@example.org")
    own.post("/auth/logout")
    attacker = app.test_client()
    codes = [
        post_login(attacker, "ada@example.org", "wrong guess number", f"10.0.0.{n}").status_code
        for n in range(5)
    ]
    assert codes == [400, 400, 400, 429, 429]
    # The account is limited for every browser without her device cookie...
    assert post_login(app.test_client(), "ada@example.org", PASSWORD).status_code == 429
    # ...but not on her own, even after a typo of her own.
    assert post_login(own, "ada@example.org", "a typo of hers").status_code == 400
    assert post_login(own, "ada@example.org", PASSWORD).status_code == 302


def test_a_device_cookie_only_vouches_for_its_own_account_and_only_when_genuine(app_factory):
    app = app_factory(RATELIMIT_ENABLED=True, LOGIN_ACCOUNT_RATE_LIMIT="3 per minute")
    client = app.test_client()
    AuthActions(client).signup(email="ada@example.org")
    client.post("/auth/logout")
    attacker = app.test_client()
    AuthActions(attacker).signup(email="mallory@example.org")  # a device cookie of her own
    attacker.post("/auth/logout")
    cookie = attacker.get_cookie("friction_device", path="/auth/login")
    assert cookie is not None and "mallory" not in cookie.value  # signed, not readable
    codes = [post_login(attacker, "ada@example.org", f"guess {n}").status_code for n in range(4)]
    assert codes == [400, 400, 400, 429]
    forged = app.test_client()
    forged.set_cookie("friction_device", cookie.value[:-4] + "AAAA", path="/auth/login")
    assert post_login(forged, "ada@example.org", PASSWORD).status_code == 429


def test_a_trusted_browser_is_still_limited_on_its_own(app_factory):
    app = app_factory(RATELIMIT_ENABLED=True, LOGIN_DEVICE_RATE_LIMIT="3 per minute")
    client = app.test_client()
    AuthActions(client).signup(email="ada@example.org")
    client.post("/auth/logout")
    codes = [post_login(client, "ada@example.org", f"guess {n}").status_code for n in range(4)]
    assert codes == [400, 400, 400, 429]


def test_a_limited_login_says_when_to_try_again(app_factory):
    app = app_factory(RATELIMIT_ENABLED=True, LOGIN_ACCOUNT_RATE_LIMIT="1 per 15 minutes")
    client = app.test_client()
    post_login(client, "ada@example.org", "wrong guess number")
    response = post_login(client, "ada@example.org", "wrong guess number")
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60


def test_successful_logins_do_not_use_up_the_address_limit(app_factory):
    app = app_factory(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    for n in range(5):  # a classroom behind one NAT address, each learner signing in
        email = f"learner{n}@example.org"
        client.post(
            "/auth/signup", data=signup_form(email), environ_base={"REMOTE_ADDR": "10.9.9.9"}
        )
        client.post("/auth/logout")
        assert post_login(client, email, PASSWORD, "10.9.9.9").status_code == 302
        client.post("/auth/logout")


def limiter_calls(send) -> list[str]:
    """Run `send()` and return each function of Flask-Limiter, `limits` or the counter storage
    that it called (what a request pays for rate limiting)."""
    packages = tuple(
        str(Path(module.__file__).parent) for module in (flask_limiter, limits)
    ) + (rate_limits.__file__,)
    called = []

    def watch(frame, event, arg):
        if event == "call" and frame.f_code.co_filename.startswith(packages):
            called.append(frame.f_code.co_qualname)

    sys.setprofile(watch)
    try:
        send()
    finally:
        sys.setprofile(None)
    return called


def test_routes_without_limits_pay_nothing_for_the_rate_limiter(app_factory):
    app = app_factory(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute")
    client = app.test_client()
    AuthActions(client).signup()
    attempt_body = attempt()
    assert limiter_calls(lambda: client.post("/api/attempts", json=attempt_body)) == []
    assert limiter_calls(lambda: client.get("/")) == []
    # The limited routes still go through it, and are still limited (failures only count).
    other = app.test_client()
    assert limiter_calls(lambda: post_login(other, "learner@example.org", "wrong guess number"))
    codes = [
        post_login(other, "learner@example.org", "wrong guess number").status_code
        for _ in range(2)
    ]
    assert codes == [400, 429]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 1


def test_a_default_limit_set_by_the_admin_still_applies_to_every_route(app_factory):
    # RATELIMIT_DEFAULT (Flask-Limiter's own setting) limits every route: its hooks stay app-wide.
    try:
        app = app_factory(RATELIMIT_ENABLED=True, RATELIMIT_DEFAULT="2 per minute")
        client = app.test_client()
        assert [client.get("/healthz").status_code for _ in range(3)] == [200, 200, 429]
    finally:
        # The limiter is one object for every app of the process: later tests' apps have none.
        limiter.limit_manager.set_default_limits([])


def test_sign_ups_are_limited_per_address(app_factory):
    app = app_factory(RATELIMIT_ENABLED=True, SIGNUP_RATE_LIMIT="3 per hour")
    client = app.test_client()
    codes = []
    for n in range(4):
        codes.append(client.post("/auth/signup", data=signup_form(f"s{n}@example.org")).status_code)
        client.post("/auth/logout")
    assert codes == [302, 302, 302, 429]


def test_probing_for_taken_emails_is_limited_and_not_confirmed_in_words(app_factory):
    app = app_factory(RATELIMIT_ENABLED=True, SIGNUP_TAKEN_RATE_LIMIT="2 per hour")
    client = app.test_client()
    for n in range(3):
        AuthActions(client).signup(email=f"taken{n}@example.org")
        client.post("/auth/logout")
    codes, pages = [], []
    for n in range(3):
        response = client.post("/auth/signup", data=signup_form(f"taken{n}@example.org"))
        codes.append(response.status_code)
        pages.append(response.get_data(as_text=True))
    assert codes == [409, 409, 429]
    assert "already exists" not in pages[0] and "cannot be used" in pages[0]


@pytest.mark.parametrize("weak", ["1234567890", "qwertyuiop", "password123!", "ada@example.org"])
def test_common_breached_or_guessable_passwords_are_refused(app, client, weak):
    response = client.post("/auth/signup", data=signup_form("ada@example.org", weak))
    assert response.status_code == 400
    assert "unrelated words" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_the_cli_refuses_a_weak_password_too(runner):
    result = runner.invoke(args=["users", "create", "t@example.org", "--password", "1234567890"])
    assert result.exit_code != 0 and "common password" in result.output


@pytest.fixture
def learner(auth):
    auth.signup()
    return auth


JSON_ENDPOINTS = [
    "/api/attempts",
    "/api/journal",
    "/api/friction-events",
    "/api/exercises/fixture-add/friction",
    "/api/exercises/fixture-add/hints",
]


@pytest.mark.parametrize("url", JSON_ENDPOINTS)
def test_deeply_nested_json_is_refused_with_a_message(client, learner, url):
    response = client.post(url, data="[" * 10_000, content_type="application/json")
    assert response.status_code == 400
    assert "nested more than" in response.get_json()["message"]


@pytest.mark.parametrize("url", JSON_ENDPOINTS)
def test_a_lone_surrogate_is_refused_at_the_edge(client, learner, url):
    body = json.dumps(attempt(files={"adder.py": "x = '\ud800'"}), ensure_ascii=True)
    assert "\\ud800" in body
    response = client.post(url, data=body, content_type="application/json")
    assert response.status_code == 400
    assert "not valid Unicode" in response.get_json()["message"]


def test_invalid_utf8_is_refused(client, learner):
    response = client.post("/api/journal", data=b'{"kind": "free", "text": "\xff"}',
                           content_type="application/json")
    assert response.status_code == 400 and "UTF-8" in response.get_json()["message"]


def test_a_surrogate_in_friction_details_cannot_poison_the_export(client, learner):
    body = ('{"exercise_id": "fixture-add", "rule": "F6", "action": "break_taken", '
            '"details": {"note": "\\udfff"}}')
    assert client.post("/api/friction-events", data=body,
                       content_type="application/json").status_code == 400
    assert client.get("/journal/export.json").status_code == 200
    assert client.get("/journal/export.csv").status_code == 200


def test_writes_are_limited_per_account(app_factory):
    app = app_factory(RATELIMIT_ENABLED=True, ACCOUNT_WRITE_LIMIT="3 per hour")
    client = app.test_client()
    AuthActions(client).signup()
    codes = [client.post("/api/attempts", json=attempt()).status_code for _ in range(4)]
    assert codes == [201, 201, 201, 429]
    other = app.test_client()
    AuthActions(other).signup(email="bob@example.org")
    assert other.post("/api/attempts", json=attempt()).status_code == 201


def test_bytes_written_are_limited_per_account_per_day(app_factory):
    app = app_factory(RATELIMIT_ENABLED=True, ACCOUNT_BYTES_PER_DAY=20_000)
    client = app.test_client()
    AuthActions(client).signup()
    big = attempt(files={"adder.py": "# " + "x" * 8_000})
    codes = [client.post("/api/attempts", json={**big, "id": attempt()["id"]}).status_code
             for _ in range(3)]
    assert codes == [201, 201, 429]


def test_only_the_first_prediction_on_an_exercise_is_scored(app_factory, tmp_path):
    root = tmp_path / "ex"
    shutil.copytree(FIXTURE_EXERCISES, root)
    toml = root / "basics" / "010-add" / "exercise.toml"
    toml.write_text(toml.read_text() + '\n[predict]\nquestion = "add(2, 3)?"\nanswer = "5"\n')
    app = app_factory(EXERCISES_DIR=root)
    client = app.test_client()
    AuthActions(client).signup()

    def plan(prediction):
        body = {"kind": "plan", "exercise_id": "fixture-add", "goal": "add",
                "prediction": prediction}
        return client.post("/api/journal", json=body).get_json()["prediction_correct"]

    assert plan("6") is False
    assert plan("5") is None  # a second guess is kept, never scored: the answer stays unknown
    assert plan("4") is None
