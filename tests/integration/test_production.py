"""Production serving: secrets, cookies, proxies, static and runtime files, shared rate limits."""

from __future__ import annotations

import gc
import json
import os
import sqlite3
import subprocess
import sys
import warnings
from contextlib import closing
from pathlib import Path

import pytest

from app import create_app
from tests.conftest import FIXTURE_EXERCISES
from tests.conftest import PASSWORD
from tests.conftest import ROOT


@pytest.fixture
def production(monkeypatch):
    """FRICTION_ENV=production with a proper secret (tests drop or change it)."""
    monkeypatch.setenv("FRICTION_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "p" * 64)
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)


def test_production_refuses_to_start_without_a_secret_key(production, monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY")
    with pytest.raises(SystemExit, match="SECRET_KEY is not set"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})


def test_production_refuses_a_short_secret_key(production, monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "changeme")
    with pytest.raises(SystemExit, match="shorter than 32"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})


def test_production_cookies_are_secure(production, app_factory):
    client = app_factory().test_client()
    response = client.post(
        "/auth/signup",
        data={"display_name": "Ada", "email": "a@example.org", "password": PASSWORD,
              "confirm": PASSWORD},
    )
    cookies = response.headers.getlist("Set-Cookie")
    session = [c for c in cookies if c.startswith("session=")]
    assert session and all("Secure" in c and "HttpOnly" in c for c in session)


def test_development_cookies_work_over_plain_http(app, client, auth):
    cookies = auth.signup().headers.getlist("Set-Cookie")
    assert cookies and not any("Secure" in c for c in cookies)


def test_healthz_is_503_when_the_database_is_down(tmp_path):
    # A database that cannot be opened: its path runs through a regular file.
    (tmp_path / "not-a-folder").write_text("")
    url = f"sqlite:///{tmp_path / 'not-a-folder' / 'x.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"


def test_static_files_have_versioned_urls_long_caching_and_compressed_siblings(app, client, auth):
    auth.signup()
    html = client.get("/exercises/fixture-add").get_data(as_text=True)
    url = html.split('src="/static/dist/exercise.js?v=')[1].split('"')[0]
    assert len(url) == 12
    response = client.get(f"/static/dist/exercise.js?v={url}", headers={"Accept-Encoding": "br"})
    assert response.status_code == 200
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert response.mimetype == "text/javascript"
    assert response.headers["Content-Encoding"] == "br"
    assert response.headers["Cross-Origin-Embedder-Policy"] == "require-corp"
    # The worker's own CSP decides whether it may compile the Pyodide WebAssembly.
    assert "'wasm-unsafe-eval'" in response.headers["Content-Security-Policy"]
    response.close()


@pytest.fixture
def runtime_dir(tmp_path):
    """A runtime folder with a wasm file and its compressed siblings."""
    folder = tmp_path / "runtime"
    folder.mkdir()
    (folder / "runtime.json").write_text(
        json.dumps({"build_id": "314.0.7-prod", "pyodide_version": "314.0.7",
                    "grading_package": "g"})
    )
    (folder / "pyodide.asm.wasm").write_bytes(b"\0asm-raw")
    (folder / "pyodide.asm.wasm.gz").write_bytes(b"gzip")
    (folder / "pyodide.asm.wasm.br").write_bytes(b"brotli")
    return folder


def test_the_current_runtime_build_is_immutable_precompressed_wasm(production, app_factory,
                                                                   runtime_dir):
    client = app_factory(RUNTIME_DIR=runtime_dir).test_client()
    url = "/runtime/314.0.7-prod/pyodide.asm.wasm"
    with client.get(url, headers={"Accept-Encoding": "gzip"}) as response:
        assert response.status_code == 200
        assert response.mimetype == "application/wasm"
        assert response.headers["Content-Encoding"] == "gzip" and response.data == b"gzip"
        assert "immutable" in response.headers["Cache-Control"]
        assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"
        assert "Accept-Encoding" in response.headers["Vary"]
    with client.get(url, headers={"Accept-Encoding": "identity"}) as plain:
        assert plain.data == b"\0asm-raw" and "Content-Encoding" not in plain.headers


def login_statuses(client, count: int, forwarded_for: str | None = None) -> list[int]:
    """Post `count` wrong logins and return their statuses (400: wrong password; 429: limited)."""
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return [
        client.post(
            "/auth/login", data={"email": "x@example.org", "password": "nope"}, headers=headers
        ).status_code
        for _ in range(count)
    ]


def test_rate_limits_are_shared_by_two_processes_on_one_database(app_factory, new_database_url):
    url = new_database_url()
    first = app_factory(
        SQLALCHEMY_DATABASE_URI=url, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute"
    )
    second = app_factory(
        SQLALCHEMY_DATABASE_URI=url, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute"
    )
    assert login_statuses(first.test_client(), 2) == [400, 400]
    assert login_statuses(second.test_client(), 2) == [400, 429]
    assert login_statuses(first.test_client(), 1) == [429]


def test_forwarded_addresses_count_only_behind_a_configured_proxy(app_factory):
    # Per address only: the per-account limit (every try here is for one account) stays out of it.
    per_address = {"LOGIN_RATE_LIMIT": "2 per minute", "LOGIN_ACCOUNT_RATE_LIMIT": "99 per minute"}
    direct = app_factory(RATELIMIT_ENABLED=True, **per_address).test_client()
    # Without TRUSTED_PROXIES a client cannot dodge the limit by forging X-Forwarded-For.
    assert login_statuses(direct, 2, "203.0.113.1") == [400, 400]
    assert login_statuses(direct, 1, "203.0.113.2") == [429]

    proxied = app_factory(RATELIMIT_ENABLED=True, TRUSTED_PROXIES=1, **per_address).test_client()
    # Behind one proxy, the address it forwards is the client's: each has its own budget.
    assert login_statuses(proxied, 3, "203.0.113.1") == [400, 400, 429]
    assert login_statuses(proxied, 1, "203.0.113.2") == [400]


def test_a_replaced_rate_limit_storage_leaves_no_connection_open(app_factory):
    # The limiter is shared by every app made in this process: a second app replaces the first
    # one's counter storage. Its pooled connection must still be closed by dispose_engines(),
    # not deleted while open whenever the garbage collector runs (a ResourceWarning in a random
    # later test).
    first = app_factory(RATELIMIT_ENABLED=True)
    assert login_statuses(first.test_client(), 1) == [400]
    app_factory(RATELIMIT_ENABLED=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]


def test_the_container_entrypoint_migrates_syncs_and_then_runs_the_server(tmp_path):
    database = tmp_path / "fresh.db"
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "FLASK_APP": "app",
        "FRICTION_ENV": "production",
        "SECRET_KEY": "entrypoint-" + "e" * 40,
        "DATABASE_URL": f"sqlite:///{database}",
        "EXERCISES_DIR": str(FIXTURE_EXERCISES),
    }
    # The image's CMD with --check-config: gunicorn loads its settings and the app, then exits.
    result = subprocess.run(
        ["sh", "scripts/docker-entrypoint.sh", "gunicorn", "--check-config",
         "--config", "gunicorn.conf.py", "app:create_app()"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    with closing(sqlite3.connect(database)) as db:
        assert db.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)
        assert db.execute("SELECT id FROM exercise").fetchall() == [("fixture-add",)]
