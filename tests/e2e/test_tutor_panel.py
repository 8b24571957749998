"""The AI tutor in a real browser, against a fake Anthropic API behind the real SDK: fail,
reflect, hint level 1 unlocks, ask the tutor, and the reply appears with its named steps and
"what the tutor saw" (the rejected first reply and every guard result; never the reference)."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.conftest import LiveServer
from tests.e2e.test_core_loop import EXERCISE_ID
from tests.e2e.test_core_loop import READY
from tests.e2e.test_core_loop import exercise  # noqa: F401  (fixture)
from tests.e2e.test_core_loop import replace_code
from tests.e2e.test_core_loop import sign_up
from tests.e2e.tutor_app import OUTAGE
from tests.e2e.tutor_app import QUESTION

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """This module's server: the app with its tutor on the fake API."""
    server = LiveServer(
        tmp_path_factory.mktemp("tutor-live"),
        flask_app="tests.e2e.tutor_app:create_app_with_fake_tutor()",
    )
    yield server
    server.stop()


def check_and_wait(page, outcome: str) -> None:
    page.get_by_role("button", name="Check").click()
    page.wait_for_selector(f".verdict-{outcome}", timeout=120_000)


def test_fail_reflect_unlock_ask_the_tutor_and_see_what_it_saw(page, live_server, exercise):  # noqa: F811
    email = sign_up(page)
    page.goto(f"/exercises/{EXERCISE_ID}")
    page.wait_for_selector(READY, timeout=90_000)
    panel = page.locator("#tutor-panel")
    # Present on this server, but closed until the hint ladder opens its first level.
    panel.get_by_role("heading", name="Ask the tutor").wait_for()
    assert panel.get_by_role("button", name="Ask the tutor").is_hidden()
    assert "failed checks" in panel.inner_text()

    wrong = exercise.wrong[0].files["shipping.py"]
    replace_code(page, wrong)
    check_and_wait(page, "failed")
    replace_code(page, wrong + "\n# tried something\n")
    check_and_wait(page, "failed")
    replace_code(page, wrong + "\n# and something else\n")
    page.get_by_role("button", name="Check").click()
    page.get_by_label("The error, in your own words").fill("The calculator still picks the price")
    page.get_by_label("Your guess at the cause").fill("My isinstance chain is the ladder again")
    page.get_by_role("button", name="Save and check").click()
    # The last failure stays on screen while the card is open: wait for the third check itself
    # (its row in the attempts table, and the page done with it), not for a failed verdict.
    expect(page.locator("#attempt-rows tr")).to_have_count(3, timeout=120_000)
    expect(page.locator("body")).to_have_attribute("data-check", "done", timeout=120_000)

    # Level 1 is open: the tutor can be asked, and the panel says what is left today.
    ask = panel.get_by_role("button", name="Ask the tutor")
    ask.wait_for(timeout=30_000)
    assert "20 of 20 tutor questions left today" in panel.inner_text()
    panel.get_by_label("Your question to the tutor (one line)").fill(
        "Just give me the code for the calculator"
    )
    ask.click()

    answered = panel.locator(".tutor-turn[data-status=answered]")
    answered.wait_for(timeout=60_000)
    for step in ("Reading your code", "Looking at the failing check", "Writing a question"):
        item = panel.locator(".tutor-steps li", has_text=step)
        assert item.get_attribute("data-state") == "done", step
    assert QUESTION in answered.locator(".tutor-reply").inner_text()
    assert "this reply passed every check (an earlier reply was rejected)" in answered.inner_text()
    assert "19 of 20 tutor questions left today" in panel.inner_text()
    panel.screenshot(path=str(ARTIFACTS / "tutor-panel.png"))

    # "What the tutor saw": the exact context (code, failing test, reflection, question) and the
    # guard results of both replies; the rejected one's text and the reference stay hidden.
    answered.get_by_text("What the tutor saw").click()
    saw = answered.locator(".tutor-saw").inner_text()
    assert "# and something else" in saw
    assert "My isinstance chain is the ladder again" in saw
    assert "Just give me the code for the calculator" in saw
    assert "never quote" in saw
    assert "Reply 1" in saw and "rejected" in saw and "Reply 2" in saw and "shown" in saw
    g2 = answered.locator(".tutor-guards").first.locator("tr[data-guard=G2]")
    assert "fail" in g2.inner_text()
    page_text = page.inner_text("body")
    assert "Here is the fix" not in page_text  # the rejected reply is never shown
    assert "withheld: rejected by G1, G2, G3" in saw
    assert "ShippingStrategy" not in page_text  # nor anything only the reference has
    answered.scroll_into_view_if_needed()
    panel.screenshot(path=str(ARTIFACTS / "tutor-panel-what-it-saw.png"))

    # The service fails: the panel says it is the service, not the learner; hints keep working.
    panel.get_by_label("Your question to the tutor (one line)").fill(f"And now? {OUTAGE}")
    ask.click()
    failure = panel.locator(".tutor-turn[data-status=failed]")
    failure.wait_for(timeout=60_000)
    assert "The tutor service had an internal error" in failure.inner_text()
    assert "not yours" in failure.inner_text()
    writing = panel.locator(".tutor-steps li", has_text="Writing a question")
    assert writing.get_attribute("data-state") == "failed"
    assert "19 of 20 tutor questions left today" in panel.inner_text()  # it cost nothing
    panel.screenshot(path=str(ARTIFACTS / "tutor-panel-service-failed.png"))
    page.get_by_label("What did you try, or where are you stuck? (one line)").fill(
        "The calculator still checks the class"
    )
    page.get_by_role("button", name="Show hint 1 of 4").click()
    page.locator("#hint-list li.hint").first.wait_for()

    with closing(sqlite3.connect(live_server.db_path)) as db:
        turns = db.execute(
            "SELECT t.status, t.level, t.model, json_array_length(t.raw_replies) FROM tutor_turn t "
            "JOIN user u ON u.id = t.user_id WHERE u.email = ? ORDER BY t.id",
            (email,),
        ).fetchall()
    assert turns == [("answered", 1, "claude-haiku-5-5", 2), ("failed", 1, None, 0)]
    assert page.page_errors == [] and page.foreign_requests == []
