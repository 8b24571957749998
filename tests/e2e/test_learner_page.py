"""The exercise page as a learner meets it: cards that keep the failure in view and check the
code as it is when they close, a first pass that opens the reference for good, text kept when
the server says no, keyboard focus that goes somewhere useful, and a page that fits a phone.
Every page visited is checked with axe-core."""

from __future__ import annotations

import re
import sqlite3
import uuid
from contextlib import closing
from datetime import UTC
from datetime import datetime
from datetime import timedelta

from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_core_loop import EXERCISE_ID
from tests.e2e.test_core_loop import FAILED
from tests.e2e.test_core_loop import exercise  # noqa: F401  (fixture)
from tests.e2e.test_core_loop import expect_verdict
from tests.e2e.test_core_loop import replace_code
from tests.e2e.test_core_loop import sign_up
from tests.e2e.test_core_loop import wait_until_ready

PHONE_HEIGHT = 844


def press_check(page, attempts: int) -> None:
    """Press Check; wait until that check and its cards are over and it is the n-th attempt."""
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#attempt-rows tr")).to_have_count(attempts)
    expect(page.locator("body")).to_have_attribute("data-check", "done")


def no_sideways_scroll(page) -> None:
    """Nothing on the page is wider than the screen."""
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    wide = page.evaluate(  # what sticks out, to say what to fix
        """() => {
            const out = (e) => e.getBoundingClientRect().right > window.innerWidth + 1;
            return [...document.querySelectorAll('body *')]
                .filter((e) => out(e) && ![...e.children].some(out))
                .slice(0, 5)
                .map((e) => `${e.tagName}.${e.className} ${e.textContent.slice(0, 60)}`);
        }"""
    )
    assert width[0] <= width[1], f"the page scrolls sideways: {width[0]} px for {width[1]}: {wide}"


def failure_stays_in_view(page) -> None:
    """While a card asks about the last failure, Results still show it (not 'Checking…').

    Read once, not with a retrying expect: the card is on screen, so Results are already what
    the learner sees; waiting here would let the held check finish and hide a wrong state."""
    summary = page.locator("#verdict-summary")
    assert FAILED.search(summary.get_attribute("class")), summary.inner_text()
    assert "Checking" not in summary.inner_text()
    assert page.locator(".test-failed, .test-error").first.is_visible()


def test_wait_card_checks_the_edited_code_and_the_first_pass_opens_the_reference(
    page,
    live_server,
    exercise,  # noqa: F811
):
    sign_up(page)
    page.goto(f"/exercises/{EXERCISE_ID}")
    wait_until_ready(page)
    assert_accessible(page, "the exercise page, ready, with the plan card")
    # The hint form stays hidden while hints are locked, and the page says why.
    expect(page.locator("#hint-form")).to_be_hidden()
    expect(page.locator("#hint-status")).to_contain_text("The first hint opens after")
    # The editor shows where the keyboard is.
    page.locator(".cm-content").click()
    outline = page.evaluate("() => getComputedStyle(document.getElementById('editor')).outline")
    assert "solid" in outline and "3px" in outline, outline

    wrong = exercise.wrong[0].files["shipping.py"]
    replace_code(page, wrong)
    press_check(page, 1)  # Check answers the open plan card with a skip
    expect_verdict(page, FAILED)
    expect(page.locator("#verdict-summary")).to_be_focused()  # focus lands on the result
    # The attempts table fits its pane.
    fits = page.evaluate(
        """() => document.getElementById('attempt-table').getBoundingClientRect().right
                 <= document.querySelector('.pane-extras').getBoundingClientRect().right"""
    )
    assert fits, "the attempts table overflows its pane"

    # Unchanged code is held by the wait card; the failure it asks about stays in view, and
    # the code as it is when the wait ends is what gets checked.
    page.get_by_role("button", name="Check").click()
    page.get_by_role("heading", name="Predict what will change").wait_for()
    failure_stays_in_view(page)
    assert_accessible(page, "the exercise page with the wait card")
    replace_code(page, exercise.solution["shipping.py"])
    expect(page.locator("#attempt-rows tr")).to_have_count(2)
    expect_verdict(page, "passed")

    # The first pass: the success card, then the solved state with the way on.
    page.get_by_role("heading", name="Solved. What worked?").wait_for()
    page.get_by_role("button", name="Skip", exact=True).click()
    next_link = page.locator("#next-link")
    expect(next_link).to_be_focused()  # the next control after the card
    expect(next_link).to_have_text(re.compile(r"^Next exercise: Factory Method"))
    expect(page.locator("#solved-state")).to_contain_text("Solved in 2 checks.")
    # The reference stays reachable after the card closed.
    page.get_by_text("Compare with the reference solution").click()
    expect(page.locator("#reference-files")).to_contain_text("Reference shipping.py")
    page.screenshot(path=str(ARTIFACTS / "exercise-solved.png"), full_page=True)
    assert_accessible(page, "the solved exercise page")

    # A later pass is just a pass: no success card again.
    press_check(page, 3)
    expect_verdict(page, "passed")
    expect(page.locator("#card-area")).to_be_empty()
    page.reload()
    expect(page.locator("#solved-state")).to_be_visible()
    expect(page.locator("#reference-box")).to_be_visible()
    assert page.page_errors == []


