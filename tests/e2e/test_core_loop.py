"""The core loop in a real browser: sign up, open an exercise, fail, fix, pass, see the record."""

from __future__ import annotations

import re
import sqlite3
import uuid
from contextlib import closing

import pytest
from playwright.sync_api import expect

from app.exercises import load_catalog
from tests.conftest import ROOT
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.conftest import assert_accessible

PASSWORD = "correct horse battery"
READY = "#runner-steps li[data-step=ready][data-state=done]"
EXERCISE_ID = "strategy-shipping"
FAILED = re.compile(r"verdict-(failed|error)\b")


def wait_until_ready(page) -> None:
    """Python has started in the page (the last named step is done)."""
    ready = page.locator("#runner-steps li[data-step=ready]")
    expect(ready).to_have_attribute("data-state", "done")


def expect_verdict(page, outcome: str | re.Pattern) -> None:
    """Wait for a fresh verdict of this kind under Results."""
    pattern = outcome if isinstance(outcome, re.Pattern) else re.compile(rf"verdict-{outcome}\b")
    expect(page.locator("#verdict-summary")).to_have_class(pattern)


@pytest.fixture(scope="module")
def exercise():
    """The bundled Strategy exercise, with its reference and a wrong answer, from disk."""
    return load_catalog(ROOT / "exercises").get(EXERCISE_ID)


def sign_up(page) -> str:
    """Create a fresh learner through the form; return the email."""
    email = f"learner-{uuid.uuid4().hex[:8]}@example.org"
    page.goto("/auth/signup")
    assert_accessible(page, "the sign-up page")
    page.get_by_label("Name shown to you").fill("Grace")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(re.compile(r"/$"))
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
    # This server has no AI tutor: the page must not ask for one (each check used to send a
    # request that failed with 404, an error in the console).
    failed_loads = []
    page.on("console", lambda m: failed_loads.append(m.text) if m.type == "error" else None)
    tutor_requests = []
    page.on("request", lambda r: tutor_requests.append(r.url)
            if re.search(r"/api/exercises/[^/]+/tutor", r.url) else None)
    email = sign_up(page)
    page.goto(f"/exercises/{EXERCISE_ID}")
    wait_until_ready(page)
    assert page.evaluate("() => crossOriginIsolated") is True
    page.screenshot(path=str(ARTIFACTS / "exercise-before-check.png"))

    wrong = exercise.wrong[0]
    replace_code(page, wrong.files["shipping.py"])
    page.keyboard.press("Control+Enter")  # the keyboard shortcut checks
    expect_verdict(page, FAILED)
    expect(page.locator(".test-failed, .test-error").first).to_be_visible()
    expect(page.locator("#results")).to_contain_text(re.compile(re.escape(wrong.expect), re.I))
    page.screenshot(path=str(ARTIFACTS / "exercise-after-failed-check.png"))

    replace_code(page, exercise.solution["shipping.py"])
    page.get_by_role("button", name="Check").click()
    expect_verdict(page, "passed")
    expect(page.locator("#verdict-summary")).to_contain_text("tests passed")
    expect(page.locator("#attempt-rows tr:not(.pending)")).to_have_count(2)
    rows = page.locator("#attempt-rows tr")
    expect(rows.nth(0)).to_contain_text("passed")
    expect(rows.nth(1)).to_contain_text("failed")
    page.screenshot(path=str(ARTIFACTS / "exercise-after-passing-check.png"))

    attempts = stored_attempts(live_server, email)
    assert [(a[0], a[1]) for a in attempts] == [("check", "failed"), ("check", "passed")]
    assert attempts[1][2] == attempts[1][3] > 0
    assert attempts[0][4]  # the first failing test is recorded

    # The attempts list survives a reload and reopens old code.
    page.reload()
    page.locator("#attempt-rows tr").nth(1).get_by_role("button", name="Open code").click()
    expect(page.locator("#status-line")).to_contain_text("Loaded the code of that attempt")
    assert (
        page.evaluate("() => window.frictionLab.editor.files()['shipping.py']")
        == (wrong.files["shipping.py"])
    )
    assert page.foreign_requests == []
    assert page.page_errors == []
    assert tutor_requests == [] and failed_loads == []


def test_an_endless_loop_is_stopped_and_python_keeps_working(page, live_server, exercise):
    sign_up(page)
    page.goto(f"/exercises/{EXERCISE_ID}")
    wait_until_ready(page)
    replace_code(page, "while True:\n    pass\n")
    page.get_by_role("button", name="Check").click()
    expect_verdict(page, "timeout")
    limit = exercise.time_limit_ms / 1000
    expect(page.locator("#verdict-summary")).to_contain_text(f"Stopped after {limit:g} s")
    expect(page.locator("#verdict-summary")).to_contain_text("infinite loop")
    page.screenshot(path=str(ARTIFACTS / "exercise-timeout.png"))
    replace_code(page, exercise.solution["shipping.py"])
    page.get_by_role("button", name="Check").click()
    expect_verdict(page, "passed")
    assert page.foreign_requests == []


