"""What the course pages show: the dashboard as tables (each one a chart's alternative and a
CSV download) and one learner's view. Every function authorises through the services first."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from ..errors import NotFound
from ..exercises import Catalog
from ..extensions import db
from ..friction.metrics import CheckPoint
from ..friction.metrics import eq
from ..friction.metrics import error_signature
from ..friction.metrics import red
from ..models import Attempt
from ..models import Course
from ..models import CourseMember
from ..models import HintEvent
from ..models import JournalEntry
from ..models import LearnerExerciseStat
from ..models import User
from ..spreadsheet import text_cell
from .dashboard import Dashboard
from .dashboard import build_dashboard
from .services import course_exercise_ids
from .services import course_for_instructor
from .services import course_learners
from .services import learner_in_course


@dataclass(frozen=True)
class Table:
    """A table behind the dashboard: a caption, columns and rows of plain values."""

    name: str
    caption: str
    columns: list[str]
    rows: list[list[Any]]
    nowrap: tuple[int, ...] = ()  # columns whose values never break across lines (times)
    # Columns only the CSV has (a learner id: the page links the name to the learner instead).
    csv_only: tuple[int, ...] = ()


# Journal entry kinds as the instructor reads them (the stored values are identifiers).
JOURNAL_KINDS = {
    "plan": "plan before starting",
    "after_failure": "reflection after a failed check",
    "after_success": "reflection after solving",
    "break": "break",
    "reentry": "coming back",
    "free": "note",
}


def journal_kind(kind: str) -> str:
    """'after_failure' -> 'reflection after a failed check'."""
    return JOURNAL_KINDS.get(kind, kind.replace("_", " "))


def percent(value: float | None) -> str:
    """0.4567 -> '45.7%'; nothing -> '–'."""
    return "–" if value is None else f"{value * 100:.1f}%"


def summary_rows(board: Dashboard) -> list[list[Any]]:
    """The headline figures, as (figure, value, counted from)."""
    quartiles = board.checks_to_solve()
    return [
        [
            "completion rate",
            percent(board.completion_rate),
            f"{board.solved} solved / {board.learner_exercises} learner-exercises started",
        ],
        [
            "first-check success",
            percent(board.first_check_success),
            f"{board.first_check_passed} / {board.learner_exercises}",
        ],
        ["checks to solve: median", quartiles[1] if quartiles else "–", f"{board.solved} solves"],
        [
            "checks to solve: IQR",
            f"{quartiles[0]}–{quartiles[2]}" if quartiles else "–",
            "25th–75th percentile",
        ],
        [
            "stuck rate",
            percent(board.stuck_rate),
            f"{board.stuck} / {board.learner_exercises} learner-exercises",
        ],
        [
            "rapid-retry rate",
            percent(board.rapid_retry_rate),
            f"{board.rapid_retries} / {board.failed_checks} failed checks",
        ],
        [
            "identical-resubmission rate",
            percent(board.identical_resubmission_rate),
            f"{board.identical_resubmissions} / {board.checks} checks",
        ],
        [
            "hint dependency",
            percent(board.hint_dependency),
            f"{board.solves_after_bottom_out} / {board.solved} solves after a bottom-out hint",
        ],
        [
            "tutor turns per solve",
            "–" if board.tutor_turns_per_solve is None else f"{board.tutor_turns_per_solve:.1f}",
            f"{board.tutor_turns_before_solve} turns / "
            f"{board.solves_with_tutor} solves with the tutor",
        ],
        [
            "unassisted follow-up pass rate",
            percent(board.unassisted_follow_up_rate),
            f"{board.follow_ups_unassisted_passed} / {board.follow_ups_unassisted} follow-ups "
            "tried without hints or the tutor",
        ],
        [
            "assisted–unassisted gap",
            "–"
            if board.assisted_unassisted_gap is None
            else f"{board.assisted_unassisted_gap * 100:+.1f} points",
            f"solve rate with help {percent(board.assisted_solve_rate)} "
            f"({board.assisted_solved} / {board.assisted}) − unassisted follow-up pass rate",
        ],
    ]


def dashboard_tables(board: Dashboard, names: Callable[[int], str]) -> dict[str, Table]:
    """Every table behind the dashboard, by the name its CSV file takes."""
    tables = [
        Table("summary", "Headline figures", ["figure", "value", "from"], summary_rows(board)),
        Table(
            "success_curve",
            "Success by attempt: learner-exercises solved within k checks",
            ["checks", "solved", "share"],
            [[r["checks"], r["solved"], percent(r["share"])] for r in board.success_curve()],
        ),
        Table(
            "failing_tests",
            "Failing tests met most often",
            ["test", "failed checks", "learners"],
            [[r["name"], r["checks"], r["learners"]] for r in board.top_tests],
        ),
        Table(
            "error_types",
            "Error signatures met most often",
            ["error type", "failed checks", "learners"],
            [[r["name"], r["checks"], r["learners"]] for r in board.top_errors],
        ),
        Table(
            "eq",
            "EQ per learner, exercise and study session (two checks or more)",
            ["EQ", "sessions"],
            [[r["eq"], r["sessions"]] for r in board.eq_distribution],
        ),
        Table(
            "red",
            "RED per learner, exercise and study session",
            ["RED", "sessions"],
            [[r["red"], r["sessions"]] for r in board.red_distribution],
        ),
        Table(
            "hint_levels",
            "Hints asked for, by level",
            ["level", "hints"],
            [[level, count] for level, count in sorted(board.hint_levels.items())],
        ),
        Table(
            "guard_violations",
            f"Tutor guard violations by rule (first reply), over {board.tutor_turns} turns",
            ["rule", "violations", "rate"],
            [
                [rule, count, percent(count / board.tutor_turns if board.tutor_turns else None)]
                for rule, count in board.guard_violations.items()
            ],
        ),
        Table(
            "journal",
            "Journal: entries written and skipped, by kind",
            ["kind", "entries", "written", "skipped", "completion", "skip rate"],
            [
                [
                    journal_kind(r["kind"]),
                    r["entries"],
                    r["written"],
                    r["skipped"],
                    percent(r["completion"]),
                    percent(r["skip_rate"]),
                ]
                for r in board.journal
            ],
        ),
        Table(
            "early_warning",
            "Early warning: learners to talk to",
            ["learner id", "learner", "reasons"],
            [
                [w["user_id"], names(w["user_id"]), "; ".join(w["reasons"])]
                for w in board.early_warning
            ],
            csv_only=(0,),
        ),
    ]
    return {t.name: t for t in tables}


@dataclass(frozen=True)
class DashboardPage:
    """A course's (or one exercise's) dashboard, ready to render."""

    course: Course
    exercise_id: str | None
    exercise_title: str | None
    exercises: list[tuple[str, str]]
    learners: list[tuple[User, CourseMember]]
    board: Dashboard
    tables: dict[str, Table]

    def chart_data(self) -> dict[str, Any]:
        """What the charts draw (the same numbers as the tables)."""
        return {
            "curve": [
                {"x": r["checks"], "y": round((r["share"] or 0) * 100, 1)}
                for r in self.board.success_curve()
            ],
            "eq": [[r["eq"], r["sessions"]] for r in self.board.eq_distribution],
            "red": [[r["red"], r["sessions"]] for r in self.board.red_distribution],
        }


def learners_table(learners: list[tuple[User, CourseMember]], exercise_ids: list[str]) -> Table:
    """Each learner of the course with their checks and solves on its exercises (the running
    totals, one row per learner and exercise, so a large course costs one grouped read)."""
    stat = LearnerExerciseStat
    totals = {
        row.user_id: row
        for row in db.session.execute(
            sa.select(
                stat.user_id,
                sa.func.count().label("started"),
                sa.func.count(stat.first_pass_n).label("solved"),
                sa.func.sum(stat.checks).label("checks"),
                sa.func.max(stat.last_at).label("last_at"),
            )
            .where(
                stat.user_id.in_([user.id for user, _ in learners]),
                stat.exercise_id.in_(exercise_ids),
            )
            .group_by(stat.user_id)
        )
    }
    rows = []
    for user, member in learners:
        mine = totals.get(user.id)
        rows.append(
            [
                user.id,
                user.display_name,
                mine.checks if mine else 0,
                mine.solved if mine else 0,
                mine.started if mine else 0,
                mine.last_at.strftime("%Y-%m-%d %H:%M") if mine and mine.last_at else "–",
                "yes" if member.shares_journal else "no",
            ]
        )
    return Table(
        "learners",
        "Each learner's checks and solves",
        # The figures a glance wants first, so a phone shows them beside the name.
        ["learner id", "learner", "checks", "solved", "exercises started", "last check (UTC)",
         "shares journal text"],
        rows,
        nowrap=(5,),
        csv_only=(0,),
    )


def course_dashboard(
    user_id: int, course_id: int, catalog: Catalog, exercise_id: str | None = None
) -> DashboardPage:
    """The dashboard page of a course the instructor teaches (or of one of its exercises)."""
    course = course_for_instructor(user_id, course_id)
    ids = course_exercise_ids(course_id)
    if exercise_id is not None and exercise_id not in ids:
        raise NotFound("This course does not show that exercise.")
    learners = course_learners(course_id)
    by_id = {user.id: user.display_name for user, _ in learners}
    follow_ups = tuple(sorted({e.follow_up for e in catalog.exercises.values() if e.follow_up}))
    board = build_dashboard(course_id, exercise_id, follow_up_ids=follow_ups)
    exercise = catalog.get(exercise_id) if exercise_id else None
    return DashboardPage(
        course=course,
        exercise_id=exercise_id,
        exercise_title=exercise.title if exercise else exercise_id,
        exercises=[(i, e.title if (e := catalog.get(i)) else i) for i in ids],
        learners=learners,
        board=board,
        tables={
            **dashboard_tables(board, lambda uid: by_id.get(uid, f"#{uid}")),
            # After build_dashboard, which folded every pending check into the totals.
            "learners": learners_table(learners, [exercise_id] if exercise_id else ids),
        },
    )


def csv_text(table: Table) -> str:
    """A table as CSV with a header row; text a spreadsheet would run as a formula stays text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.columns)
    # Numbers stay numbers; names, test titles and figures like "-50.0 points" are guarded.
    writer.writerows(
        [text_cell(value) if isinstance(value, str) else value for value in row]
        for row in table.rows
    )
    return buffer.getvalue()


