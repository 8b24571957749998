"""Productive friction in a real browser: reflection after two failures, a held unchanged
resubmission, a pass with its success reflection and the reference, all stored in SQL.
(The friction thresholds are the short e2e ones from conftest.E2E_FRICTION.)"""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing

from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_core_loop import EXERCISE_ID
from tests.e2e.test_core_loop import exercise  # noqa: F401  (fixture)
from tests.e2e.test_core_loop import expect_verdict
from tests.e2e.test_core_loop import replace_code
from tests.e2e.test_core_loop import sign_up
from tests.e2e.test_core_loop import wait_until_ready


def rows(live_server, sql: str, email: str) -> list[tuple]:
    """Query the server's database for one learner."""
    with closing(sqlite3.connect(live_server.db_path)) as db:
        return db.execute(sql, (email,)).fetchall()


def check_and_wait(page, outcome: str, attempts: int) -> None:
    """Press Check and wait for the verdict of this new attempt (the n-th row in the list)."""
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#attempt-rows tr")).to_have_count(attempts)
    expect_verdict(page, outcome)


def test_fail_twice_reflect_wait_pass_reflect(page, live_server, exercise):  # noqa: F811
    email = sign_up(page)
    page.goto(f"/exercises/{EXERCISE_ID}")
    wait_until_ready(page)
    # F0: the plan card is there on opening; it can be answered or skipped.
    goal = page.get_by_label("In your own words, what is the goal?")
    goal.fill("Move each price rule into its own class")
    page.get_by_label("How many checks do you expect to need? (optional)").fill("2")
    page.screenshot(path=str(ARTIFACTS / "card-plan.png"))
    assert_accessible(page, "the exercise page with the plan card")
    page.get_by_role("button", name="Save my plan").click()
    expect(page.locator("#card-area")).to_be_empty()
    expect(page.locator(".cm-content")).to_be_focused()  # the next control: the editor

    wrong = exercise.wrong[0].files["shipping.py"]
    replace_code(page, wrong)
    check_and_wait(page, "failed", 1)
    replace_code(page, wrong + "\n# tried something\n")
    check_and_wait(page, "failed", 2)

    # F1: the third check asks for a reflection first; its two fields are required.
    replace_code(page, wrong + "\n# and something else\n")
    page.get_by_role("button", name="Check").click()
    page.get_by_role("heading", name="Two failed checks in a row: pause for a moment").wait_for()
    page.get_by_role("button", name="Save and check").click()
    expect(page.get_by_text("Please fill in")).to_be_visible()  # a clear message, nothing lost
    own_words = page.get_by_label("The error, in your own words")
    own_words.fill("The calculator still picks the price <b>itself</b>")
    page.get_by_label("Your guess at the cause").fill("My isinstance chain is the ladder again")
    page.screenshot(path=str(ARTIFACTS / "card-reflection.png"))
    assert_accessible(page, "the exercise page with the reflection card")
    page.get_by_role("button", name="Save and check").click()
    expect(page.locator("#attempt-rows tr")).to_have_count(3)
    expect_verdict(page, "failed")

    # F2: the same code again is held with "predict what will change"; the code stays.
    page.get_by_role("button", name="Check").click()
    page.get_by_role("heading", name="Predict what will change").wait_for()
    prediction = page.get_by_label("What do you expect the next check to show? (optional)")
    prediction.fill("The same failure")
    page.screenshot(path=str(ARTIFACTS / "card-cooldown.png"))
    assert_accessible(page, "the exercise page with the wait card")
    expect(page.locator("#card-area")).to_be_empty()  # the wait ends by itself
    expect(page.locator("#attempt-rows tr")).to_have_count(4)
    expect_verdict(page, "failed")
    expect(page.locator(".cm-content")).to_contain_text("and something else")

    # Two more failures since the reflection: the next check asks again; skipping is recorded.
    replace_code(page, exercise.solution["shipping.py"])
    page.get_by_role("button", name="Check").click()
    page.get_by_role("button", name="Skip and check").click()
    # Pass: the success reflection shows the reference beside the learner's code, and calibration.
    expect_verdict(page, "passed")
    # The server re-runs the tests on the stored files before the reference opens.
    expect(page.get_by_role("heading", name="Solved. What worked?")).to_be_visible(timeout=90_000)
    expect(page.locator("#card-area")).to_contain_text("You expected 2 checks; it took 5.")
    expect(page.locator("#card-area")).to_contain_text("Reference shipping.py")
    page.screenshot(path=str(ARTIFACTS / "card-success.png"), full_page=True)
    assert_accessible(page, "the exercise page with the success card")
    what_worked = page.get_by_role("textbox", name="What worked?")
    what_worked.fill("One class per price rule, handed to the calculator")
    page.get_by_role("button", name="Save reflection").click()
    expect(page.locator("#card-area")).to_be_empty()

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
    journal = page.locator("main")
    expect(journal).to_contain_text("Solved in 5 checks")
    expect(journal).to_contain_text("Reflection after a failed check")
    expect(journal).to_contain_text("Reflection after solving")
    expect(journal).to_contain_text("The calculator still picks the price <b>itself</b>")
    expect(page.locator("svg.timeline-strip[role=img]")).to_have_count(1)  # the timeline
    # The progress chart is drawn by Chart.js (bundled, no CDN) on a canvas with a name.
    expect(page.locator("#journal-charts")).to_have_attribute("data-state", "ready")
    drawn = page.evaluate(
        "() => [...document.querySelectorAll('#journal-charts canvas')].map((c) => c.width)"
    )
    assert len(drawn) == 2 and all(width > 100 for width in drawn)
    expect(page.locator("#chart-solves")).to_have_accessible_name(
        "Checks to solve (per solved exercise, lower is quicker)"
    )
    page.screenshot(path=str(ARTIFACTS / "journal.png"), full_page=True)
    assert_accessible(page, "the journal")
    # The track page counts the same checks the same way.
    page.goto("/tracks/design-patterns")
    counts = re.compile(r"Solved in 5 checks\s+5 checks in all")
    expect(page.locator("main")).to_contain_text(counts)
    page.screenshot(path=str(ARTIFACTS / "track.png"))
    assert_accessible(page, "the track page")
    assert page.page_errors == []