def test_a_check_stopped_by_a_busy_computer_is_rerun_and_never_counted(
    page, live_server, exercise
):
    # The page's test hook: at each limit the machine is 2x, then 10x, then 2x, 2x slower than
    # when Python started (no real load, no timing).
    page.add_init_script("self.frictionTestSlowdown = [2, 10, 2, 2];")
    email = sign_up(page)
    page.goto(f"/exercises/{EXERCISE_ID}")
    wait_until_ready(page)
    replace_code(page, "while True:\n    pass\n")
    summary = page.locator("#verdict-summary")
    limit = exercise.time_limit_ms / 1000

    # 2x at the limit: stopped by the busy computer and re-run; 10x during the re-run, more
    # than its stretched limit allows: still the computer's, and nothing counts.
    page.get_by_role("button", name="Check").click()
    note = summary.locator(".rerun-note")
    expect(note).to_contain_text("stopped because the computer was busy, not because of your code")
    expect(note).to_contain_text("does not count against you")
    expect(page.locator("#status-line")).to_contain_text("running once more with more time")
    page.screenshot(path=str(ARTIFACTS / "exercise-busy-rerun.png"))
    expect_verdict(page, "aborted")
    expect(summary).to_contain_text("The computer was too busy to give your code a fair run")
    expect(summary).to_contain_text("does not count against you")
    expect(page.locator("#card-area")).to_be_empty()  # no friction card for it
    assert_accessible(page, "the exercise page after a busy-computer stop")

    # 2x at the limit again, and as slow during the re-run: now the loop is the learner's, under
    # the stretched limit.
    page.get_by_role("button", name="Check").click()
    expect(note).to_contain_text("stopped because the computer was busy")
    expect_verdict(page, "timeout")
    expect(summary).to_contain_text(f"Stopped after {2 * limit:g} s")
    expect(summary).to_contain_text("probably an infinite loop")
    expect(summary).to_contain_text(
        f"usual limit of {limit:g} s was stretched because the computer was busy"
    )
    expect(page.locator("#attempt-rows tr:not(.pending)")).to_have_count(2)
    # Each check is one attempt (its re-run is not another); the friction rules, the journal
    # and the track skip the aborted one (tests/integration/test_aborted_checks.py).
    assert [(a[0], a[1]) for a in stored_attempts(live_server, email)] == [
        ("check", "aborted"),
        ("check", "timeout"),
    ]
    assert page.page_errors == []


def test_attempts_made_offline_are_sent_once_when_back(page, live_server, exercise):
    email = sign_up(page)
    page.goto(f"/exercises/{EXERCISE_ID}")
    wait_until_ready(page)
    page.context.set_offline(True)
    replace_code(page, exercise.solution["shipping.py"])
    page.get_by_role("button", name="Check").click()
    expect_verdict(page, "passed")
    expect(page.locator("#queue-status")).to_contain_text("waiting")
    assert stored_attempts(live_server, email) == []
    page.context.set_offline(False)
    page.evaluate("() => window.frictionLab.queue.flush()")
    expect(page.locator("#queue-status")).to_have_text("")
    page.evaluate(
        "() => window.frictionLab.queue.flush()"
    )  # a second flush must not store it twice
    assert [a[1] for a in stored_attempts(live_server, email)] == ["passed"]


def test_unsaved_code_survives_a_reload_and_an_early_check_waits(page, live_server):
    sign_up(page)
    page.goto(f"/exercises/{EXERCISE_ID}")
    replace_code(page, "# my half-finished idea\n")
    # The draft is saved a moment after typing stops: wait for it, not for a fixed time.
    # (Drafts are keyed by the learner's storage scope: friction:<scope>:draft:<exercise>.)
    saved = (
        "(suffix) => Object.keys(localStorage).some((key) => key.endsWith(suffix) && "
        "localStorage.getItem(key).includes('my half-finished idea'))"
    )
    page.wait_for_function(saved, arg=f":draft:{EXERCISE_ID}")
    # Python restores in about a second on a repeat visit: hold its start back until the learner
    # has pressed Check, so "before Python is ready" really is before.
    held = []
    page.route("**/runtime.json", lambda route: held.append(route))
    page.reload()
    expect(page.locator(".cm-content")).to_contain_text("my half-finished idea")
    expect(page.locator("#draft-note")).to_contain_text("Restored your unsaved code")
    # Pressing Check before Python is ready is not an error: it waits, and says so.
    page.locator(".cm-content").click()
    page.keyboard.press("Control+Enter")
    expect(page.locator("#status-line")).to_contain_text("Waiting for Python")
    page.wait_for_function("() => true")  # let the held request reach the handler
    assert held, "the worker never asked for runtime.json"
    for route in held:
        route.continue_()
    page.unroute("**/runtime.json")
    expect_verdict(page, FAILED)


def test_stop_button_and_code_that_swallows_the_interrupt(page, live_server, exercise):
    sign_up(page)
    page.goto(f"/exercises/{EXERCISE_ID}")
    wait_until_ready(page)
    # Stop: the learner ends a slow run themselves.
    replace_code(page, "while True:\n    pass\n")
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#status-line")).to_contain_text("Running the tests")
    page.get_by_role("button", name="Stop").click()
    expect_verdict(page, "timeout")
    expect(page.locator("#verdict-summary")).to_contain_text("Stopped by you")
    # Code that catches KeyboardInterrupt cannot be interrupted: the worker is replaced instead.
    stubborn = "while True:\n    try:\n        while True:\n            pass\n"
    replace_code(page, stubborn + "    except BaseException:\n        pass\n")
    page.get_by_role("button", name="Check").click()
    expect_verdict(page, "timeout")
    expect(page.locator("#verdict-summary")).to_contain_text("probably an infinite loop")
    stats = page.evaluate("() => window.frictionLab.runner.stats")
    # Interrupt first, then replace the worker (on a very busy machine the Stop may need that too).
    assert stats["interrupted"] >= 2 and stats["replaced"] >= 1
    # The fresh worker grades the next check; the learner did not have to reload. (Two failed
    # checks in a row: the reflection card comes first, and skipping it is allowed.)
    replace_code(page, exercise.solution["shipping.py"])
    page.get_by_role("button", name="Check").click()
    page.get_by_role("button", name="Skip and check").click()
    expect_verdict(page, "passed")
