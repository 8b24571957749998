"""Accounts: sign up, log in, log out, roles, rate limits, CSRF."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import User
from tests.conftest import PASSWORD


def test_signup_creates_a_learner_with_a_hashed_password(app, auth):
    response = auth.signup()
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "learner@example.org"))
        assert user.role == "learner"
        assert PASSWORD not in user.password_hash
        assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_signup_refuses_a_taken_email_case_insensitively(auth):
    auth.signup()
    auth.logout()
    response = auth.signup(email="LEARNER@example.org")
    assert response.status_code == 409
    assert b"cannot be used for a new account" in response.data


def test_two_sign_ups_racing_for_one_email_make_one_account_and_a_clear_refusal(
    app, auth, monkeypatch
):
    import app.auth.services as services

    hash_password = services.generate_password_hash

    def the_other_request_commits_first(password):
        # Between this sign-up's check for the email and its commit, another one stores it.
        with db.engine.begin() as other:
            other.execute(sa.insert(User).values(
                email="learner@example.org", display_name="Other", role="learner",
                password_hash=hash_password("another horse battery staple"),
            ))
        return hash_password(password)

    monkeypatch.setattr(services, "generate_password_hash", the_other_request_commits_first)
    with app.app_context():
        response = auth.signup()
        assert response.status_code == 409  # not a 500
        assert b"cannot be used for a new account" in response.data
        emails = db.session.scalars(sa.select(User.email)).all()
    assert emails == ["learner@example.org"]


def test_signup_explains_a_short_password(client):
    response = client.post(
        "/auth/signup",
        data={
            "display_name": "A",
            "email": "a@example.org",
            "password": "short",
            "confirm": "short",
        },
    )
    assert response.status_code == 400
    assert b"at least 10 characters" in response.data


def test_login_with_wrong_password_fails_with_a_message(auth):
    auth.signup()
    auth.logout()
    response = auth.login(password="not the password")
    assert response.status_code == 400
    assert b"do not match" in response.data


def test_login_then_logout(client, auth):
    auth.signup()
    auth.logout()
    assert auth.login().status_code == 302
    assert client.get("/exercises/fixture-add").status_code == 200
    auth.logout()
    response = client.get("/exercises/fixture-add")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_login_redirect_ignores_offsite_next(client, auth):
    auth.signup()
    auth.logout()
    response = client.post(
        "/auth/login?next=https://evil.example/",
        data={"email": "learner@example.org", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/"


def test_login_is_rate_limited(app_factory):
    app = app_factory(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    codes = [
        client.post(
            "/auth/login", data={"email": "x@example.org", "password": "wrong-password"}
        ).status_code
        for _ in range(5)
    ]
    assert codes[:3] == [400, 400, 400]
    assert codes[3:] == [429, 429]
    assert (
        b"Too many tries"
        in client.post(
            "/auth/login", data={"email": "x@example.org", "password": "wrong-password"}
        ).data
    )


def test_forms_require_a_csrf_token(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post(
        "/auth/signup",
        data={
            "display_name": "A",
            "email": "a@example.org",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_cli_creates_the_first_instructor(app, runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "teach@example.org",
            "--role",
            "instructor",
            "--password",
            PASSWORD,
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "teach@example.org"))
        assert user.role == "instructor" and user.is_instructor


def test_cli_refuses_a_duplicate_user(runner):
    args = ["users", "create", "teach@example.org", "--password", PASSWORD]
    runner.invoke(args=args)
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert "cannot be used for a new account" in result.output
