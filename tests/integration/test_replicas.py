"""Two replicas (gunicorn processes, as in the Docker image) share one PostgreSQL database.

A learner's requests land on either replica, as behind a load balancer: the session, the
attempts, the journal and the rate limits must not care which one answers.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import FIXTURE_EXERCISES
from tests.conftest import PASSWORD
from tests.conftest import ROOT
from tests.integration.test_attempts import attempt
from tests.integration.test_attempts import verdict

START_TIMEOUT_S = 120
BIN = Path(sys.executable).parent


def free_port() -> int:
    """An unused loopback port."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """One learner's browser: one cookie jar, whichever replica answers."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def request(self, url: str, data: bytes | None = None, headers: dict | None = None):
        """Return (status, final URL, body text); HTTP errors are answers too."""
        req = urllib.request.Request(url, data=data, headers=headers or {})
        try:
            with self.opener.open(req, timeout=30) as response:
                return response.status, response.url, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, url, error.read().decode()

    def csrf_token(self, url: str) -> str:
        """The CSRF token of a page (forms and the page's scripts use the same one)."""
        status, _, html = self.request(url)
        assert status == 200, html
        return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)

    def post_form(self, url: str, form: dict[str, str]):
        """Submit a form the way the page does, CSRF token included."""
        form = {**form, "csrf_token": self.csrf_token(url)}
        return self.request(url, urllib.parse.urlencode(form).encode())

    def post_json(self, base: str, path: str, body: dict, page: str):
        """Call the JSON API like the exercise page, with the page's CSRF token."""
        headers = {"Content-Type": "application/json", "X-CSRFToken": self.csrf_token(page)}
        return self.request(base + path, json.dumps(body).encode(), headers)


@pytest.fixture
def replica_env(postgres, tmp_path):
    """The environment of the image, on an empty PostgreSQL database of its own."""
    name = postgres.create_database()
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "FLASK_APP": "app",
        "FRICTION_ENV": "production",
        "SECRET_KEY": "replicas-share-this-secret-" + "x" * 20,
        "SESSION_COOKIE_SECURE": "false",  # plain HTTP on loopback in this test
        "DATABASE_URL": postgres.url_for(name),
        "EXERCISES_DIR": str(FIXTURE_EXERCISES),
        "LOGIN_RATE_LIMIT": "3 per minute",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "2",
        "HOST": "127.0.0.1",
    }
    yield env
    postgres.drop_database(name)


def start_replica(env: dict[str, str], log: Path) -> tuple[subprocess.Popen, str]:
    """Start gunicorn as the image's CMD does and wait until /healthz answers."""
    port = free_port()
    out = log.open("w")
    proc = subprocess.Popen(
        [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "app:create_app()"],
        env={**env, "PORT": str(port)}, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
    )
    out.close()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the replica exited:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise AssertionError(f"the replica did not answer /healthz:\n{log.read_text()}")


def test_two_replicas_migrate_together_and_a_learner_moves_between_them(replica_env, tmp_path):
    # Both replicas run the image's entrypoint at once on the empty database: `flask db upgrade`
    # (one migrates, the other waits for the lock and finds nothing to do), then
    # `flask exercises sync` (both write the same mirror rows; neither may fail, or the
    # entrypoint would stop its pod). The server command is a stand-in that exits at once.
    entrypoints = [
        subprocess.Popen(["sh", str(ROOT / "scripts" / "docker-entrypoint.sh"), "gunicorn",
                          "--version"], env=replica_env, cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for _ in range(2)
    ]
    for proc in entrypoints:
        output = proc.communicate(timeout=300)[0].decode()
        assert proc.returncode == 0, output
        assert "1 exercises:" in output and "gunicorn" in output

    procs = []
    try:
        for n in range(2):
            proc, base = start_replica(replica_env, tmp_path / f"replica{n}.log")
            procs.append((proc, base))
        (_, a), (_, b) = procs
        learner = Browser()

        # Sign up on replica A ...
        status, _, _ = learner.post_form(
            f"{a}/auth/signup",
            {"display_name": "Ada", "email": "ada@example.org", "password": PASSWORD,
             "confirm": PASSWORD},
        )
        assert status == 200
        # ... replica B knows who this is (a login would redirect to the form) ...
        status, url, html = learner.request(f"{b}/exercises/fixture-add")
        assert status == 200 and "/auth/login" not in url and "Add two numbers" in html
        # ... takes a check with B's page ...
        body = attempt(files={"adder.py": "def add(a, b):\n    return a - b\n"},
                       verdict=verdict(first="adds negatives wrongly"))
        status, _, answer = learner.post_json(b, "/api/attempts", body,
                                              f"{b}/exercises/fixture-add")
        assert status == 201, answer
        # ... and A shows it in the learner's journal.
        status, _, journal = learner.request(f"{a}/journal")
        assert status == 200 and "Add two numbers" in journal
        assert "adds negatives wrongly" in journal

        # Rate limits count across replicas: 3 per minute in all, not 3 on each.
        stranger = Browser()
        wrong = {"email": "nobody@example.org", "password": "wrong password!"}
        statuses = [stranger.post_form(f"{base}/auth/login", wrong)[0]
                    for base in (a, b, a, b)]
        assert statuses == [400, 400, 400, 429]
    finally:
        for proc, _ in procs:
            proc.terminate()
        for proc, _ in procs:
            proc.wait(timeout=60)
