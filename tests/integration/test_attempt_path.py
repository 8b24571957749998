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


def clear_history(user_id):
    """Forget the learner's checks and reflections (a fresh case on the same account)."""
    db.session.execute(sa.delete(JournalEntry).where(JournalEntry.user_id == user_id))
    db.session.execute(sa.delete(Attempt).where(Attempt.user_id == user_id))
    db.session.commit()


@pytest.mark.parametrize("overrides", [
    {},  # a reflection every 2 failures, a window of 3 checks
    {"reflect_after_failures": 3, "rapid_failures": 5},  # the window is wider than the rhythm
])
def test_streaks_longer_than_the_window_ask_for_reflections_as_the_whole_history_does(
    app_factory, overrides
):
    """The gate read counts a long failure streak only when a reflection falls inside the
    window; wherever the reflection is (none, before the streak, after or at each failure) and
    however long the streak, the gate is the whole history's."""
    app = app_factory(FRICTION_OVERRIDES=overrides)
    with app.app_context():
        user = create_user("streak@example.org", PASSWORD, "Streak")
        exercise = get_catalog().get("fixture-add")
        ensure_exercise_row(exercise)
        longest = 13
        places = [None, ("before", 0)] + [
            (how, k) for k in range(1, longest + 1) for how in ("after", "at")
        ]
        reflected = 0
        for before in ((), ("passed",), ("passed", "failed", "refused")):
            for place in places:
                clear_history(user.id)
                now = T0
                for outcome in before:
                    now += timedelta(seconds=30)
                    store_check(user.id, exercise, now, f"p{now}", outcome)
                if place == ("before", 0):
                    db.session.add(JournalEntry(user_id=user.id, exercise_id=exercise.id,
                                                kind="after_failure", created_at=now))
                for length in range(1, longest + 1):
                    now += timedelta(seconds=30)
                    store_check(user.id, exercise, now, f"c{length}", "failed")
                    if place is not None and place[1] == length:
                        at = now if place[0] == "at" else now + timedelta(seconds=1)
                        db.session.add(JournalEntry(user_id=user.id, exercise_id=exercise.id,
                                                    kind="after_failure", created_at=at))
                    db.session.commit()
                    later = now + timedelta(seconds=600)  # no cool-down: F1 alone decides
                    expected = full_history_gate(user.id, exercise, "new", later)
                    assert gate_for_check(user.id, exercise, "new", later) == expected, (
                        before, place, length)
                    reflected += expected == Rule.REFLECT
        assert reflected  # the rhythm asked for reflections, and was answered


