"""A live server (a real `flask run` on a migrated SQLite file) and Chromium via Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts"


def free_port() -> int:
    """Ask the OS for an unused loopback port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """The app in its own process, as a learner's browser meets it."""

    def __init__(self, tmp: Path, flask_app: str = "app") -> None:
        self.db_path = tmp / "e2e.db"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "FLASK_APP": flask_app,  # tests may start a test-only factory (a fake tutor API)
            "SECRET_KEY": "e2e-secret",
            "DATABASE_URL": f"sqlite:///{self.db_path}",
            "EXERCISES_DIR": str(ROOT / "exercises"),
        }
        flask = [sys.executable, "-m", "flask"]
        subprocess.run(
            [*flask, "db", "upgrade"], env=self.env, cwd=ROOT, check=True, capture_output=True
        )
        subprocess.run(
            [*flask, "exercises", "sync"], env=self.env, cwd=ROOT, check=True, capture_output=True
        )
        self.log = open(tmp / "server.log", "w")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(
            [*flask, "run", "--port", str(self.port), "--no-reload"],
            env=self.env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the app did not start; see {tmp / 'server.log'}")

    def stop(self) -> None:
        """Stop the server process."""
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.log.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """One server for the e2e session."""
    if not (ROOT / "static" / "vendor" / "pyodide" / "runtime.json").exists():
        pytest.fail(
            "the Pyodide runtime is not built: run ./scripts/test (or scripts/build_assets.py)"
        )
    server = LiveServer(tmp_path_factory.mktemp("live"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: ./scripts/test installs Debian's chromium package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request):
    """A fresh browser context; requests to any other origin are blocked and recorded."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, base_url=live_server.url)
    foreign: list[str] = []
    errors: list[str] = []

    def guard(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    # Also watch every request, including the Web Worker's, for anything off this origin.
    context.on(
        "request",
        lambda r: (
            foreign.append(r.url)
            if not r.url.startswith((live_server.url, "data:", "blob:"))
            else None
        ),
    )
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.foreign_requests = foreign
    page.page_errors = errors
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-last.png"), full_page=True)
    context.close()
