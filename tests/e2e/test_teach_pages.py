"""The instructor's pages on a phone: a learner with a long name and a few failed checks; the
dashboard and the learner's page fit the screen, every CSV link is in view, and axe-core finds
nothing. The checks are posted as the exercise page posts them (no Pyodide needed here)."""

from __future__ import annotations

import uuid
from datetime import UTC
from datetime import datetime

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_teach_course import EXERCISE_ID
from tests.e2e.test_teach_course import PASSWORD
from tests.e2e.test_teach_course import log_in
from tests.e2e.test_teach_course import make_instructor

# One word longer than a phone is wide, as a learner may choose for a display name.
LONG_NAME = "Maximiliana-Wolfeschlegelsteinhausenbergerdorff-Smith"


def failed_check(exercise_version: str, number: int) -> dict:
    """A failed Check shaped like the exercise page's (a long failing-test title)."""
    return {
        "id": str(uuid.uuid4()),
        "exercise_id": EXERCISE_ID,
        "exercise_version": exercise_version,
        "kind": "check",
        "files": {"shipping.py": f"# try {number}\nclass Parcel: ...\n"},
        "verdict": {
            "status": "failed",
            "kind": "check",
            "tests": [
                {
                    "name": "test_each_method_is_a_class",
                    "outcome": "failed",
                    "description": "Each shipping method is its own class with cost(parcel), "
                    "giving the old prices.",
                    "message": "assert 'ladder' == 'strategy'",
                }
            ],
            "error": None,
            "stdout": "",
            "stdout_truncated": False,
            "duration_ms": 40.0,
        },
        "duration_ms": 900,
        "client_time": datetime.now(UTC).isoformat(),
    }


def page_overflow(page) -> int:
    """How many CSS pixels the page is wider than the screen (0: it fits)."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_the_dashboard_and_a_learner_page_fit_a_phone(browser, live_server, page, phone):
    teacher = make_instructor(live_server)
    log_in(page, teacher)
    page.goto("/teach")
    page.get_by_label("Course name").fill("Patterns, spring")
    page.get_by_role("button", name="Create the course").click()
    code = page.locator(".join-code").first.inner_text()
    page.get_by_role("link", name="Exercises and friction").click()
    page.locator(f"input[name=exercise][value={EXERCISE_ID}]").check()
    page.get_by_role("button", name="Save the exercises").click()
    course_url = page.get_by_role("link", name="Patterns, spring").get_attribute("href")

    learner = browser.new_context(base_url=live_server.url)
    student = learner.new_page()
    student.goto("/auth/signup")
    student.get_by_label("Name shown to you").fill(LONG_NAME)
    student.get_by_label("Email").fill(f"max-{uuid.uuid4().hex[:8]}@example.org")
    student.get_by_label("Password", exact=True).fill(PASSWORD)
    student.get_by_label("Password again").fill(PASSWORD)
    student.get_by_role("button", name="Sign up").click()
    student.wait_for_url("**/")
    student.goto("/courses")
    student.get_by_label("Join code").fill(code)
    student.get_by_role("button", name="Join").click()
    student.goto(f"/exercises/{EXERCISE_ID}")
    token = student.locator('meta[name="csrf-token"]').get_attribute("content")
    version = student.evaluate(
        "() => JSON.parse(document.getElementById('page-data').textContent).exercise.version"
    )
    for number in (1, 2, 3):
        response = student.request.post(
            "/api/attempts", data=failed_check(version, number), headers={"X-CSRFToken": token}
        )
        assert response.status == 201, response.text()
    learner.close()

    log_in(phone, teacher)
    phone.goto(course_url)
    phone.wait_for_selector("html[data-charts-ready=true]")
    for details in phone.locator("details").all():
        details.locator("summary").click()
    phone.screenshot(path=str(ARTIFACTS / "teach-dashboard-phone.png"), full_page=True)
    assert page_overflow(phone) == 0
    width = phone.viewport_size["width"]
    links = phone.locator(".csv-link")
    assert links.count() >= 10
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        assert box["x"] + box["width"] <= width, f"CSV link {i} is off the screen: {box}"
    assert_accessible(phone, "the course dashboard on a phone")
    learners = phone.get_by_role("table", name="Each learner's checks and solves", exact=False)
    # However long the name, the learner's checks and solves are in view beside it.
    for header in ("checks", "solved"):
        box = learners.get_by_role("columnheader", name=header, exact=True).bounding_box()
        assert box["x"] + box["width"] <= width, f"the {header} column is off the screen: {box}"

    learners.get_by_role("link", name=LONG_NAME).click()
    phone.get_by_role("heading", name=LONG_NAME).wait_for()
    phone.screenshot(path=str(ARTIFACTS / "teach-learner-phone.png"), full_page=True)
    assert page_overflow(phone) == 0
    checks = phone.get_by_role("region", name="Runs and checks (newest first)", exact=False)
    assert checks.locator("tbody tr").count() == 3
    # A failing test's title keeps readable lines: no row taller than a few lines of text.
    tallest = max(
        checks.locator("tbody tr").nth(i).bounding_box()["height"] for i in range(3)
    )
    assert tallest < 120, f"a row of the checks table is {tallest:.0f} px tall on a phone"
    assert_accessible(phone, "a learner's page on a phone")
    assert phone.page_errors == []