def csrf(page) -> str:
    return page.locator('meta[name="csrf-token"]').get_attribute("content")


def test_reflection_card_and_hint_explanation_keep_the_text_when_the_server_says_no(
    page,
    live_server,
    exercise,  # noqa: F811
):
    email = sign_up(page)
    page.goto(f"/exercises/{EXERCISE_ID}")
    wait_until_ready(page)
    wrong = exercise.wrong[0].files["shipping.py"]
    replace_code(page, wrong)
    # The server cannot say which card comes: the check runs anyway, and the page says so.
    friction = f"**/api/exercises/{EXERCISE_ID}/friction"
    page.route(friction, lambda route: route.fulfill(status=502, body="Bad gateway"))
    press_check(page, 1)
    expect(page.locator("#page-notice")).to_contain_text("Could not ask the server about cards")
    page.unroute(friction)
    replace_code(page, wrong + "\n# another try\n")
    press_check(page, 2)
    expect(page.locator("#page-notice")).to_be_hidden()

    # The reflection card: the failure stays under Results while it is open.
    page.get_by_role("button", name="Check").click()
    page.get_by_role("heading", name="Two failed checks in a row: pause for a moment").wait_for()
    failure_stays_in_view(page)
    words = "The calculator still chooses the formula"
    page.get_by_label("The error, in your own words").fill(words)
    page.get_by_label("Your guess at the cause").fill("My if/elif ladder is still there")
    # Meanwhile the learner fixes the code; that code is what the check will run.
    replace_code(page, exercise.solution["shipping.py"])
    # The server refuses once: the card says so and keeps every word.
    page.route("**/api/journal", lambda route: route.fulfill(status=500, body="oops"))
    page.get_by_role("button", name="Save and check").click()
    expect(page.locator("#card-area .card-error")).to_contain_text("Not saved")
    expect(page.get_by_label("The error, in your own words")).to_have_value(words)
    page.unroute("**/api/journal")
    page.get_by_role("button", name="Save and check").click()
    expect(page.locator("#attempt-rows tr")).to_have_count(3)
    expect_verdict(page, "passed")  # the code edited while the card was open
    page.get_by_role("heading", name="Solved. What worked?").wait_for()
    page.get_by_role("button", name="Skip", exact=True).click()

    # After a pass every hint opens. Take the first three through the API, the last on the page.
    for level in (1, 2, 3):
        response = page.request.post(
            f"/api/exercises/{EXERCISE_ID}/hints",
            data={"level": level, "stuck_text": f"tried {level}"},
            headers={"X-CSRFToken": csrf(page)},
        )
        assert response.status == 201, response.text()
    page.reload()
    expect(page.locator("#hint-form")).to_be_visible()
    page.get_by_label("What did you try, or where are you stuck? (one line)").fill("compare")
    page.get_by_role("button", name="Show hint 4 of 4").click()
    explanation = page.get_by_label("In one sentence: why does this work?")
    sentence = "Each rule is an object, so the calculator never chooses"
    explanation.fill(sentence)
    page.route("**/api/friction-events", lambda route: route.fulfill(status=503, body=""))
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".hint .card-error")).to_contain_text("Not saved")
    expect(explanation).to_have_value(sentence)
    page.unroute("**/api/friction-events")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text(f"Your explanation: {sentence}")).to_be_visible()
    assert_accessible(page, "the exercise page with every hint shown")
    with closing(sqlite3.connect(live_server.db_path)) as db:
        stored = db.execute(
            "SELECT f.rule, f.action, f.details FROM friction_event f "
            "JOIN user u ON u.id = f.user_id WHERE u.email = ? AND f.action = 'explained'",
            (email,),
        ).fetchall()
    assert len(stored) == 1 and stored[0][0] == "F5" and sentence in stored[0][2]


