"""An instructor runs a course in a real browser: creates it, picks an exercise; a learner joins
with the code, fails twice and passes in Pyodide; the dashboard shows the checks and the curve."""

from __future__ import annotations

import re
import subprocess
import sys
import uuid

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


def make_instructor(live_server) -> str:
    """Create an instructor account with the CLI, as an admin would."""
    email = f"teacher-{uuid.uuid4().hex[:8]}@example.org"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "flask",
            "users",
            "create",
            email,
            "--role",
            "instructor",
            "--name",
            "Tess",
            "--password",
            PASSWORD,
        ],
        env=live_server.env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return email


def log_in(page, email: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")


def replace_code(page, text: str) -> None:
    """Select everything in the editor and type new code."""
    page.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(text)


def test_instructor_sees_a_learner_fail_twice_then_pass(browser, page, live_server, exercise):
    teacher = make_instructor(live_server)
    log_in(page, teacher)
    page.get_by_role("link", name="Teach").click()
    page.get_by_label("Course name").fill("Patterns, autumn")
    page.get_by_role("button", name="Create the course").click()
    code = page.locator(".join-code").first.inner_text()
    assert re.fullmatch(r"[A-Z2-9]{8}", code)
    page.get_by_role("link", name="Exercises and friction").click()
    page.locator(f"input[name=exercise][value={EXERCISE_ID}]").check()
    page.get_by_role("button", name="Save the exercises").click()
    assert "The course now shows 1 exercise(s)." in page.inner_text(".flashes")
    course_url = page.get_by_role("link", name="Patterns, autumn").get_attribute("href")

    learner = browser.new_context(viewport={"width": 1366, "height": 900}, base_url=live_server.url)
    student = learner.new_page()
    student.goto("/auth/signup")
    student.get_by_label("Name shown to you").fill("Grace")
    student.get_by_label("Email").fill(f"grace-{uuid.uuid4().hex[:8]}@example.org")
    student.get_by_label("Password", exact=True).fill(PASSWORD)
    student.get_by_label("Password again").fill(PASSWORD)
    student.get_by_role("button", name="Sign up").click()
    student.wait_for_url("**/")
    student.get_by_role("link", name="Courses").click()
    student.get_by_label("Join code").fill(code.lower())
    student.get_by_role("button", name="Join").click()
    assert "You joined Patterns, autumn." in student.inner_text(".flashes")
    student.screenshot(path=str(ARTIFACTS / "teach-learner-joined.png"))
    student.get_by_role("link", name=exercise.title).click()
    student.wait_for_selector(READY, timeout=90_000)

    wrong = exercise.wrong[0]
    for number in (1, 2):
        replace_code(student, wrong.files["shipping.py"] + f"\n# try {number}\n")
        student.get_by_role("button", name="Check").click()
        student.wait_for_function(
            "(n) => document.querySelectorAll('#attempt-rows tr:not(.pending)').length >= n",
            arg=number,
            timeout=60_000,
        )
    replace_code(student, exercise.solution["shipping.py"])
    student.get_by_role("button", name="Check").click()
    student.get_by_role("button", name="Skip and check").click()  # the F1 reflection card
    student.wait_for_selector(".verdict-passed", timeout=60_000)
    student.wait_for_function(
        "() => document.querySelectorAll('#attempt-rows tr:not(.pending)').length >= 3"
    )
    learner.close()

    page.goto(course_url)
    page.wait_for_selector("html[data-charts-ready=true]")
    summary = page.locator("#table-summary").inner_text()
    assert re.search(r"completion rate\s+100\.0%\s+1 solved / 1", summary)
    assert re.search(r"checks to solve: median\s+3", summary)
    page.get_by_text("Table", exact=True).click()
    curve_rows = page.locator("#table-success_curve tbody tr")
    assert [curve_rows.nth(i).inner_text().split("\t") for i in range(3)] == [
        ["1", "0", "0.0%"],
        ["2", "0", "0.0%"],
        ["3", "1", "100.0%"],
    ]
    assert page.locator("#chart-curve").bounding_box()["height"] > 100
    page.screenshot(path=str(ARTIFACTS / "teach-dashboard.png"), full_page=True)
    page.get_by_role("link", name="Grace").click()
    checks = page.locator("table").last.locator("tbody tr")
    assert checks.count() == 3
    assert "passed" in checks.nth(0).inner_text() and "failed" in checks.nth(2).inner_text()
    page.screenshot(path=str(ARTIFACTS / "teach-learner-view.png"), full_page=True)
    assert page.foreign_requests == []
    assert page.page_errors == []
