"""The production server (gunicorn, WhiteNoise, FRICTION_ENV=production) in a real browser.

The other e2e tests use Flask's development server; this one serves the page, the worker and
the Pyodide runtime the way the Docker image does, and checks what a learner depends on: the
page is cross-origin isolated, Python starts from this server's precompressed, immutable files,
and a check passes.
"""

from __future__ import annotations

import os

import pytest

from tests.conftest import ROOT
from tests.e2e.test_core_loop import EXERCISE_ID
from tests.e2e.test_core_loop import READY
from tests.e2e.test_core_loop import replace_code
from tests.e2e.test_core_loop import sign_up
from tests.integration.test_replicas import start_replica

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    """gunicorn as the image's CMD runs it, on a migrated SQLite file."""
    import subprocess
    import sys

    tmp = tmp_path_factory.mktemp("production")
    env = {
        **os.environ,
        "FLASK_APP": "app",
        "FRICTION_ENV": "production",
        "SECRET_KEY": "production-e2e-" + "s" * 40,
        "SESSION_COOKIE_SECURE": "false",  # plain HTTP on loopback in this test
        "DATABASE_URL": f"sqlite:///{tmp / 'prod.db'}",
        "EXERCISES_DIR": str(ROOT / "exercises"),
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "2",
        "HOST": "127.0.0.1",
    }
    flask = [sys.executable, "-m", "flask"]
    for command in (["db", "upgrade"], ["exercises", "sync"]):
        subprocess.run([*flask, *command], env=env, cwd=ROOT, check=True, capture_output=True)
    proc, base = start_replica(env, tmp / "gunicorn.log")
    yield base
    proc.terminate()
    proc.wait(timeout=60)


def test_python_runs_from_the_production_server(browser, production_server):
    from tests.e2e.conftest import ARTIFACTS

    context = browser.new_context(base_url=production_server)
    responses = {}
    context.on("response", lambda r: responses.setdefault(r.url.split("?")[0], r))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        sign_up(page)
        page.goto(f"/exercises/{EXERCISE_ID}")
        page.wait_for_selector(READY, timeout=120_000)
        assert page.evaluate("() => crossOriginIsolated") is True

        wasm = next(r for url, r in responses.items() if url.endswith("pyodide.asm.wasm"))
        headers = wasm.all_headers()
        assert headers["content-type"] == "application/wasm"
        assert headers.get("content-encoding") in ("br", "gzip")
        assert "immutable" in headers["cache-control"]
        worker = next(r for url, r in responses.items() if url.endswith("runner.worker.js"))
        assert "max-age=31536000" in worker.all_headers()["cache-control"]

        from app.exercises import load_catalog

        solution = load_catalog(ROOT / "exercises").get(EXERCISE_ID).solution["shipping.py"]
        replace_code(page, solution)
        page.get_by_role("button", name="Check").click()
        page.wait_for_selector(".verdict-passed", timeout=90_000)
        assert errors == []
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "production-server-last.png"), full_page=True)
        context.close()
