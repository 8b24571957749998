"""Productive friction in a real browser: reflection after two failures, a held unchanged
resubmission, a pass with its success reflection and the reference, all stored in SQL."""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_core_loop import EXERCISE_ID
from tests.e2e.test_core_loop import READY
from tests.e2e.test_core_loop import exercise  # noqa: F401  (fixture)
from tests.e2e.test_core_loop import replace_code
from tests.e2e.test_core_loop import sign_up


def rows(live_server, sql: str, email: str) -> list[tuple]:
    """Query the server's database for one learner."""
    with closing(sqlite3.connect(live_server.db_path)) as db:
        return db.execute(sql, (email,)).fetchall()


def check_and_wait(page, outcome: str) -> None:
    """Press Check and wait for a fresh verdict of the given kind."""
    page.get_by_role("button", name="Check").click()
    page.wait_for_selector(f".verdict-{outcome}", timeout=120_000)


def test_fail_twice_reflect_wait_pass_reflect(page, live_server, exercise):  # noqa: F811
    email = sign_up(page)
    page.goto(f"/exercises/{EXERCISE_ID}")
    page.wait_for_selector(READY, timeout=90_000)
    # F0: the plan card is there on opening; it can be answered or skipped.
    goal = page.get_by_label("In your own words, what is the goal?")
    goal.fill("Move each price rule into its own class")
    page.get_by_label("How many checks do you expect to need? (optional)").fill("2")
    page.screenshot(path=str(ARTIFACTS / "card-plan.png"))
    page.get_by_role("button", name="Save my plan").click()

    wrong = exercise.wrong[0].files["shipping.py"]
    replace_code(page, wrong)
    check_and_wait(page, "failed")
    replace_code(page, wrong + "\n# tried something\n")
    check_and_wait(page, "failed")

    # F1: the third check asks for a reflection first; its two fields are required.
    replace_code(page, wrong + "\n# and something else\n")
    page.get_by_role("button", name="Check").click()
    page.get_by_role("heading", name="Two failed checks in a row: pause for a moment").wait_for()
    page.get_by_role("button", name="Save and check").click()
    page.get_by_text("Please fill in").wait_for()  # a clear message, nothing lost
    own_words = page.get_by_label("The error, in your own words")
    own_words.fill("The calculator still picks the price <b>itself</b>")
    page.get_by_label("Your guess at the cause").fill("My isinstance chain is the ladder again")
    page.screenshot(path=str(ARTIFACTS / "card-reflection.png"))
    page.get_by_role("button", name="Save and check").click()
    page.wait_for_selector(".verdict-failed", timeout=60_000)

    # F2: the same code again is held for 20 s with "predict what will change"; the code stays.
    started = time.monotonic()
    page.get_by_role("button", name="Check").click()
    page.get_by_role("heading", name="Predict what will change").wait_for()
    prediction = page.get_by_label("What do you expect the next check to show? (optional)")
    prediction.fill("The same failure")
    page.screenshot(path=str(ARTIFACTS / "card-cooldown.png"))
    page.wait_for_selector(".verdict-failed", timeout=60_000)
    assert time.monotonic() - started >= 15
    assert "and something else" in page.locator(".cm-content").inner_text()

    # Two more failures since the reflection: the next check asks again; skipping is recorded.
    replace_code(page, exercise.solution["shipping.py"])
    page.get_by_role("button", name="Check").click()
    page.get_by_role("button", name="Skip and check").click()
    # Pass: the success reflection shows the reference beside the learner's code, and calibration.
    page.wait_for_selector(".verdict-passed", timeout=60_000)
    # The server re-runs the tests on the stored files before the reference opens.
    page.get_by_role("heading", name="Solved. What worked?").wait_for(timeout=90_000)
    assert "You expected 2 checks; it took 5." in page.inner_text("#card-area")
    assert "Reference shipping.py" in page.inner_text("#card-area")
    page.screenshot(path=str(ARTIFACTS / "card-success.png"), full_page=True)
    what_worked = page.get_by_role("textbox", name="What worked?")
    what_worked.fill("One class per price rule, handed to the calculator")
    page.get_by_role("button", name="Save reflection").click()
    page.wait_for_selector("#card-area:empty", state="attached")

    kinds = rows(
        live_server,
        "SELECT e.kind, e.skipped FROM journal_entry e JOIN user u ON u.id = e.user_id "
        "WHERE u.email = ? ORDER BY e.id",
        email,
    )
    assert kinds == [("plan", 0), ("after_failure", 0), ("after_failure", 1), ("after_success", 0)]
    events = rows(
        live_server,
        "SELECT f.rule, f.action FROM friction_event f JOIN user u ON u.id = f.user_id "
        "WHERE u.email = ? ORDER BY f.id",
        email,
    )
    assert ("F1", "shown") in events and ("F1", "completed") in events
    assert ("F2", "shown") in events and ("F2", "waited") in events
    gates = rows(
        live_server,
        "SELECT a.gate FROM attempt a JOIN user u ON u.id = a.user_id "
        "WHERE u.email = ? ORDER BY a.id",
        email,
    )
    assert [g for (g,) in gates] == [None] * 5  # the page respected every gate
    # The journal page shows all of it: the exercise's timeline and the entries, in order.
    page.goto("/journal")
    journal = page.inner_text("main")
    assert "Solved in 5 checks" in journal
    assert "Reflection after a failed check" in journal and "Reflection after solving" in journal
    assert "The calculator still picks the price <b>itself</b>" in journal  # shown as text
    assert page.locator("svg[role=img]").count() >= 2  # the chart and the exercise's timeline
    page.screenshot(path=str(ARTIFACTS / "journal.png"), full_page=True)
    assert page.page_errors == []