def post_failed_checks(page, checked, count: int) -> None:
    """Record failed checks with one and the same error through the API, as the page posts them."""
    for _ in range(count):
        response = page.request.post(
            "/api/attempts",
            data={
                "id": str(uuid.uuid4()),
                "exercise_id": checked.id,
                "exercise_version": checked.version,
                "kind": "check",
                "files": {"shipping.py": "# the same mistake\n"},
                "verdict": {
                    "status": "failed",
                    "kind": "check",
                    "tests": [{"name": "test_same", "outcome": "failed", "message": "no"}],
                },
                "duration_ms": 100,
                "client_time": datetime.now(UTC).isoformat(),
            },
            headers={"X-CSRFToken": csrf(page)},
        )
        assert response.status in (200, 201), response.text()


def age_attempts(live_server, email: str, minutes: int) -> None:
    """Move the learner's recorded checks back in time, as if made `minutes` ago."""
    with closing(sqlite3.connect(live_server.db_path)) as db:
        rows = db.execute(
            "SELECT a.id, a.created_at FROM attempt a JOIN user u ON u.id = a.user_id "
            "WHERE u.email = ?",
            (email,),
        ).fetchall()
        for attempt_id, created in rows:
            at = datetime.fromisoformat(created) - timedelta(minutes=minutes)
            db.execute(
                "UPDATE attempt SET created_at = ? WHERE id = ?",
                (at.strftime("%Y-%m-%d %H:%M:%S.%f"), attempt_id),
            )
        db.commit()


def test_welcome_back_card_keeps_the_text_when_refused_and_hands_focus_to_the_editor(
    page,
    live_server,
    exercise,  # noqa: F811
):
    email = sign_up(page)
    # A failed check eleven minutes ago: coming back now brings the welcome-back card (F7).
    post_failed_checks(page, exercise, 1)
    age_attempts(live_server, email, 11)
    page.goto(f"/exercises/{EXERCISE_ID}")
    page.get_by_role("heading", name="Welcome back").wait_for()
    assert_accessible(page, "the exercise page with the welcome-back card")
    thought = page.get_by_label("Still true? What do you think now?")
    words = "The ladder is still in the calculator"
    thought.fill(words)
    page.route("**/api/journal", lambda route: route.fulfill(status=500, body="oops"))
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#card-area .card-error")).to_contain_text("Not saved")
    expect(page.locator("#card-area .card-error")).to_be_visible()
    expect(thought).to_have_value(words)
    page.unroute("**/api/journal")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", name="Welcome back")).to_have_count(0)
    # The next control after the card: the editor, ready to type in.
    expect(page.locator(".cm-content")).to_be_focused()
    with closing(sqlite3.connect(live_server.db_path)) as db:
        stored = db.execute(
            "SELECT j.kind, j.text FROM journal_entry j JOIN user u ON u.id = j.user_id "
            "WHERE u.email = ?",
            (email,),
        ).fetchall()
    assert stored == [("reentry", words)]
    assert page.page_errors == []