def dashboard_csv(
    user_id: int, course_id: int, table: str, catalog: Catalog, exercise_id: str | None = None
) -> str | None:
    """One dashboard table as CSV, or None if there is no table of that name."""
    page = course_dashboard(user_id, course_id, catalog, exercise_id)
    return csv_text(page.tables[table]) if table in page.tables else None


@dataclass(frozen=True)
class ExerciseRecord:
    """One learner's record on one exercise of the course."""

    exercise_id: str
    title: str
    checks: int
    solved: bool
    checks_to_solve: int | None
    mean_eq: float | None
    max_red: float
    hints: int  # hints asked for on the exercise (what was typed stays the learner's)


@dataclass(frozen=True)
class LearnerPage:
    """One learner, as the instructor may see them."""

    course: Course
    learner: User
    shares_journal: bool
    records: list[ExerciseRecord]
    attempts: list[Attempt]
    journal: list[JournalEntry]  # empty unless the learner shares it with this course
    journal_counts: dict[str, int]
    titles: dict[str, str]  # exercise id -> title, for the checks and the journal

    def kind_of(self, entry: JournalEntry) -> str:
        """What kind of journal entry this is, in words."""
        return journal_kind(entry.kind)


ATTEMPTS_SHOWN = 200


def learner_detail(user_id: int, course_id: int, learner_id: int, catalog: Catalog) -> LearnerPage:
    """A learner's attempts and metrics on the course; journal text only if they opted in."""
    learner, member = learner_in_course(user_id, course_id, learner_id)
    course = course_for_instructor(user_id, course_id)
    ids = course_exercise_ids(course_id)
    checks = list(
        db.session.scalars(
            sa.select(Attempt)
            .where(Attempt.user_id == learner_id, Attempt.exercise_id.in_(ids))
            .order_by(Attempt.created_at, Attempt.id)
        )
    )
    hints = dict(
        db.session.execute(
            sa.select(HintEvent.exercise_id, sa.func.count())
            .where(HintEvent.user_id == learner_id, HintEvent.exercise_id.in_(ids))
            .group_by(HintEvent.exercise_id)
        ).all()
    )
    records = []
    for exercise_id in ids:
        mine = [a for a in checks if a.exercise_id == exercise_id and a.kind == "check"]
        if not mine:
            continue
        first_pass = next((n for n, a in enumerate(mine, 1) if a.passed), None)
        sessions: dict[int | None, list[CheckPoint]] = {}
        for a in mine:
            sessions.setdefault(a.session_id, []).append(
                CheckPoint(
                    at=a.created_at,
                    passed=a.passed,
                    signature=None if a.passed else error_signature(a.error_type, a.first_failure),
                    code_hash=a.code_hash,
                )
            )
        eqs = [v for s in sessions.values() if (v := eq(s)) is not None]
        exercise = catalog.get(exercise_id)
        records.append(
            ExerciseRecord(
                exercise_id=exercise_id,
                title=exercise.title if exercise else exercise_id,
                checks=len(mine),
                solved=first_pass is not None,
                checks_to_solve=first_pass,
                mean_eq=sum(eqs) / len(eqs) if eqs else None,
                max_red=max(red(s) for s in sessions.values()),
                hints=hints.get(exercise_id, 0),
            )
        )
    entries = list(
        db.session.scalars(
            sa.select(JournalEntry)
            # Only entries about the course's exercises: free notes stay private.
            .where(JournalEntry.user_id == learner_id, JournalEntry.exercise_id.in_(ids))
            .order_by(JournalEntry.created_at.desc())
        )
    )
    counts = {
        "entries": len(entries),
        "written": sum(not e.skipped for e in entries),
        "skipped": sum(e.skipped for e in entries),
    }
    return LearnerPage(
        course=course,
        learner=learner,
        shares_journal=member.shares_journal,
        records=records,
        attempts=list(reversed(checks))[:ATTEMPTS_SHOWN],
        journal=entries if member.shares_journal else [],
        journal_counts=counts,
        titles={i: e.title if (e := catalog.get(i)) else i for i in ids},
    )
