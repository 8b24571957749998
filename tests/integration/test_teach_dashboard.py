"""Every dashboard figure against a fixture worked out by hand (numbers in the comments), and
the SQL EQ and RED against app/friction/metrics.py on random check sequences."""

from __future__ import annotations

import random
import uuid
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.auth.services import create_user
from app.extensions import db
from app.friction.metrics import CheckPoint
from app.friction.metrics import eq
from app.friction.metrics import error_signature
from app.friction.metrics import red
from app.models import Attempt
from app.models import Course
from app.models import CourseExercise
from app.models import CourseMember
from app.models import Exercise
from app.models import FailureTally
from app.models import FrictionEvent
from app.models import HintEvent
from app.models import JournalEntry
from app.models import LearnerExerciseStat
from app.models import SessionStruggle
from app.models import StudySession
from app.models import TutorTurn
from app.teach.dashboard import build_dashboard
from app.teach.dashboard import struggle_sql
from app.teach.dashboard import struggle_totals_sql
from app.teach.stats import recount
from tests.conftest import PASSWORD

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def check(
    user,
    exercise,
    session,
    seconds,
    passed,
    code,
    failure=None,
    error="AssertionError",
    tests_passed=0,
    kind="check",
):
    """One stored check (or run), as the browser would have reported it."""
    db.session.add(
        Attempt(
            client_id=str(uuid.uuid4()),
            user_id=user,
            exercise_id=exercise,
            exercise_version="v1",
            kind=kind,
            files={"a.py": code},
            code_hash=code,
            status="passed" if passed else "failed",
            passed=passed,
            tests_passed=2 if passed else tests_passed,
            tests_total=2,
            first_failure=None if passed else failure,
            error_type=None if passed else error,
            verdict={},
            client_created_at=at(seconds),
            created_at=at(seconds),
            session_id=session,
        )
    )


def turn(user, exercise, seconds, guard_results):
    db.session.add(
        TutorTurn(
            user_id=user,
            exercise_id=exercise,
            exercise_version="v1",
            level=1,
            question="?",
            status="answered",
            context={},
            raw_replies=[],
            guard_results=guard_results,
            created_at=at(seconds),
        )
    )


def guards(*failed_ids):
    return {
        "model": "m",
        "guards": [{"id": g, "passed": g not in failed_ids} for g in ("G1", "G3", "G5")],
    }


@pytest.fixture
def course(app):
    """The hand-worked course: learners L1, L2, L3 on exercises ex-a and ex-b; an outsider and an
    exercise outside the course whose rows must not count."""
    with app.app_context():
        teacher = create_user("t@example.org", PASSWORD, "Tess", "instructor").id
        l1, l2, l3, outsider = (
            create_user(f"{n}@example.org", PASSWORD, n).id for n in ("l1", "l2", "l3", "out")
        )
        for ex in ("ex-a", "ex-b", "ex-c"):
            db.session.add(Exercise(id=ex, track="t", title=ex.upper(), version="v1"))
        course = Course(name="C", owner_id=teacher, join_code="ABCDEFGH")
        db.session.add(course)
        db.session.flush()
        db.session.add(CourseMember(course_id=course.id, user_id=teacher, role="instructor"))
        for learner in (l1, l2, l3):
            db.session.add(CourseMember(course_id=course.id, user_id=learner))
        db.session.add(CourseExercise(course_id=course.id, exercise_id="ex-a", position=0))
        db.session.add(CourseExercise(course_id=course.id, exercise_id="ex-b", position=1))
        sessions = {}
        for name, user in (("s1", l1), ("s2", l2), ("s3", l3), ("s4", outsider)):
            s = StudySession(user_id=user, started_at=T0, last_seen_at=T0)
            db.session.add(s)
            db.session.flush()
            sessions[name] = s.id
        s1, s2, s3, s4 = sessions.values()
        # L1 on ex-a: fail x, fail x (same code, 10 s later: rapid, identical), fail y, pass.
        check(l1, "ex-a", s1, 0, False, "h1", "x")
        check(l1, "ex-a", s1, 10, False, "h1", "x")
        check(l1, "ex-a", s1, 100, False, "h2", "y")
        check(l1, "ex-a", s1, 200, True, "h3")
        # L1 on ex-b: passes at once. On ex-c (not in the course): fails.
        check(l1, "ex-b", s1, 300, True, "h8")
        check(l1, "ex-c", s1, 400, False, "h9", "q")
        # L2 on ex-a: five failures on x, three of them with unchanged code, no progress for 20
        # minutes; never solved.
        for seconds, code in ((0, "h1"), (5, "h1"), (10, "h1"), (20, "h4"), (1200, "h5")):
            check(l2, "ex-a", s2, seconds, False, code, "x")
        # L3 on ex-a: a TypeError on z (1 of 2 tests), a Run (not a check), then a pass.
        check(l3, "ex-a", s3, 0, False, "h6", "z", error="TypeError", tests_passed=1)
        check(l3, "ex-a", s3, 30, False, "h6", "z", kind="run")
        check(l3, "ex-a", s3, 60, True, "h7")
        # The outsider fails on ex-a.
        check(outsider, "ex-a", s4, 0, False, "h1", "x")
        # Hints: L1 level 1, then the bottom-out level 4 before the pass; L3 level 1; outsider.
        for user, level, seconds in ((l1, 1, 50), (l1, 4, 150), (l3, 1, 30), (outsider, 2, 5)):
            db.session.add(
                HintEvent(
                    user_id=user,
                    exercise_id="ex-a",
                    level=level,
                    bottom_out=level == 4,
                    stuck_text="…",
                    created_at=at(seconds),
                )
            )
        # Tutor: L1 twice before the pass (G1 failed first on the first), once after (G1, G5
        # failed); L2 once, all guards passed.
        turn(l1, "ex-a", 60, [guards("G1"), guards()])
        turn(l1, "ex-a", 120, [])
        turn(l1, "ex-a", 250, [guards("G1", "G5")])
        turn(l2, "ex-a", 30, [guards()])
        turn(outsider, "ex-a", 30, [guards("G3")])
        # Journal: L1 writes and skips a failure reflection and writes a plan; L2 skips a plan.
        for user, kind, skipped in (
            (l1, "after_failure", False),
            (l1, "after_failure", True),
            (l1, "plan", False),
            (l2, "plan", True),
            (outsider, "plan", False),
        ):
            db.session.add(
                JournalEntry(
                    user_id=user, exercise_id="ex-a", kind=kind, skipped=skipped, created_at=at(500)
                )
            )
        db.session.add(
            FrictionEvent(
                user_id=l3, exercise_id="ex-a", rule="F10", action="flagged", created_at=at(70)
            )
        )
        db.session.commit()
        return {"id": course.id, "l1": l1, "l2": l2, "l3": l3}