def test_break_card_keeps_the_note_when_refused_and_hands_focus_to_the_editor(
    page,
    live_server,
    exercise,  # noqa: F811
):
    email = sign_up(page)
    # Five failures with the same error two minutes ago (repeated-error density 3.2, over the
    # 3.0 that offers a break), already reflected on, so the next check starts at once.
    post_failed_checks(page, exercise, 5)
    age_attempts(live_server, email, 2)
    response = page.request.post(
        "/api/journal",
        data={
            "kind": "after_failure",
            "exercise_id": exercise.id,
            "error_in_own_words": "the same test fails",
            "cause_guess": "the ladder",
        },
        headers={"X-CSRFToken": csrf(page)},
    )
    assert response.ok, response.text()
    page.goto(f"/exercises/{EXERCISE_ID}")
    wait_until_ready(page)
    replace_code(page, exercise.wrong[0].files["shipping.py"])
    page.get_by_role("button", name="Check").click()
    page.get_by_role("heading", name="This looks like a hard stretch").wait_for()
    take_break = page.get_by_role("button", name=re.compile(r"Take a \d+-minute break"))
    expect(take_break).to_be_focused()
    assert_accessible(page, "the exercise page with the break card")
    take_break.click()
    back = page.get_by_role("button", name="I'm back")
    expect(back).to_be_focused()
    note = page.get_by_label("When you come back, what will you try? (optional)")
    words = "Draw the ladder as objects first"
    note.fill(words)
    page.route("**/api/journal", lambda route: route.fulfill(status=503, body=""))
    back.click()
    expect(page.locator("#card-area .card-error")).to_contain_text("Not saved")
    expect(page.locator("#card-area .card-error")).to_be_visible()
    expect(note).to_have_value(words)
    page.unroute("**/api/journal")
    back.click()
    expect(page.get_by_role("heading", name="On a break")).to_have_count(0)
    expect(page.locator(".cm-content")).to_be_focused()
    with closing(sqlite3.connect(live_server.db_path)) as db:
        stored = db.execute(
            "SELECT j.kind, j.text FROM journal_entry j JOIN user u ON u.id = j.user_id "
            "WHERE u.email = ? AND j.kind = 'break'",
            (email,),
        ).fetchall()
    assert stored == [("break", words)]
    assert page.page_errors == []


def test_on_a_phone_the_editor_is_on_the_first_screen_and_nothing_scrolls_sideways(
    phone,
    live_server,
    exercise,  # noqa: F811
):
    page = phone
    sign_up(page)
    no_sideways_scroll(page)
    assert_accessible(page, "the tracks page on a phone")
    page.goto(f"/exercises/{EXERCISE_ID}")
    # Measured once the page has settled (Python ready): a loaded machine may still be laying out.
    wait_until_ready(page)
    editor_top = page.locator("#editor").bounding_box()["y"]
    assert editor_top < PHONE_HEIGHT * 0.75, f"the editor starts {editor_top:.0f} px down"
    replace_code(page, exercise.wrong[0].files["shipping.py"])
    press_check(page, 1)
    expect_verdict(page, FAILED)
    no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "phone-exercise-failed.png"), full_page=True)
    assert_accessible(page, "the exercise page on a phone")
    for url in ("/tracks/design-patterns", "/journal"):
        page.goto(url)
        no_sideways_scroll(page)
        page.screenshot(path=str(ARTIFACTS / f"phone-{url.strip('/').replace('/', '-')}.png"))
        assert_accessible(page, f"{url} on a phone")


def test_pages_without_python_have_no_accessibility_violations(page, live_server):
    sign_up(page)  # checks the sign-up form
    for url, where in (
        ("/", "the tracks page"),
        ("/journal", "the empty journal"),
        ("/account/delete", "the account deletion page"),
        ("/no-such-page", "the 404 page"),
    ):
        page.goto(url)
        assert_accessible(page, where)
    page.get_by_role("button", name="Log out").click()
    page.goto("/auth/login")
    page.get_by_role("button", name="Log in").click()  # empty form: the errors are shown
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()
    assert_accessible(page, "the login page with its errors")
