"""A live server (a real `flask run` on a migrated SQLite file) and Chromium via Playwright."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

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
# axe-core from node_modules (a dev dependency): injected by the tests, never served by the app.
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# Short friction thresholds, so the browser tests meet every card without long waits. The wait
# (F2) stays long enough for a learner, or a test on a busy machine, to edit code during it.
E2E_FRICTION = {
    "cooldown_s": 8,
    "hint_cooldown_1_s": 0,
    "hint_cooldown_2_s": 0,
    "hint_cooldown_3_s": 0,
}
# Playwright's retrying assertions: generous, since Python in the browser is slow on a busy
# machine. Nothing waits a fixed time; every wait ends as soon as the page gets there.
expect.set_options(timeout=120_000)


def free_port() -> int:
    """Ask the OS for an unused loopback port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """The app in its own process, as a learner's browser meets it."""

    def __init__(self, tmp: Path, flask_app: str = "app", exercises: Path | None = None) -> None:
        self.db_path = tmp / "e2e.db"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "FLASK_APP": flask_app,  # tests may start a test-only factory (a fake tutor API)
            "SECRET_KEY": "e2e-secret",
            "DATABASE_URL": f"sqlite:///{self.db_path}",
            # A test that publishes exercises gives its own copy; the others read the repo's.
            "EXERCISES_DIR": str(exercises or ROOT / "exercises"),
            "FRICTION_OVERRIDES": json.dumps(E2E_FRICTION),
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
        # Generous: beside stress-ng, and beside the other xdist worker, start-up is slow.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break  # it exited (a port taken meanwhile, an import error): see its log
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        log = (tmp / "server.log").read_text(errors="replace")[-2000:]
        raise RuntimeError(f"the app did not start; the end of {tmp / 'server.log'}:\n{log}")

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


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page as it is now; return its violations (none is the goal)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol, so the page's strict CSP does not apply.
        page.evaluate(AXE.read_text() + "\n;0")
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, { runOnly: { type: "tag", values: tags } });
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map((n) => `${n.target} :: ${n.failureSummary}`),
            }));
        }""",
        AXE_TAGS,
    )


def assert_accessible(page, where: str) -> None:
    """Zero axe-core violations, with a readable list when there are some."""
    violations = axe_violations(page)
    assert violations == [], f"axe-core on {where}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"])
        for v in violations
    )


def new_page(browser, live_server, viewport):
    """A fresh browser context; requests to any other origin are blocked and recorded."""
    context = browser.new_context(viewport=viewport, base_url=live_server.url)
    # Clicks and fills wait as long as the retrying assertions do: a busy machine (stress-ng
    # beside the suite) can take more than Playwright's 30 s to bring up the next card.
    context.set_default_timeout(120_000)
    foreign: list[str] = []
    errors: list[str] = []

    def guard(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    # The page measures how busy the machine is when a check reaches its limit (a stop on a
    # busy machine is not the learner's). Tests run beside stress-ng, so by default the page
    # sees the machine as fast as when Python started; a test wanting a busy machine sets
    # self.frictionTestSlowdown itself (page.add_init_script).
    context.add_init_script(
        "if (self.frictionTestSlowdown === undefined) self.frictionTestSlowdown = 1;"
    )
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
    return page


def laptop_page(browser, server, request):
    """A laptop-sized page on `server` in a fresh context; its last screenshot kept at the end."""
    page = new_page(browser, server, {"width": 1366, "height": 900})
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-last.png"), full_page=True)
    page.context.close()


@pytest.fixture
def page(browser, live_server, request):
    """A laptop-sized page in a fresh context."""
    yield from laptop_page(browser, live_server, request)


@pytest.fixture
def phone(browser, live_server, request):
    """A phone-sized page (390 x 844 CSS pixels) in a fresh context."""
    page = new_page(browser, live_server, {"width": 390, "height": 844})
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-phone-last.png"), full_page=True)
    page.context.close()
