"""The cheap attempt path decides as the whole history does: the gates read only the newest
checks (and a count of the failure streak before them), yet gate every check as before."""

from __future__ import annotations

import random
import uuid
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.auth.services import create_user
from app.catalog import ensure_exercise_row
from app.catalog import get_catalog
from app.extensions import db
from app.friction.rules import Rule
from app.models import Attempt
from app.models import Course
from app.models import CourseExercise
from app.models import CourseMember
from app.models import CourseRole
from app.models import JournalEntry
from app.models import LearnerExerciseStat
from app.models import Verification
from app.practice.services import friction_decision
from app.practice.services import gate_for_check
from app.teach.stats import fold_pending
from app.teach.stats import recount
from tests.conftest import PASSWORD
from tests.integration.test_teach_dashboard import totals_snapshot

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def full_history_gate(user_id, exercise, files_hash, now):
    """The gate as it was decided before: from every check the learner ever made."""
    decision = friction_decision(user_id, exercise, files_hash, now)
    if decision.reflect:
        return Rule.REFLECT
    if decision.wait_until is not None:
        return Rule.COOLDOWN
    return None


def store_check(user_id, exercise, at, code, outcome):
    """One check as the attempts API would store it (without the gate, which is under test)."""
    passed = outcome in ("passed", "refused", "pending")
    db.session.add(
        Attempt(
            client_id=str(uuid.uuid4()), user_id=user_id, exercise_id=exercise.id,
            exercise_version="v1", kind="check", files={}, code_hash=code,
            status="aborted" if outcome == "aborted" else ("passed" if passed else "failed"),
            passed=passed, verified=outcome == "passed", tests_passed=1 if passed else 0,
            tests_total=1, first_failure=None if passed else random.choice(["t1", "t2"]),
            error_type=None if passed else "AssertionError", verdict={},
            client_created_at=at, created_at=at,
            verification={"passed": Verification.VERIFIED, "refused": Verification.MISMATCH,
                          "pending": Verification.PENDING}.get(outcome),
        )
    )


def join_course(user_id, exercise_id, overrides):
    """The learner in a course that shows the exercise, with the instructor's tuning."""
    owner = create_user("teacher@example.org", PASSWORD, "Teacher")
    course = Course(name="Tuned", owner_id=owner.id, join_code="TUNED13",
                    friction_overrides=overrides)
    db.session.add(course)
    db.session.flush()
    db.session.add_all([
        CourseMember(course_id=course.id, user_id=user_id, role=CourseRole.LEARNER.value),
        CourseExercise(course_id=course.id, exercise_id=exercise_id, position=1),
    ])
    db.session.commit()


@pytest.mark.parametrize(("overrides", "course"), [
    ({}, None),
    ({"reflect_after_failures": 3, "rapid_failures": 4}, None),
    # The course's tuning widens the window the site's settings read (a second read), or keeps
    # it and changes only the cool-down (the one-statement read).
    ({}, {"reflect_after_failures": 6, "rapid_failures": 2}),
    ({}, {"cooldown_s": 40}),
])
def test_the_recent_window_gates_every_check_as_the_whole_history_does(
    app_factory, overrides, course
):
    app = app_factory(FRICTION_OVERRIDES=overrides)
    rng = random.Random(13)
    random.seed(13)
    with app.app_context():
        user = create_user("window@example.org", PASSWORD, "Window")
        exercise = get_catalog().get("fixture-add")
        ensure_exercise_row(exercise)
        if course is not None:
            join_course(user.id, exercise.id, course)
        now, code, gates = T0, "c0", []
        # Long failure streaks (longer than the window), passes (some refused by the re-check,
        # some still pending), aborted checks, reflections, resubmitted code and quick retries.
        for step in range(160):
            now += timedelta(seconds=rng.choice([2, 5, 9, 14, 16, 25, 40, 700]))
            code = code if rng.random() < 0.3 else f"c{step}"
            expected = full_history_gate(user.id, exercise, code, now)
            assert gate_for_check(user.id, exercise, code, now) == expected, step
            gates.append(expected)
            roll = rng.random()
            outcome = (
                "failed" if roll < 0.8 or step < 40
                else rng.choice(["passed", "refused", "pending", "aborted"])
            )
            store_check(user.id, exercise, now, code, outcome)
            if rng.random() < 0.12:
                db.session.add(
                    JournalEntry(
                        user_id=user.id, exercise_id=exercise.id, kind="after_failure",
                        skipped=rng.random() < 0.5, created_at=now + timedelta(seconds=1),
                    )
                )
            db.session.commit()
        # The walk met both gates, and stretches without either.
        assert {Rule.REFLECT, Rule.COOLDOWN, None} <= set(gates)


def api_check(client, code, status="failed", first="add(2, 3) gives 5", kind="check"):
    """Post one attempt through the attempts API, as the exercise page does."""
    tests = [{"name": "test_adds", "outcome": "passed" if status == "passed" else "failed",
              "description": "" if status == "passed" else first}]
    reply = client.post("/api/attempts", json={
        "id": str(uuid.uuid4()), "exercise_id": "fixture-add", "exercise_version": "v1",
        "kind": kind, "files": {"adder.py": code},
        "verdict": {"status": status, "kind": kind, "tests": tests},
        "duration_ms": 30, "client_time": datetime.now(UTC).isoformat(),
    })
    assert reply.status_code == 201, reply.get_json()
    return reply.get_json()["attempt"]


def test_checks_posted_through_the_api_build_the_totals_a_recount_builds(app, client, auth):
    """The attempts API inserts without the ORM: the dashboard's running totals still follow
    every check it stores, exactly as replaying the stored checks does."""
    auth.signup()
    for code, status, first, kind in (
        ("v1", "failed", "add(2, 3) gives 5", "check"),
        ("v1", "failed", "add(2, 3) gives 5", "check"),  # same code, same failure
        ("v2", "failed", "add(0, 0) gives 0", "run"),  # a Run: not in the totals
        ("v2", "failed", "add(0, 0) gives 0", "check"),
        ("v3", "aborted", "", "check"),
        ("v4", "passed", "", "check"),
    ):
        api_check(client, code, status, first, kind)
    with app.app_context():
        assert fold_pending() == 5  # what every reader of the totals does first
        built = totals_snapshot()
        stat = db.session.scalar(sa.select(LearnerExerciseStat))
        assert (stat.checks, stat.identical, stat.first_pass_n) == (5, 1, 5)
        assert len(built["failure_tally"]) >= 2  # both first failures were tallied
        assert recount() == 5  # the five checks, not the Run
        assert totals_snapshot() == built