def statements_during(app, action):
    """The SQL statements the app runs while `action` runs."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    return seen


def client_id_reads(statements):
    """The SELECTs that look at attempts by client id."""
    return [s for s in statements
            if s.lstrip().upper().startswith("SELECT") and "attempt.client_id" in s]


def test_a_new_check_learns_whether_its_id_is_stored_from_the_gate_read(app, client, auth):
    """A new check costs one statement less: no separate look-up of its client id before the
    gate read, which answers that too. A run has no gate read and keeps its one look-up."""
    auth.signup()
    api_check(client, "v0")  # the first check mirrors the exercise row; not measured
    checks = client_id_reads(statements_during(app, lambda: api_check(client, "v1")))
    assert len(checks) == 1
    assert "journal_entry" in checks[0]  # the gate read (it reads the newest reflection too)
    runs = client_id_reads(statements_during(app, lambda: api_check(client, "v2", kind="run")))
    assert len(runs) == 1 and "journal_entry" not in runs[0]


def test_a_check_delivered_twice_at_once_is_stored_once(app, client, auth, monkeypatch):
    """Two deliveries of one check race past the gate read (neither finds the id stored); the
    later insert fails on the client id and the reply is the stored attempt, not an error and
    not a second row."""
    import app.learn.services as learn

    auth.signup()
    api_check(client, "v0")  # the exercise's mirror row is written: nothing else writes first
    client_id = str(uuid.uuid4())
    real_gate_state = learn.gate_state

    def gate_state_then_twin(user_id, exercise, now, asked_id=None):
        read = real_gate_state(user_id, exercise, now, asked_id)
        assert read.stored_owner is None
        # The other delivery commits the same check on its own connection meanwhile.
        with db.engine.begin() as other:
            other.execute(sa.insert(Attempt.__table__), {
                "client_id": client_id, "user_id": user_id, "exercise_id": exercise.id,
                "exercise_version": "v1", "kind": "check", "files": {}, "code_hash": "h",
                "status": "failed", "passed": False, "tests_passed": 0, "tests_total": 1,
                "verdict": {}, "duration_ms": 30, "client_created_at": now, "created_at": now,
                "verified": False,
            })
        return read

    monkeypatch.setattr(learn, "gate_state", gate_state_then_twin)
    reply = client.post("/api/attempts", json={
        "id": client_id, "exercise_id": "fixture-add", "exercise_version": "v1",
        "kind": "check", "files": {"adder.py": "def add(a, b):\n    return a - b\n"},
        "verdict": {"status": "failed", "kind": "check",
                    "tests": [{"name": "t", "outcome": "failed", "description": "d"}]},
        "duration_ms": 30, "client_time": datetime.now(UTC).isoformat(),
    })
    assert reply.status_code == 200, reply.get_json()
    assert reply.get_json()["created"] is False
    with app.app_context():
        assert db.session.scalar(
            sa.select(sa.func.count()).select_from(Attempt).where(Attempt.client_id == client_id)
        ) == 1


def attempt_plan_nodes(statement, params, generic):
    """PostgreSQL: the nodes of the statement's executed plan that read the attempt table, as
    a custom plan (planned for these values) or as the generic plan a prepared statement may
    settle on after five executions (psycopg prepares statements it runs often)."""
    import re

    from psycopg import sql

    connection = db.session.connection()
    expanded = statement.compile(dialect=connection.dialect).construct_expanded_state(params)
    names: list[str] = []
    text = re.sub(r"%\((\w+)\)s", lambda m: names.append(m.group(1)) or f"${len(names)}",
                  expanded.statement)
    raw = connection.connection.driver_connection
    values = ", ".join(sql.Literal(expanded.parameters[n]).as_string(raw) for n in names)
    mode = "force_generic_plan" if generic else "force_custom_plan"
    raw.execute(f"SET plan_cache_mode = {mode}")
    raw.execute(f"PREPARE gate_read AS {text}")
    try:
        plan = raw.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE gate_read({values})").fetchone()
    finally:
        raw.execute("DEALLOCATE gate_read")
        raw.execute("RESET plan_cache_mode")
    nodes, found = [plan[0][0]["Plan"]], []
    while nodes:
        node = nodes.pop()
        nodes.extend(node.get("Plans", []))
        if node.get("Relation Name") == "attempt":
            found.append(node)
    return found


def test_no_plan_of_the_gate_read_reads_more_than_it_needs(app):
    """PostgreSQL, however thin the statistics (here none: the table was never analysed) and
    whether the plan is custom or generic: the newest checks are read by walking the index
    back (no sort of the learner's whole history), and when the streak must be counted no part
    of the read runs more than once (no re-reading the history per row of the streak)."""
    from app.practice.services import gate_read_statement

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("a PostgreSQL plan")
        user = create_user("plan@example.org", PASSWORD, "Plan")
        exercise = get_catalog().get("fixture-add")
        ensure_exercise_row(exercise)
        classmate = create_user("classmate@example.org", PASSWORD, "Classmate")
        now = T0
        for step in range(120):
            now += timedelta(seconds=30)
            store_check(user.id, exercise, now, f"c{step}", "failed")
            for _ in range(3):
                store_check(classmate.id, exercise, now, f"c{step}", "failed")
        db.session.commit()
        params = {"user_id": user.id, "exercise_id": exercise.id, "client_id": None}
        for analysed in (False, True):
            if analysed:  # statistics that make sorting a few rows look cheap
                db.session.execute(sa.text("ANALYZE attempt"))
            for generic in (False, True):
                rows = [n["Actual Rows"] for n in attempt_plan_nodes(
                    gate_read_statement(3), params, generic)]
                assert rows and max(rows) <= 3, (analysed, generic, rows)
        # A reflection inside the window: the one case the streak's length is counted.
        db.session.add(JournalEntry(user_id=user.id, exercise_id=exercise.id,
                                    kind="after_failure", created_at=now - timedelta(seconds=45)))
        db.session.commit()
        for generic in (False, True):
            loops = [n["Actual Loops"] for n in attempt_plan_nodes(
                gate_read_statement(3), params, generic)]
            assert loops and max(loops) == 1, (generic, loops)
        streak = db.session.execute(gate_read_statement(3), params).first().streak
        assert streak == 120  # and it was counted
