"""Shared fixtures: an app on a migrated database, clients, and account helpers.

Every test that uses the app's database runs on SQLite and, when TEST_POSTGRES_URL names a
PostgreSQL server where it may create databases (./scripts/test starts a throwaway one), on
PostgreSQL too: test ids end in [sqlite] or [postgresql].
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from contextlib import closing
from pathlib import Path

import pytest

os.environ.setdefault("SECRET_KEY", "tests-only-secret")

from app import create_app  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_EXERCISES = ROOT / "tests" / "fixtures" / "exercises"
PASSWORD = "correct horse battery"
# The fixture exercise's answer, as a learner would send it in a passing check.
RIGHT_ADDER = {"adder.py": "def add(a, b):\n    return a + b\n"}
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "")
DATABASE_ENGINES = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


class PostgresServer:
    """A PostgreSQL server where each test gets its own database, dropped afterwards."""

    def __init__(self, url: str) -> None:
        import sqlalchemy as sa

        from app.config import normalise_database_url

        self.url = sa.make_url(normalise_database_url(url))
        self.admin = sa.create_engine(self.url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)

    def url_for(self, name: str) -> str:
        """The URL of one database on this server."""
        return self.url.set(database=name).render_as_string(hide_password=False)

    def create_database(self, template: str | None = None) -> str:
        """Create an empty database (or a copy of a template) and return its name."""
        import sqlalchemy as sa

        name = f"test_{uuid.uuid4().hex[:16]}"
        clause = f" TEMPLATE {template}" if template else ""
        with self.admin.connect() as connection:
            connection.execute(sa.text(f"CREATE DATABASE {name}{clause}"))
        return name

    def drop_database(self, name: str) -> None:
        """Drop a database, closing whatever connections a test left open."""
        import sqlalchemy as sa

        with self.admin.connect() as connection:
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@pytest.fixture(scope="session")
def postgres():
    """The PostgreSQL server of TEST_POSTGRES_URL, or a skip when there is none."""
    if not POSTGRES_URL:
        pytest.skip("TEST_POSTGRES_URL is not set (./scripts/test starts a PostgreSQL server)")
    server = PostgresServer(POSTGRES_URL)
    yield server
    server.admin.dispose()


@pytest.fixture(scope="session")
def migrated_template(postgres, tmp_path_factory):
    """A PostgreSQL database migrated to head once; each test's database is a copy of it."""
    name = postgres.create_database()
    folder = tmp_path_factory.mktemp("template")
    app = make_app(folder, SQLALCHEMY_DATABASE_URI=postgres.url_for(name))
    dispose(app)
    yield name
    postgres.drop_database(name)


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_make_scheduler(config, log):
    """With `--dist loadgroup` (./scripts/test), schedule as loadgroup does, and also keep each
    module that defines a module-scoped fixture on one worker (see ModuleFixtureScheduling)."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from tests.scheduling import ModuleFixtureScheduling

    return ModuleFixtureScheduling(config, log)


def pytest_collection_modifyitems(config, items):
    """Tests marked sqlite_only run once, on SQLite (the PostgreSQL runs show as deselected)."""

    def postgres_twin(item) -> bool:
        callspec = getattr(item, "callspec", None)
        return (
            item.get_closest_marker("sqlite_only") is not None
            and callspec is not None
            and callspec.params.get("database_engine") == "postgresql"
        )

    dropped = [item for item in items if postgres_twin(item)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if not postgres_twin(item)]


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """A SQLite file migrated to head once; each test's SQLite database is a copy of it.

    Running the migrations takes about 0.3 s of CPU per database, a copy a millisecond; the
    migrations themselves are tested in tests/integration/test_migrations.py."""
    folder = tmp_path_factory.mktemp("sqlite-template")
    dispose(make_app(folder))
    template = folder / "migrated.db"
    # SQLite's backup API: one self-contained file, whatever the WAL held.
    with closing(sqlite3.connect(folder / "test.db")) as source:
        with closing(sqlite3.connect(template)) as copy:
            source.backup(copy)
            # A copy must be what the migrations give an empty database: no rows but the revision.
            tables = copy.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
            filled = [
                table
                for (table,) in tables.fetchall()
                if table != "alembic_version"
                and copy.execute(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone()
            ]
    assert filled == [], f"the migrated template holds rows in {filled}"
    return template


@pytest.fixture(params=DATABASE_ENGINES)
def database_engine(request) -> str:
    """Which database engine this run of the test uses."""
    return request.param


@pytest.fixture
def new_database_url(database_engine, tmp_path, request):
    """Make URLs of fresh, migrated databases on this test's engine."""
    made: list[str] = []
    server = request.getfixturevalue("postgres") if database_engine == "postgresql" else None
    template = request.getfixturevalue(
        "migrated_template" if database_engine == "postgresql" else "migrated_sqlite"
    )

    def new(name: str = "test") -> str:
        if server is None:
            tmp_path.mkdir(parents=True, exist_ok=True)
            path = tmp_path / f"{name}-{len(made)}.db"
            if not path.exists():
                shutil.copyfile(template, path)
            return f"sqlite:///{path}"
        made.append(server.create_database(template))
        return server.url_for(made[-1])

    yield new
    for database in made:
        server.drop_database(database)


def make_app(tmp_path: Path, **overrides):
    """An app on a fresh database created by the real migrations (SQLite unless overridden)."""
    from flask_migrate import upgrade

    tmp_path.mkdir(parents=True, exist_ok=True)
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.db'}",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "EXERCISES_DIR": FIXTURE_EXERCISES,
        # Claimed passes queue up; a test confirms them with confirm_passes() (or the sandbox).
        "RECHECK_MODE": "off",
        "RECHECK_WAIT_S": 0,
        # Checks the attempts API stores wait for a read (or a test) to fold them into the
        # dashboard's totals; tests of the background fold turn it on.
        "TOTALS_FOLD_MODE": "off",
        # Not the repository's instance/ folder, which parallel workers (and runs) would share.
        "AUTHORING_DIR": tmp_path / "authoring",
        "BACKUP_DIR": tmp_path / "backups",
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
    from app.rate_limits import dispose_engines

    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
    dispose_engines()


@pytest.fixture
def app_factory(tmp_path, new_database_url):
    """Make apps (each on its own database) with config overrides; closed after the test."""
    made = []

    def factory(**overrides):
        overrides.setdefault("SQLALCHEMY_DATABASE_URI", new_database_url())
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
