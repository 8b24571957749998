"""The core loop in a real browser: sign up, open an exercise, fail, fix, pass, see the record."""

from __future__ import annotations

import sqlite3
import uuid
from contextlib import closing

import pytest

from app.exercises import load_catalog
from tests.conftest import ROOT
from tests.e2e.conftest import ARTIFACTS

PASSWORD = "correct horse battery"
READY = "#runner-steps li[data-step=ready][data-state=done]"
EXERCISE_ID = "strategy-shipping"


@pytest.fixture(scope="module")
def exercise():
    """The bundled Strategy exercise, with its reference and a wrong answer, from disk."""
    return load_catalog(ROOT / "exercises").get(EXERCISE_ID)


def sign_up(page) -> str:
    """Create a fresh learner through the form; return the email."""
    email = f"learner-{uuid.uuid4().hex[:8]}@example.org"
    page.goto("/auth/signup")
    page.get_by_label("Name shown to you").fill("Grace")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/")
    return email


def replace_code(page, text: str) -> None:
    """Select everything in the editor and type new code, as a learner pasting would."""
    page.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(text)


def stored_attempts(live_server, email: str) -> list[tuple]:
    """Read the attempts straight from the server's database."""
    with closing(sqlite3.connect(live_server.db_path)) as db:
        return db.execute(
            "SELECT a.kind, a.status, a.tests_passed, a.tests_total, a.first_failure "
            "FROM attempt a JOIN user u ON u.id = a.user_id WHERE u.email = ? ORDER BY a.id",
            (email,),
        ).fetchall()


def test_fail_then_fix_then_pass_is_recorded(page, live_server, exercise):
    email = sign_up(page)
    page.goto(f"/exercises/{EXERCISE_ID}")
    page.wait_for_selector(READY, timeout=90_000)
    assert page.evaluate("() => crossOriginIsolated") is True
    page.screenshot(path=str(ARTIFACTS / "exercise-before-check.png"))

    wrong = exercise.wrong[0]
    replace_code(page, wrong.files["shipping.py"])
    page.keyboard.press("Control+Enter")  # the keyboard shortcut checks
    page.wait_for_selector(".verdict-failed, .verdict-error", timeout=60_000)
    failing = page.locator(".test-failed, .test-error").first
    assert wrong.expect.lower() in (page.inner_text("#results")).lower()
    assert failing.is_visible()
    page.screenshot(path=str(ARTIFACTS / "exercise-after-failed-check.png"))

    replace_code(page, exercise.solution["shipping.py"])
    page.get_by_role("button", name="Check").click()
    page.wait_for_selector(".verdict-passed", timeout=60_000)
    assert "tests passed" in page.inner_text("#verdict-summary")
    page.wait_for_function(
        "() => document.querySelectorAll('#attempt-rows tr:not(.pending)').length >= 2"
    )
    rows = page.locator("#attempt-rows tr")
    assert rows.count() == 2
    assert "passed" in rows.nth(0).inner_text() and "failed" in rows.nth(1).inner_text()
    page.screenshot(path=str(ARTIFACTS / "exercise-after-passing-check.png"))

    attempts = stored_attempts(live_server, email)
    assert [(a[0], a[1]) for a in attempts] == [("check", "failed"), ("check", "passed")]
    assert attempts[1][2] == attempts[1][3] > 0
    assert attempts[0][4]  # the first failing test is recorded

    # The attempts list survives a reload and reopens old code.
    page.reload()
    page.locator("#attempt-rows tr").nth(1).get_by_role("button", name="Open code").click()
    page.wait_for_function(
        "(code) => window.frictionLab.editor.files()['shipping.py'] === code",
        arg=wrong.files["shipping.py"],
    )
    assert page.foreign_requests == []
    assert page.page_errors == []


def test_an_endless_loop_is_stopped_and_python_keeps_working(page, live_server, exercise):
    sign_up(page)
    page.goto(f"/exercises/{EXERCISE_ID}")
    page.wait_for_selector(READY, timeout=90_000)
    replace_code(page, "while True:\n    pass\n")
    page.get_by_role("button", name="Check").click()
    page.wait_for_selector(".verdict-timeout", timeout=60_000)
    limit = exercise.time_limit_ms / 1000
    assert f"Stopped after {limit:g} s" in page.inner_text("#verdict-summary")
    assert "infinite loop" in page.inner_text("#verdict-summary")
    page.screenshot(path=str(ARTIFACTS / "exercise-timeout.png"))
    replace_code(page, exercise.solution["shipping.py"])
    page.get_by_role("button", name="Check").click()
    page.wait_for_selector(".verdict-passed", timeout=60_000)
    assert page.foreign_requests == []


