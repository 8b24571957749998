"""Benchmark: the instructor dashboard on a big course.

Seeds one course with N learners (default 1,000) and M attempts (default 1,000,000; a third are
Runs, the rest Checks) on 20 exercises, with study sessions, hints, tutor turns and journal
entries, into a fresh SQLite file (or into the PostgreSQL database of DATABASE_URL, which must be
empty: the script refuses a database with users), then prints the time of each dashboard part,
of the whole course dashboard, of one exercise's dashboard and of the rendered page (median of
--repeats runs, warm). Target: under 300 ms.

Usage: .venv/bin/python scripts/bench_dashboard.py [--learners 1000] [--attempts 1000000]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SECRET_KEY", "bench-only-secret")

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Attempt  # noqa: E402
from app.models import Course  # noqa: E402
from app.models import CourseExercise  # noqa: E402
from app.models import CourseMember  # noqa: E402
from app.models import Exercise  # noqa: E402
from app.models import HintEvent  # noqa: E402
from app.models import JournalEntry  # noqa: E402
from app.models import StudySession  # noqa: E402
from app.models import TutorTurn  # noqa: E402
from app.models import User  # noqa: E402
from app.teach import dashboard  # noqa: E402
from app.teach import stats  # noqa: E402

EXERCISES = 20
BATCH = 20_000
T0 = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)


def seed(learners: int, attempts: int, rng: random.Random) -> int:
    """Fill the database; return the course id."""
    teacher = User(email="teacher@bench", display_name="T", password_hash="-", role="instructor")
    db.session.add(teacher)
    db.session.flush()
    exercise_ids = [f"bench-{i:02d}" for i in range(EXERCISES)]
    db.session.add_all(Exercise(id=i, track="bench", title=i, version="v1") for i in exercise_ids)
    course = Course(name="Bench", owner_id=teacher.id, join_code="BENCH000")
    db.session.add(course)
    db.session.flush()
    db.session.add_all(
        CourseExercise(course_id=course.id, exercise_id=e, position=n)
        for n, e in enumerate(exercise_ids)
    )
    db.session.execute(
        sa.insert(User),
        [
            {
                "email": f"l{n}@bench",
                "display_name": f"Learner {n}",
                "password_hash": "-",
                "role": "learner",
                "created_at": T0,
            }
            for n in range(learners)
        ],
    )
    learner_ids = list(db.session.scalars(sa.select(User.id).where(User.role == "learner")))
    db.session.execute(
        sa.insert(CourseMember),
        [
            {
                "course_id": course.id,
                "user_id": u,
                "role": "learner",
                "shares_journal": False,
                "joined_at": T0,
            }
            for u in learner_ids
        ],
    )
    db.session.commit()
    per_learner = attempts // len(learner_ids)
    rows: list[dict] = []
    extras: dict[type, list[dict]] = {HintEvent: [], TutorTurn: [], JournalEntry: []}
    written = 0
    for user in learner_ids:
        session = StudySession(user_id=user, started_at=T0, last_seen_at=T0)
        db.session.add(session)
        db.session.flush()
        clock = T0 + timedelta(minutes=rng.randint(0, 600))
        per_exercise = per_learner // EXERCISES
        for exercise in exercise_ids:
            solve_at = rng.randint(1, per_exercise)  # the n-th attempt passes (then practice)
            for n in range(1, per_exercise + 1):
                clock += timedelta(seconds=rng.choice((5, 12, 40, 90, 300)))
                passed = n >= solve_at and rng.random() < 0.7
                failure = None if passed else f"test_{rng.randint(0, 5)}"
                rows.append(
                    {
                        "client_id": f"{user}-{exercise}-{n}",
                        "user_id": user,
                        "exercise_id": exercise,
                        "exercise_version": "v1",
                        "kind": "run" if n % 3 == 0 else "check",
                        "files": {},
                        "code_hash": f"h{rng.randint(0, 8)}",
                        "status": "passed" if passed else "failed",
                        "passed": passed,
                        "tests_passed": rng.randint(0, 4),
                        "tests_total": 4,
                        "first_failure": failure,
                        "error_type": None
                        if passed
                        else rng.choice(("AssertionError", "TypeError")),
                        "verdict": {},
                        "duration_ms": 10,
                        "client_created_at": clock,
                        "created_at": clock,
                        "verified": False,
                        "session_id": session.id,
                    }
                )
            if rng.random() < 0.3:
                extras[HintEvent].append(
                    {
                        "user_id": user,
                        "exercise_id": exercise,
                        "level": rng.randint(1, 4),
                        "bottom_out": False,
                        "stuck_text": "-",
                        "created_at": clock,
                    }
                )
            if rng.random() < 0.1:
                extras[TutorTurn].append(
                    {
                        "user_id": user,
                        "exercise_id": exercise,
                        "exercise_version": "v1",
                        "level": 1,
                        "question": "?",
                        "status": "answered",
                        "context": {},
                        "raw_replies": [],
                        "guard_results": [
                            {"model": "m", "guards": [{"id": "G1", "passed": rng.random() < 0.8}]}
                        ],
                        "input_tokens": 0,
                        "output_tokens": 0,
                        "latency_ms": 0,
                        "created_at": clock,
                    }
                )
            extras[JournalEntry].append(
                {
                    "user_id": user,
                    "exercise_id": exercise,
                    "kind": "plan",
                    "skipped": rng.random() < 0.3,
                    "created_at": clock,
                }
            )
            if len(rows) >= BATCH:
                db.session.execute(sa.insert(Attempt), rows)
                written += len(rows)
                rows = []
                print(f"\r  seeded {written:,} attempts", end="", flush=True)
    if rows:
        db.session.execute(sa.insert(Attempt), rows)
        written += len(rows)
    for model, values in extras.items():
        if values:
            db.session.execute(sa.insert(model), values)
    db.session.commit()
    print(f"\r  seeded {written:,} attempts for {len(learner_ids):,} learners")
    # Bulk inserts bypass the ORM hook that keeps the running totals: replay them, as
    # `flask teach recount` does after a restore.
    start = time.perf_counter()
    replayed = stats.recount()
    print(f"  recount of {replayed:,} checks took {time.perf_counter() - start:.0f} s")
    db.session.execute(sa.text("ANALYZE"))
    db.session.commit()
    return course.id


def timed(function, repeats: int) -> float:
    """Median wall time of a call, in milliseconds (after one warm-up call)."""
    function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--attempts", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="write the SQLite database here and keep it")
    parser.add_argument(
        "--from-attempts", action="store_true", help="also time the window-SQL path (slow)"
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    with tempfile.TemporaryDirectory() as tmp:
        if not url.startswith(("postgres://", "postgresql")):
            url = f"sqlite:///{args.keep or Path(tmp) / 'bench.db'}"
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False, "TESTING": True}
        )
        with app.app_context():
            upgrade()
            if db.session.scalar(sa.select(sa.func.count(User.id))):
                sys.exit("The database already has users: give the benchmark an empty one.")
            print(f"database: {db.engine.dialect.name}")
            start = time.perf_counter()
            course_id = seed(args.learners, args.attempts, random.Random(15))
            print(f"  seeding took {time.perf_counter() - start:.0f} s")
            params = {"course_id": course_id}
            board = dashboard.Dashboard
            parts = {
                "completion, first check, checks to solve, retries, identical code": lambda: (
                    dashboard.fill_attempt_totals(board(), params, False)
                ),
                "failing tests and error types": lambda: dashboard.fill_failure_totals(
                    board(), params, False
                ),
                "EQ, RED, stuck, early warning": lambda: dashboard.fill_struggle(
                    board(),
                    params,
                    False,
                    dashboard.struggle_totals_sql(False),
                    dashboard.stuck_totals_sql(False),
                    dashboard.unsolved_totals_sql(False),
                ),
                "hints and tutor": lambda: dashboard.fill_help(
                    board(), params, False, dashboard.first_pass_totals_cte(False)
                ),
                "journal": lambda: dashboard.fill_journal(board(), params, False),
                "whole course dashboard": lambda: dashboard.build_dashboard(course_id),
                "one exercise's dashboard": lambda: dashboard.build_dashboard(
                    course_id, "bench-00"
                ),
            }
            for name, function in parts.items():
                print(f"  {timed(function, args.repeats):9.0f} ms  {name}")
            if args.from_attempts:
                slow = timed(lambda: dashboard.build_dashboard(course_id, from_attempts=True), 1)
                print(f"  {slow:9.0f} ms  whole course dashboard from the raw checks (window SQL)")
        client = app.test_client()
        with client.session_transaction() as session:
            with app.app_context():
                teacher = db.session.scalar(sa.select(User.id).where(User.role == "instructor"))
            session["_user_id"] = str(teacher)
            session["_fresh"] = True

        def page() -> None:
            assert client.get(f"/teach/{course_id}").status_code == 200

        print(f"  {timed(page, args.repeats):9.0f} ms  course dashboard page (HTTP, rendered)")
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
