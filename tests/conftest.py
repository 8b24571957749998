"""Shared fixtures: an app on a migrated SQLite file, clients, and account helpers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("SECRET_KEY", "tests-only-secret")

from app import create_app  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_EXERCISES = ROOT / "tests" / "fixtures" / "exercises"
PASSWORD = "correct horse battery"
# The fixture exercise's answer, as a learner would send it in a passing check.
RIGHT_ADDER = {"adder.py": "def add(a, b):\n    return a + b\n"}


def make_app(tmp_path: Path, **overrides):
    """An app on a fresh database created by the real migrations."""
    from flask_migrate import upgrade

    tmp_path.mkdir(parents=True, exist_ok=True)
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": os.environ.get("TEST_DATABASE_URL")
        or f"sqlite:///{tmp_path / 'test.db'}",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "EXERCISES_DIR": FIXTURE_EXERCISES,
        # Claimed passes queue up; a test confirms them with confirm_passes() (or the sandbox).
        "RECHECK_MODE": "off",
        "RECHECK_WAIT_S": 0,
        **overrides,
    }
    app = create_app(config)
    with app.app_context():
        upgrade()
    return app


def confirm_passes(app) -> int:
    """Work the re-check queue as the server's worker does, with the real grader on CPython
    (the code graded here is the tests' own fixture code; learner code only ever goes to the
    sandbox, see tests/pyodide/test_recheck_sandbox.py). Returns how many jobs were worked."""
    from app.grading.local import grade
    from app.recheck.worker import drain

    with app.app_context():
        return drain(grade)


def dispose(app) -> None:
    """Close the app's database connections (an unclosed SQLite file is a ResourceWarning)."""
    from app.extensions import db

    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


@pytest.fixture
def app_factory(tmp_path):
    """Make apps with config overrides; their connections are closed after the test."""
    made = []

    def factory(**overrides):
        app = make_app(tmp_path / f"app{len(made)}", **overrides)
        made.append(app)
        return app

    yield factory
    for app in made:
        dispose(app)


@pytest.fixture
def app(app_factory):
    """The app with the fixture catalog, CSRF and rate limits off."""
    return app_factory()


@pytest.fixture
def client(app):
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner."""
    return app.test_cli_runner()


class AuthActions:
    """Sign up and log in through the real forms."""

    def __init__(self, client):
        self.client = client

    def signup(self, email="learner@example.org", password=PASSWORD, name="Ada"):
        """Create an account through the sign-up form (it signs in too)."""
        return self.client.post(
            "/auth/signup",
            data={"display_name": name, "email": email, "password": password, "confirm": password},
        )

    def login(self, email="learner@example.org", password=PASSWORD):
        """Sign in through the login form."""
        return self.client.post("/auth/login", data={"email": email, "password": password})

    def logout(self):
        """Sign out."""
        return self.client.post("/auth/logout")


@pytest.fixture
def auth(client):
    """Account helpers bound to the test client."""
    return AuthActions(client)