@pytest.mark.parametrize("from_attempts", [False, True], ids=["totals", "window-sql"])
def test_course_dashboard_matches_the_hand_worked_figures(app, course, from_attempts):
    with app.app_context():
        board = build_dashboard(
            course["id"], from_attempts=from_attempts, follow_up_ids=("ex-b", "ex-z")
        )
    # Learner-exercises: L1/a, L1/b, L2/a, L3/a; solved: L1/a (4th check), L1/b (1st), L3/a (2nd).
    assert board.learner_exercises == 4
    assert board.completion_rate == 3 / 4
    assert board.first_check_success == 1 / 4
    # Checks to solve 1, 2, 4: nearest rank gives Q1 = 1, median = 2, Q3 = 4.
    assert board.checks_to_solve() == (1, 2, 4)
    assert [(r["checks"], r["share"]) for r in board.success_curve()] == [
        (1, 0.25),
        (2, 0.5),
        (3, 0.5),
        (4, 0.75),
    ]
    # 12 checks, 9 failed; rapid: L1 0→10 s, L2 0→5, 5→10, 10→20 s; identical: L1 #2, L2 #2, #3.
    assert (board.checks, board.failed_checks) == (12, 9)
    assert board.rapid_retry_rate == 4 / 9
    assert board.identical_resubmission_rate == 3 / 12
    assert board.top_tests == [
        {"name": "x", "checks": 7, "learners": 2},
        {"name": "y", "checks": 1, "learners": 1},
        {"name": "z", "checks": 1, "learners": 1},
    ]
    assert board.top_errors == [
        {"name": "AssertionError", "checks": 8, "learners": 2},
        {"name": "TypeError", "checks": 1, "learners": 1},
    ]
    # EQ: L1/a (1 + 8/11 + 0) / 3 = 0.576; L2/a 1.0; L3/a 0; L1/b has one check (undefined).
    assert [r["sessions"] for r in board.eq_distribution] == [1, 0, 1, 0, 1]
    # RED: L1/a one run of 1 → 0.5; L2/a one run of 4 → 16/5 = 3.2; L1/b and L3/a 0.
    assert [r["sessions"] for r in board.red_distribution] == [3, 0, 1, 0]
    # Stuck: only L2/a (five checks, no progress for 20 minutes).
    assert board.stuck_rate == 1 / 4
    assert board.hint_levels == {1: 2, 4: 1}
    assert board.hint_dependency == 1 / 3
    assert board.tutor_turns_per_solve == 2.0
    assert board.tutor_turns == 4
    assert board.guard_violations == {"G1": 2, "G5": 1}
    assert board.journal == [
        {
            "kind": "after_failure",
            "entries": 2,
            "written": 1,
            "skipped": 1,
            "completion": 0.5,
            "skip_rate": 0.5,
        },
        {
            "kind": "plan",
            "entries": 2,
            "written": 1,
            "skipped": 1,
            "completion": 0.5,
            "skip_rate": 0.5,
        },
    ]
    assert [(w["user_id"], len(w["reasons"])) for w in board.early_warning] == [
        (course["l2"], 3),
        (course["l3"], 1),
    ]
    assert "F10" in board.early_warning[1]["reasons"][0]
    # Assisted: L1/a (hints, tutor; solved), L2/a (tutor; unsolved), L3/a (hint; solved) → 2/3.
    # ex-b is a follow-up: L1 solved it with no help → 1/1. Gap = 2/3 − 1.
    assert (board.assisted, board.assisted_solved) == (3, 2)
    assert board.unassisted_follow_up_rate == 1.0
    assert board.assisted_unassisted_gap == pytest.approx(2 / 3 - 1)


