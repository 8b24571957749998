"""An instructor authors an exercise in the browser: Prove runs the proof in Chromium's Pyodide
and fails on a broken solution, passes after the fix, Publish opens only then; the exercise is
published, a course shows it, a learner joins, fails twice and passes; the dashboard shows it."""

from __future__ import annotations

import re
import shutil
import uuid

import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.conftest import LiveServer
from tests.e2e.conftest import assert_accessible
from tests.e2e.conftest import new_page
from tests.e2e.test_teach_course import PASSWORD
from tests.e2e.test_teach_course import READY
from tests.e2e.test_teach_course import log_in
from tests.e2e.test_teach_course import make_instructor
from tests.e2e.test_teach_course import replace_code

BROKEN_SOLUTION = "def count_vowels(text):\n    return len(text)\n"
FIXED_SOLUTION = "def count_vowels(text):\n    return sum(c in 'aeiouAEIOU' for c in text)\n"
WRONG = "def count_vowels(text):\n    return sum(c in 'aeiou' for c in text)\n"


@pytest.fixture(scope="module")
def authoring_server(tmp_path_factory):
    """A server on its own copy of the exercises: publishing writes into it."""
    tmp = tmp_path_factory.mktemp("authoring")
    shutil.copytree(ROOT / "exercises", tmp / "exercises")
    server = LiveServer(tmp, exercises=tmp / "exercises")
    yield server
    server.stop()


def open_file(page, name: str) -> None:
    page.get_by_role("list", name="The exercise's files").get_by_role(
        "button", name=name, exact=True
    ).click()


def test_author_prove_publish_then_a_learner_solves_it(browser, authoring_server):
    page = new_page(browser, authoring_server, {"width": 1366, "height": 900})
    teacher = make_instructor(authoring_server)
    log_in(page, teacher)
    page.goto("/teach/author")
    page.get_by_role("link", name="Author in the browser").click()
    expect(page.locator("body")).to_have_attribute("data-author", "ready")
    page.get_by_label("Track").select_option("design-patterns")
    page.get_by_label("Folder name").fill("990-count-vowels")

    # The prompt's preview follows the text, rendered and sanitised by the server.
    page.get_by_label("Contents of the file").fill("Count the **vowels** <script>x()</script>")
    expect(page.locator("#preview-body strong")).to_have_text("vowels")
    expect(page.locator("#preview-body script")).to_have_count(0)

    open_file(page, "solution/vowels.py")
    page.get_by_label("Contents of the file").fill(BROKEN_SOLUTION)
    expect(page.locator("#prove-steps li[data-step=python]")).to_have_attribute(
        "data-state", "done"
    )
    expect(page.get_by_role("button", name="Publish")).to_be_disabled()
    page.get_by_role("button", name="Prove").click()
    problems = page.locator("#prove-problems")
    expect(problems).to_contain_text("Not proven")
    expect(problems).to_contain_text("solution should pass but is failed")
    expect(problems).to_be_focused()
    expect(page.get_by_role("button", name="Publish")).to_be_disabled()
    page.screenshot(path=str(ARTIFACTS / "author-not-proven.png"), full_page=True)

    page.get_by_label("Contents of the file").fill(FIXED_SOLUTION)
    page.get_by_role("button", name="Prove").click()
    expect(problems).to_contain_text("Proven: 5 answers behaved as they must.")
    expect(page.locator("#prove-cases tbody tr")).to_have_count(5)
    publish = page.get_by_role("button", name="Publish")
    expect(publish).to_be_enabled()
    page.screenshot(path=str(ARTIFACTS / "author-proven.png"), full_page=True)
    assert_accessible(page, "the exercise editor after a proof")
    publish.click()
    expect(problems).to_contain_text("Published my-count-vowels")

    # A course shows the new exercise; a learner joins, fails twice and passes.
    page.goto("/teach")
    page.get_by_label("Course name").fill("Vowels, spring")
    page.get_by_role("button", name="Create the course").click()
    code = page.locator(".join-code").first.inner_text()
    page.get_by_role("link", name="Exercises and friction").click()
    page.locator("input[name=exercise][value=my-count-vowels]").check()
    page.get_by_role("button", name="Save the exercises").click()
    course_url = page.get_by_role("link", name="Vowels, spring").get_attribute("href")

    student = new_page(browser, authoring_server, {"width": 1366, "height": 900})
    student.goto("/auth/signup")
    student.get_by_label("Name shown to you").fill("Grace")
    student.get_by_label("Email").fill(f"grace-{uuid.uuid4().hex[:8]}@example.org")
    student.get_by_label("Password", exact=True).fill(PASSWORD)
    student.get_by_label("Password again").fill(PASSWORD)
    student.get_by_role("button", name="Sign up").click()
    student.wait_for_url("**/")
    student.get_by_role("link", name="Courses").click()
    student.get_by_label("Join code").fill(code)
    student.get_by_role("button", name="Join").click()
    student.get_by_role("link", name="Count the vowels").click()
    expect(student.locator(READY)).to_have_count(1)
    for number in (1, 2):
        replace_code(student, WRONG + f"\n# try {number}\n")
        student.get_by_role("button", name="Check").click()
        expect(student.locator("#attempt-rows tr:not(.pending)")).to_have_count(number)
    replace_code(student, FIXED_SOLUTION)
    student.get_by_role("button", name="Check").click()
    student.get_by_role("button", name="Skip and check").click()  # the F1 reflection card
    expect(student.locator(".verdict-passed")).to_have_count(1)
    expect(student.locator("#attempt-rows tr:not(.pending)")).to_have_count(3)
    student.context.close()

    page.goto(course_url)
    expect(page.locator("html")).to_have_attribute("data-charts-ready", "true")
    summary = page.locator("#table-summary").inner_text()
    assert re.search(r"completion rate\s+100\.0%\s+1 solved / 1", summary)
    assert re.search(r"checks to solve: median\s+3", summary)
    page.screenshot(path=str(ARTIFACTS / "author-course-dashboard.png"), full_page=True)
    assert page.foreign_requests == []
    assert page.page_errors == []
    page.context.close()