def test_attempts_made_offline_are_sent_once_when_back(page, live_server, exercise):
    email = sign_up(page)
    page.goto(f"/exercises/{EXERCISE_ID}")
    page.wait_for_selector(READY, timeout=90_000)
    page.context.set_offline(True)
    replace_code(page, exercise.solution["shipping.py"])
    page.get_by_role("button", name="Check").click()
    page.wait_for_selector(".verdict-passed", timeout=60_000)
    page.wait_for_function(
        "() => document.getElementById('queue-status').textContent.includes('waiting')"
    )
    assert stored_attempts(live_server, email) == []
    page.context.set_offline(False)
    page.evaluate("() => window.frictionLab.queue.flush()")
    page.wait_for_function("() => document.getElementById('queue-status').textContent === ''")
    page.evaluate(
        "() => window.frictionLab.queue.flush()"
    )  # a second flush must not store it twice
    assert [a[1] for a in stored_attempts(live_server, email)] == ["passed"]


def test_unsaved_code_survives_a_reload_and_an_early_check_waits(page, live_server):
    sign_up(page)
    page.goto(f"/exercises/{EXERCISE_ID}")
    replace_code(page, "# my half-finished idea\n")
    page.wait_for_timeout(500)  # the draft is saved a moment after typing stops
    # Python restores in about a second on a repeat visit: hold its start back until the learner
    # has pressed Check, so "before Python is ready" really is before.
    held = []
    page.route("**/runtime.json", lambda route: held.append(route))
    page.reload()
    assert "my half-finished idea" in page.locator(".cm-content").inner_text()
    assert "Restored your unsaved code" in page.inner_text("#draft-note")
    # Pressing Check before Python is ready is not an error: it waits, and says so.
    page.locator(".cm-content").click()
    page.keyboard.press("Control+Enter")
    page.wait_for_function(
        "() => document.getElementById('status-line').textContent.includes('Waiting for Python')"
    )
    page.wait_for_function("() => true")  # let the held request reach the handler
    assert held, "the worker never asked for runtime.json"
    for route in held:
        route.continue_()
    page.unroute("**/runtime.json")
    page.wait_for_selector(".verdict-failed, .verdict-error", timeout=90_000)


def test_stop_button_and_code_that_swallows_the_interrupt(page, live_server, exercise):
    sign_up(page)
    page.goto(f"/exercises/{EXERCISE_ID}")
    page.wait_for_selector(READY, timeout=90_000)
    # Stop: the learner ends a slow run themselves.
    replace_code(page, "while True:\n    pass\n")
    page.get_by_role("button", name="Check").click()
    page.wait_for_function(
        "() => document.getElementById('status-line').textContent.includes('Running the tests')"
    )
    page.wait_for_timeout(300)
    page.get_by_role("button", name="Stop").click()
    page.wait_for_selector(".verdict-timeout", timeout=10_000)
    assert "Stopped by you" in page.inner_text("#verdict-summary")
    # Code that catches KeyboardInterrupt cannot be interrupted: the worker is replaced instead.
    stubborn = "while True:\n    try:\n        while True:\n            pass\n"
    replace_code(page, stubborn + "    except BaseException:\n        pass\n")
    page.get_by_role("button", name="Check").click()
    page.wait_for_selector(".verdict-timeout", timeout=90_000)
    assert "probably an infinite loop" in page.inner_text("#verdict-summary")
    stats = page.evaluate("() => window.frictionLab.runner.stats")
    # Interrupt first, then replace the worker (on a very busy machine the Stop may need that too).
    assert stats["interrupted"] >= 2 and stats["replaced"] >= 1
    # The fresh worker grades the next check; the learner did not have to reload. (Two failed
    # checks in a row: the reflection card comes first, and skipping it is allowed.)
    replace_code(page, exercise.solution["shipping.py"])
    page.get_by_role("button", name="Check").click()
    page.get_by_role("button", name="Skip and check").click()
    page.wait_for_selector(".verdict-passed", timeout=90_000)