@pytest.mark.parametrize("from_attempts", [False, True], ids=["totals", "window-sql"])
def test_exercise_dashboard_counts_only_that_exercise(app, course, from_attempts):
    with app.app_context():
        board = build_dashboard(course["id"], "ex-b", from_attempts=from_attempts)
    assert (board.learner_exercises, board.solved, board.checks) == (1, 1, 1)
    assert board.first_check_success == 1.0
    assert board.top_tests == [] and board.early_warning == []


def test_sql_eq_and_red_agree_with_the_friction_metrics(app):
    """Random sessions of checks: the SQL window version equals the Python definition."""
    rng = random.Random(15)
    with app.app_context():
        teacher = create_user("t@example.org", PASSWORD, "T", "instructor").id
        learner = create_user("l@example.org", PASSWORD, "L").id
        db.session.add(Exercise(id="ex", track="t", title="EX", version="v1"))
        course = Course(name="C", owner_id=teacher, join_code="ZZZZZZZZ")
        db.session.add(course)
        db.session.flush()
        db.session.add(CourseMember(course_id=course.id, user_id=learner))
        db.session.add(CourseExercise(course_id=course.id, exercise_id="ex", position=0))
        expected = {}
        for _ in range(25):
            session = StudySession(user_id=learner, started_at=T0, last_seen_at=T0)
            db.session.add(session)
            db.session.flush()
            points = []
            for n in range(rng.randint(1, 9)):
                passed = rng.random() < 0.25
                failure = None if passed else rng.choice(["a", "b"])
                error = None if passed else rng.choice(["AssertionError", "TypeError"])
                check(learner, "ex", session.id, n * 30, passed, f"h{n}", failure, error)
                signature = None if passed else error_signature(error, failure)
                points.append(CheckPoint(at=at(n * 30), passed=passed, signature=signature))
            expected[session.id] = (eq(points), red(points))
        db.session.commit()
        for sessions in (struggle_sql(False), struggle_totals_sql(False)):
            rows = db.session.execute(
                sa.text(f"WITH {sessions} SELECT session_id, eq, red FROM sessions"),
                {"course_id": course.id},
            ).all()
            got = {row[0]: (row[1], row[2]) for row in rows}
            assert got.keys() == expected.keys()
            for session_id, (want_eq, want_red) in expected.items():
                got_eq, got_red = got[session_id]
                assert (got_eq is None) == (want_eq is None), session_id
                if want_eq is not None:
                    assert float(got_eq) == pytest.approx(want_eq)
                assert float(got_red) == pytest.approx(want_red)


def totals_snapshot():
    """Every running-total row, as plain tuples."""
    snapshot = {}
    for model in (LearnerExerciseStat, SessionStruggle, FailureTally):
        columns = list(model.__table__.columns)
        snapshot[model.__tablename__] = sorted(
            tuple(round(v, 9) if isinstance(v, float) else v for v in row)
            for row in db.session.execute(sa.select(*columns))
        )
    return snapshot


def test_recount_rebuilds_the_same_totals_the_checks_built(app, course):
    with app.app_context():
        built = totals_snapshot()
        assert len(built["learner_exercise_stat"]) == 6  # L1/a, L1/b, L1/c, L2/a, L3/a, outsider/a
        assert recount() == 14  # every check, in or out of the course (not the Run)
        assert totals_snapshot() == built


def test_a_rolled_back_check_leaves_the_totals_alone(app, course):
    with app.app_context():
        before = totals_snapshot()
        check(course["l1"], "ex-b", None, 900, False, "h99", "w")
        db.session.flush()
        assert totals_snapshot() != before
        db.session.rollback()
        assert totals_snapshot() == before


def test_recount_command_replays_the_checks_after_a_bulk_load(app, course):
    with app.app_context():
        # A bulk load around the ORM (as a restore does): the totals do not see these rows.
        db.session.execute(
            sa.insert(Attempt),
            [
                {
                    "client_id": str(uuid.uuid4()),
                    "user_id": course["l2"],
                    "exercise_id": "ex-b",
                    "exercise_version": "v1",
                    "kind": "check",
                    "files": {},
                    "code_hash": "h",
                    "status": "passed",
                    "passed": True,
                    "tests_passed": 2,
                    "tests_total": 2,
                    "verdict": {},
                    "duration_ms": 1,
                    "client_created_at": at(2000),
                    "created_at": at(2000),
                    "verified": False,
                }
            ],
        )
        db.session.commit()
        assert build_dashboard(course["id"]).learner_exercises == 4
    result = app.test_cli_runner().invoke(args=["teach", "recount"])
    assert result.exit_code == 0 and "Replayed 15 checks" in result.output
    with app.app_context():
        board = build_dashboard(course["id"])
        assert (board.learner_exercises, board.solved) == (5, 4)
        assert board == build_dashboard(course["id"], from_attempts=True)
