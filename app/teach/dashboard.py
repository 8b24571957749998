"""The instructor's dashboard: every figure is an SQL aggregate over the course's checks.

Unit of analysis: a *learner-exercise* (one learner's checks on one exercise of the course),
the "session" of pedagogy-notes §6d. Only checks count (Runs are not graded), and only those of
the course's learners on the course's exercises.

- completion rate = learner-exercises with a passing check / learner-exercises with a check
- first-check success = learner-exercises whose first check passed / learner-exercises
- checks to solve = number of checks up to and including the first pass (median, IQR by the
  nearest-rank method); success-by-attempt curve: share of learner-exercises solved within k
- top failing tests / error types: failed checks grouped by first failing test / exception type
  (AssertionError when a test failed without an exception, as error_signature() counts it)
- EQ and RED per learner × exercise × study session, as app/friction/metrics.py defines them
  (the SQL is checked against those functions in the tests)
- stuck rate = learner-exercises with a stretch of STUCK_MINUTES or more and STUCK_CHECKS or more
  checks in which the best tests_passed did not rise and nothing passed / learner-exercises
  (Dong et al.'s idea with a fixed threshold instead of a per-exercise percentile)
- rapid-retry rate = failed checks followed by the next check within RAPID_S / failed checks
- identical-resubmission rate = checks whose code hash equals the previous check's / checks
- hint levels: hint requests by level; hint dependency = solves after a bottom-out hint / solves
- tutor turns per solve = turns before the solve / solved learner-exercises that used the tutor;
  guard violations: first replies failing each guard / tutor turns
- journal completion = entries written / entries written or skipped, per kind; skip rate = rest
- unassisted follow-up pass rate = follow-up exercises (some exercise's follow_up) solved by
  learners who asked for no hint and no tutor on them / such follow-ups tried; assisted-unassisted
  gap = solve rate where a hint or the tutor was used − that rate

Two ways to the same figures: sums over the running totals of app/teach/stats.py (the pages;
about one row per learner and exercise, so a course with a million checks stays fast), and
window functions over the raw checks (from_attempts=True; the tests hold the two equal).
Indexes: attempt (user_id, exercise_id, created_at) and (exercise_id, user_id, created_at) for
the window path; the totals tables are keyed by (user_id, exercise_id, ...).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import sqlalchemy as sa

from ..extensions import db
from ..models import TutorTurn
from .stats import RAPID_S
from .stats import STUCK_CHECKS
from .stats import STUCK_MINUTES
from .stats import fold_pending

EQ_WARNING = 0.6
RED_WARNING = 3.0
FAILS_WARNING = 10
EQ_BUCKETS = (0.2, 0.4, 0.6, 0.8)
RED_BUCKETS = (1.0, 3.0, 6.0)


def seconds_between(earlier: str, later: str) -> str:
    """SQL for the seconds from one timestamp column to another, in this database's dialect."""
    if db.engine.dialect.name == "postgresql":
        return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"


def scope_sql(exercise: bool) -> str:
    """The WHERE clause that keeps the course's learners' checks on the course's exercises."""
    where = (
        "a.kind = 'check'"
        " AND a.user_id IN (SELECT m.user_id FROM course_member m"
        "   WHERE m.course_id = :course_id AND m.role = 'learner')"
        " AND a.exercise_id IN (SELECT ce.exercise_id FROM course_exercise ce"
        "   WHERE ce.course_id = :course_id)"
    )
    return where + (" AND a.exercise_id = :exercise_id" if exercise else "")


def checks_cte(exercise: bool) -> str:
    """The course's checks, each with what the previous and next check of its learner-exercise
    did (a window partitioned by learner and exercise, in time order)."""
    signature = (
        "CASE WHEN a.passed THEN NULL ELSE "
        "COALESCE(a.error_type, 'AssertionError') || ':' || COALESCE(a.first_failure, '') END"
    )
    return f"""
    c AS (
      SELECT a.id, a.user_id, a.exercise_id, a.session_id, a.created_at, a.code_hash,
             a.tests_passed, a.first_failure, a.error_type,
             CASE WHEN a.passed THEN 1 ELSE 0 END AS ok, {signature} AS sig
      FROM attempt a WHERE {scope_sql(exercise)}
    ),
    w AS (
      SELECT c.*,
        ROW_NUMBER() OVER le AS n,
        LAG(c.code_hash) OVER le AS prev_hash,
        LEAD(c.created_at) OVER le AS next_at
      FROM c
      WINDOW le AS (PARTITION BY c.user_id, c.exercise_id ORDER BY c.created_at, c.id)
    )"""


@dataclass
class Dashboard:
    """Every figure of one course (or one exercise of it)."""

    learner_exercises: int = 0
    solved: int = 0
    first_check_passed: int = 0
    checks: int = 0
    failed_checks: int = 0
    rapid_retries: int = 0
    identical_resubmissions: int = 0
    solve_histogram: dict[int, int] = field(default_factory=dict)  # checks to solve -> count
    stuck: int = 0
    top_tests: list[dict[str, Any]] = field(default_factory=list)
    top_errors: list[dict[str, Any]] = field(default_factory=list)
    eq_distribution: list[dict[str, Any]] = field(default_factory=list)
    red_distribution: list[dict[str, Any]] = field(default_factory=list)
    hint_levels: dict[int, int] = field(default_factory=dict)
    solves_after_bottom_out: int = 0
    tutor_turns_before_solve: int = 0
    solves_with_tutor: int = 0
    tutor_turns: int = 0
    guard_violations: dict[str, int] = field(default_factory=dict)
    journal: list[dict[str, Any]] = field(default_factory=list)
    assisted: int = 0
    assisted_solved: int = 0
    follow_ups_unassisted: int = 0
    follow_ups_unassisted_passed: int = 0
    early_warning: list[dict[str, Any]] = field(default_factory=list)

    @staticmethod
    def rate(part: int, whole: int) -> float | None:
        """part / whole, or None when there is nothing to divide."""
        return part / whole if whole else None

    @property
    def completion_rate(self) -> float | None:
        """Solved / started learner-exercises."""
        return self.rate(self.solved, self.learner_exercises)

    @property
    def first_check_success(self) -> float | None:
        """First check passed / started learner-exercises."""
        return self.rate(self.first_check_passed, self.learner_exercises)

    @property
    def rapid_retry_rate(self) -> float | None:
        """Failed checks retried within RAPID_S / failed checks."""
        return self.rate(self.rapid_retries, self.failed_checks)

    @property
    def identical_resubmission_rate(self) -> float | None:
        """Checks with the previous check's code / checks."""
        return self.rate(self.identical_resubmissions, self.checks)

    @property
    def stuck_rate(self) -> float | None:
        """Learner-exercises with a stuck stretch / learner-exercises."""
        return self.rate(self.stuck, self.learner_exercises)

    @property
    def hint_dependency(self) -> float | None:
        """Solves after a bottom-out hint / solves."""
        return self.rate(self.solves_after_bottom_out, self.solved)

    @property
    def tutor_turns_per_solve(self) -> float | None:
        """Tutor turns before the solve / solves that used the tutor."""
        return self.rate(self.tutor_turns_before_solve, self.solves_with_tutor)

    @property
    def assisted_solve_rate(self) -> float | None:
        """Solved / learner-exercises where the learner asked for a hint or the tutor."""
        return self.rate(self.assisted_solved, self.assisted)

    @property
    def unassisted_follow_up_rate(self) -> float | None:
        """Follow-up exercises solved with no hint or tutor / follow-ups tried that way."""
        return self.rate(self.follow_ups_unassisted_passed, self.follow_ups_unassisted)

    @property
    def assisted_unassisted_gap(self) -> float | None:
        """Assisted solve rate minus unassisted follow-up pass rate (large: help is a crutch)."""
        if self.assisted_solve_rate is None or self.unassisted_follow_up_rate is None:
            return None
        return self.assisted_solve_rate - self.unassisted_follow_up_rate

    def checks_to_solve(self) -> tuple[int, int, int] | None:
        """(25th percentile, median, 75th percentile) of checks to solve, nearest rank."""
        values = sorted(self.solve_histogram.items())
        total = sum(count for _, count in values)
        if not total:
            return None

        def rank(q: float) -> int:
            target = max(1, -(-int(q * total * 1000) // 1000))  # ceil(q * total), at least 1
            seen = 0
            for value, count in values:
                seen += count
                if seen >= target:
                    return value
            return values[-1][0]

        return rank(0.25), rank(0.5), rank(0.75)

    def success_curve(self) -> list[dict[str, Any]]:
        """Share of learner-exercises solved within k checks, for k = 1 .. the largest seen."""
        if not self.solve_histogram:
            return []
        rows, solved = [], 0
        for k in range(1, max(self.solve_histogram) + 1):
            solved += self.solve_histogram.get(k, 0)
            rows.append(
                {"checks": k, "solved": solved, "share": self.rate(solved, self.learner_exercises)}
            )
        return rows


def build_dashboard(
    course_id: int,
    exercise_id: str | None = None,
    from_attempts: bool = False,
    follow_up_ids: tuple[str, ...] = (),
) -> Dashboard:
    """Compute the dashboard of a course (authorise the caller first: see services).

    By default the figures sum the running totals (app/teach/stats.py: one row per learner and
    exercise); from_attempts=True computes them from the raw checks with window functions (exact
    and slow: the tests use it to check the totals). follow_up_ids: the exercises that are some
    exercise's follow_up (the unassisted transfer items; the catalog knows them)."""
    params: dict[str, Any] = {"course_id": course_id}
    if exercise_id is not None:
        params["exercise_id"] = exercise_id
    one = exercise_id is not None
    board = Dashboard()
    if not from_attempts:
        fold_pending()  # the checks the attempts API stored count before the totals are read
    if from_attempts:
        fill_attempt_figures(board, params, one)
        fill_failures(board, params, one)
        fill_struggle(board, params, one, struggle_sql(one), stuck_sql(one), unsolved_sql(one))
        fill_help(board, params, one, first_pass_cte(one))
    else:
        fill_attempt_totals(board, params, one)
        fill_failure_totals(board, params, one)
        fill_struggle(
            board,
            params,
            one,
            struggle_totals_sql(one),
            stuck_totals_sql(one),
            unsolved_totals_sql(one),
        )
        fill_help(board, params, one, first_pass_totals_cte(one))
    fill_journal(board, params, one)
    fill_transfer(board, params, one, from_attempts, follow_up_ids)
    return board


def fill_transfer(
    board: Dashboard,
    params: dict[str, Any],
    one: bool,
    from_attempts: bool,
    follow_up_ids: tuple[str, ...],
) -> None:
    """Assisted solve rate, unassisted follow-up pass rate and the gap (Bastani; §6d).

    Assisted: the learner asked for a hint or the tutor on that exercise (at any time)."""
    if from_attempts:
        source = f"""SELECT a.user_id, a.exercise_id,
          MAX(CASE WHEN a.passed THEN 1 ELSE 0 END) AS solved
          FROM attempt a WHERE {scope_sql(one)} GROUP BY a.user_id, a.exercise_id"""
    else:
        source = f"""SELECT s.user_id, s.exercise_id,
          CASE WHEN s.first_pass_n IS NULL THEN 0 ELSE 1 END AS solved
          FROM learner_exercise_stat s WHERE {help_scope("s", one)}"""
    follow = "le.exercise_id IN :follow_ups" if follow_up_ids else "1 = 0"
    # Who asked for help where: one set, joined once (hash-joined on PostgreSQL), rather than
    # two correlated lookups per learner-exercise.
    sql = f"""WITH le AS ({source}),
    helped AS (
      SELECT h.user_id, h.exercise_id FROM hint_event h WHERE {help_scope("h", one)}
      UNION
      SELECT t.user_id, t.exercise_id FROM tutor_turn t WHERE {help_scope("t", one)}
    ),
    marked AS (
      SELECT le.solved,
        CASE WHEN helped.user_id IS NULL THEN 0 ELSE 1 END AS assisted,
        CASE WHEN {follow} THEN 1 ELSE 0 END AS follow_up
      FROM le LEFT JOIN helped
        ON helped.user_id = le.user_id AND helped.exercise_id = le.exercise_id
    )
    SELECT SUM(assisted), SUM(assisted * solved), SUM((1 - assisted) * follow_up),
           SUM((1 - assisted) * follow_up * solved)
    FROM marked"""
    statement = sa.text(sql)
    values = dict(params)
    if follow_up_ids:
        statement = statement.bindparams(sa.bindparam("follow_ups", expanding=True))
        values["follow_ups"] = list(follow_up_ids)
    row = db.session.execute(statement, values).one()
    board.assisted, board.assisted_solved = int(row[0] or 0), int(row[1] or 0)
    board.follow_ups_unassisted = int(row[2] or 0)
    board.follow_ups_unassisted_passed = int(row[3] or 0)


def fill_attempt_totals(board: Dashboard, params: dict[str, Any], one: bool) -> None:
    """Completion, first-check success, checks to solve, rapid retries, identical code."""
    rows = run(
        f"""SELECT s.first_pass_n, COUNT(*), SUM(CASE WHEN s.first_ok THEN 1 ELSE 0 END),
               SUM(s.checks), SUM(s.failed), SUM(s.rapid), SUM(s.identical)
        FROM learner_exercise_stat s WHERE {help_scope("s", one)} GROUP BY s.first_pass_n""",
        params,
    )
    add_attempt_rows(board, rows)


def fill_failure_totals(board: Dashboard, params: dict[str, Any], one: bool) -> None:
    """The failing tests and error types met most often, from the tallies."""
    for kind, target in (("test", board.top_tests), ("error", board.top_errors)):
        rows = run(
            f"""SELECT t.name, SUM(t.checks) AS checks, COUNT(DISTINCT t.user_id) AS learners
            FROM failure_tally t WHERE t.kind = '{kind}' AND {help_scope("t", one, hint=True)}
            GROUP BY t.name ORDER BY checks DESC, t.name LIMIT 10""",
            params,
        )
        target.extend({"name": r[0], "checks": r[1], "learners": r[2]} for r in rows)


def struggle_totals_sql(one: bool) -> str:
    """Per learner × exercise × session EQ and RED, from the running sums."""
    return f"""sessions AS (
      SELECT t.user_id, t.exercise_id, t.session_key AS session_id,
        t.red_closed + t.run * t.run * 1.0 / (t.run + 1) AS red,
        CASE WHEN t.checks > 1 THEN t.pair_score_sum / (t.checks - 1) END AS eq
      FROM session_struggle t WHERE {help_scope("t", one)}
    )"""


def stuck_totals_sql(one: bool) -> str:
    """Learner-exercises that had a stuck stretch, per learner."""
    return f"""SELECT s.user_id, COUNT(*) FROM learner_exercise_stat s
    WHERE s.stuck AND {help_scope("s", one)} GROUP BY s.user_id"""


def unsolved_totals_sql(one: bool) -> str:
    """Learner-exercises unsolved after FAILS_WARNING checks or more, per learner."""
    return f"""SELECT s.user_id, COUNT(*) FROM learner_exercise_stat s
    WHERE s.first_pass_n IS NULL AND s.checks >= {FAILS_WARNING} AND {help_scope("s", one)}
    GROUP BY s.user_id"""


def first_pass_totals_cte(one: bool) -> str:
    """When each learner-exercise of the course was first solved, from the totals."""
    return f"""fp AS (
      SELECT s.user_id, s.exercise_id, s.solved_at FROM learner_exercise_stat s
      WHERE s.solved_at IS NOT NULL AND {help_scope("s", one)}
    )"""


def unsolved_sql(one: bool) -> str:
    """Learner-exercises unsolved after FAILS_WARNING checks or more, from the raw checks."""
    return f"""SELECT user_id, COUNT(*) FROM (
      SELECT a.user_id, a.exercise_id FROM attempt a WHERE {scope_sql(one)}
      GROUP BY a.user_id, a.exercise_id
      HAVING SUM(CASE WHEN a.passed THEN 1 ELSE 0 END) = 0 AND COUNT(*) >= {FAILS_WARNING}
    ) unsolved GROUP BY user_id"""


def add_attempt_rows(board: Dashboard, rows: list[sa.Row[Any]]) -> None:
    """Add (first_pass_n, learner-exercises, first ok, checks, failed, rapid, identical) rows."""
    for first_pass_n, count, first_ok, checks, failed, rapid, identical in rows:
        board.learner_exercises += count
        board.first_check_passed += int(first_ok or 0)
        board.checks += int(checks or 0)
        board.failed_checks += int(failed or 0)
        board.rapid_retries += int(rapid or 0)
        board.identical_resubmissions += int(identical or 0)
        if first_pass_n is not None:
            board.solved += count
            board.solve_histogram[int(first_pass_n)] = count


def run(sql: str, params: dict[str, Any]) -> list[sa.Row[Any]]:
    """Execute one read-only aggregate."""
    return list(db.session.execute(sa.text(sql), params))


def fill_attempt_figures(board: Dashboard, params: dict[str, Any], one: bool) -> None:
    """Completion, first-check success, checks to solve, rapid retries, identical code."""
    gap = seconds_between("w.created_at", "w.next_at")
    rows = run(
        f"""WITH {checks_cte(one)},
        le AS (
          SELECT w.user_id, w.exercise_id,
            MIN(CASE WHEN w.ok = 1 THEN w.n END) AS first_pass_n,
            MAX(CASE WHEN w.n = 1 THEN w.ok ELSE 0 END) AS first_ok,
            COUNT(*) AS checks,
            SUM(1 - w.ok) AS failed,
            SUM(CASE WHEN w.ok = 0 AND w.next_at IS NOT NULL AND {gap} < {RAPID_S}
                     THEN 1 ELSE 0 END) AS rapid,
            SUM(CASE WHEN w.code_hash = w.prev_hash THEN 1 ELSE 0 END) AS identical
          FROM w GROUP BY w.user_id, w.exercise_id
        )
        SELECT first_pass_n, COUNT(*), SUM(first_ok), SUM(checks), SUM(failed), SUM(rapid),
               SUM(identical)
        FROM le GROUP BY first_pass_n""",
        params,
    )
    add_attempt_rows(board, rows)


def fill_failures(board: Dashboard, params: dict[str, Any], one: bool) -> None:
    """The failing tests and error types met most often (checks, and learners who met them)."""
    columns = (
        ("a.first_failure", board.top_tests),
        ("COALESCE(a.error_type, 'AssertionError')", board.top_errors),
    )
    for column, target in columns:
        rows = run(
            f"""SELECT {column} AS name, COUNT(*) AS checks, COUNT(DISTINCT a.user_id) AS learners
            FROM attempt a WHERE {scope_sql(one)} AND NOT a.passed AND {column} IS NOT NULL
            GROUP BY {column} ORDER BY checks DESC, name LIMIT 10""",
            params,
        )
        target.extend({"name": r[0], "checks": r[1], "learners": r[2]} for r in rows)


def bucket_sql(expression: str, bounds: tuple[float, ...]) -> str:
    """SQL that puts a value in the bucket below the first bound it is under (index)."""
    cases = " ".join(f"WHEN {expression} < {b} THEN {i}" for i, b in enumerate(bounds))
    return f"CASE {cases} ELSE {len(bounds)} END"


def bucket_labels(bounds: tuple[float, ...]) -> list[str]:
    """'< 0.2', '0.2–0.4', ..., '≥ 0.8'."""
    labels = [f"< {bounds[0]:g}"]
    labels += [f"{a:g}–{b:g}" for a, b in zip(bounds, bounds[1:], strict=False)]
    return [*labels, f"≥ {bounds[-1]:g}"]


def struggle_sql(one: bool) -> str:
    """Per learner × exercise × session: EQ (pairs within the session) and RED (runs of repeated
    error signatures, by gaps and islands); and per learner-exercise: stuck stretches."""
    return f"""{checks_cte(one)},
    s AS (
      SELECT c.user_id, c.exercise_id, COALESCE(c.session_id, 0) AS session_id, c.created_at,
        c.id, c.ok, c.sig, LAG(c.ok) OVER ses AS prev_ok, LAG(c.sig) OVER ses AS prev_sig
      FROM c
      WINDOW ses AS (PARTITION BY c.user_id, c.exercise_id, COALESCE(c.session_id, 0)
                     ORDER BY c.created_at, c.id)
    ),
    p AS (
      SELECT s.*,
        CASE WHEN s.prev_ok IS NULL THEN NULL
             WHEN s.ok = 0 AND s.prev_ok = 0
               THEN (8 + CASE WHEN s.sig = s.prev_sig THEN 3 ELSE 0 END) / 11.0
             ELSE 0 END AS pair_score,
        CASE WHEN s.prev_ok = 0 AND s.sig = s.prev_sig THEN 1 ELSE 0 END AS rep
      FROM s
    ),
    islands AS (
      SELECT p.*, SUM(1 - p.rep) OVER (PARTITION BY p.user_id, p.exercise_id, p.session_id
                                       ORDER BY p.created_at, p.id ROWS UNBOUNDED PRECEDING) AS g
      FROM p
    ),
    runs AS (
      SELECT user_id, exercise_id, session_id, SUM(rep) AS r
      FROM islands GROUP BY user_id, exercise_id, session_id, g
    ),
    red AS (
      SELECT user_id, exercise_id, session_id, SUM(r * r * 1.0 / (r + 1)) AS red
      FROM runs GROUP BY user_id, exercise_id, session_id
    ),
    eq AS (
      SELECT user_id, exercise_id, session_id, AVG(pair_score) AS eq, COUNT(pair_score) AS pairs
      FROM p GROUP BY user_id, exercise_id, session_id
    ),
    sessions AS (
      SELECT red.user_id, red.exercise_id, red.session_id, red.red,
             CASE WHEN eq.pairs > 0 THEN eq.eq END AS eq
      FROM red JOIN eq ON eq.user_id = red.user_id AND eq.exercise_id = red.exercise_id
        AND eq.session_id = red.session_id
    )"""


def stuck_sql(one: bool) -> str:
    """Learner-exercises with a stretch without progress: the checks after each new best
    tests_passed (or pass) are grouped; a group of STUCK_CHECKS+ checks over STUCK_MINUTES+."""
    span = seconds_between("MIN(created_at)", "MAX(created_at)")
    return f"""WITH {checks_cte(one)},
    best AS (
      SELECT c.*, MAX(c.tests_passed) OVER (PARTITION BY c.user_id, c.exercise_id
        ORDER BY c.created_at, c.id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS best_before
      FROM c
    ),
    marked AS (
      SELECT best.*, CASE WHEN best.ok = 1 OR best.best_before IS NULL
                          OR best.tests_passed > best.best_before THEN 1 ELSE 0 END AS progress
      FROM best
    ),
    grouped AS (
      SELECT marked.*, SUM(progress) OVER (PARTITION BY user_id, exercise_id
        ORDER BY created_at, id ROWS UNBOUNDED PRECEDING) AS stretch
      FROM marked
    ),
    stretches AS (
      SELECT user_id, exercise_id, stretch, COUNT(*) AS checks, SUM(ok) AS passes,
             {span} AS seconds
      FROM grouped GROUP BY user_id, exercise_id, stretch
    )
    SELECT user_id, COUNT(DISTINCT exercise_id) FROM stretches
    WHERE checks >= {STUCK_CHECKS + 1} AND passes = 0 AND seconds >= {STUCK_MINUTES * 60}
    GROUP BY user_id"""


def fill_struggle(
    board: Dashboard,
    params: dict[str, Any],
    one: bool,
    sessions_sql: str,
    stuck_query: str,
    unsolved_query: str,
) -> None:
    """EQ and RED distributions, stuck learner-exercises, and the early-warning list."""
    eq_labels, red_labels = bucket_labels(EQ_BUCKETS), bucket_labels(RED_BUCKETS)
    eq_counts, red_counts = Counter(), Counter()
    eq_sums: dict[int, list[float]] = {}  # user -> [sum of EQ, sessions with an EQ]
    max_reds: dict[int, float] = {}
    # One pass over the sessions: buckets for the charts, and per learner for the warnings.
    rows = run(
        f"""WITH {sessions_sql}
        SELECT user_id, {bucket_sql("eq", EQ_BUCKETS)} AS eq_bucket,
               {bucket_sql("red", RED_BUCKETS)} AS red_bucket,
               COUNT(*), COUNT(eq), SUM(eq), MAX(red)
        FROM sessions GROUP BY 1, 2, 3""",
        params,
    )
    for user_id, eq_bucket, red_bucket, count, eq_count, eq_sum, max_red in rows:
        eq_counts[eq_bucket] += int(eq_count or 0)
        red_counts[red_bucket] += count
        sums = eq_sums.setdefault(user_id, [0.0, 0])
        sums[0] += float(eq_sum or 0)
        sums[1] += int(eq_count or 0)
        max_reds[user_id] = max(max_reds.get(user_id, 0.0), float(max_red or 0))
    board.eq_distribution = [
        {"eq": label, "sessions": eq_counts[i]} for i, label in enumerate(eq_labels)
    ]
    board.red_distribution = [
        {"red": label, "sessions": red_counts[i]} for i, label in enumerate(red_labels)
    ]
    warnings: dict[int, dict[str, Any]] = {}

    def warn(user_id: int, reason: str) -> None:
        warnings.setdefault(user_id, {"user_id": user_id, "reasons": []})["reasons"].append(reason)

    for user_id, (eq_sum, eq_count) in sorted(eq_sums.items()):
        mean_eq = eq_sum / eq_count if eq_count else None
        if mean_eq is not None and mean_eq >= EQ_WARNING:
            warn(user_id, f"mean EQ {mean_eq:.2f} (≥ {EQ_WARNING:g})")
        if max_reds[user_id] >= RED_WARNING:
            warn(user_id, f"RED {max_reds[user_id]:.1f} in one session (≥ {RED_WARNING:g})")
    for user_id, exercises in run(stuck_query, params):
        board.stuck += exercises
        warn(user_id, f"stuck on {exercises} exercise(s) ({STUCK_MINUTES}+ min without progress)")
    for user_id, exercise_count in run(unsolved_query, params):
        warn(user_id, f"{exercise_count} exercise(s) unsolved after {FAILS_WARNING}+ checks")
    for (user_id,) in run(
        f"""SELECT DISTINCT f.user_id FROM friction_event f
        WHERE f.rule = 'F10' AND f.user_id IN (SELECT m.user_id FROM course_member m
          WHERE m.course_id = :course_id AND m.role = 'learner')
        {"AND f.exercise_id = :exercise_id" if one else ""}""",
        params,
    ):
        warn(user_id, "flagged by the friction rules (F10)")
    board.early_warning = sorted(
        warnings.values(), key=lambda w: (-len(w["reasons"]), w["user_id"])
    )


def first_pass_cte(one: bool) -> str:
    """When each learner-exercise of the course was first solved."""
    return f"""fp AS (
      SELECT a.user_id, a.exercise_id, MIN(a.created_at) AS solved_at
      FROM attempt a WHERE {scope_sql(one)} AND a.passed GROUP BY a.user_id, a.exercise_id
    )"""


def help_scope(table: str, one: bool, hint: bool = False) -> str:
    """Rows of a table keyed by user and exercise, from the course's learners and exercises.

    hint=True writes `+user_id`: SQLite then reads the (kind, name, ...) index in name order and
    groups without sorting (3x faster on the failure tallies); elsewhere it is a plain unary +."""
    return (
        f"{'+' if hint else ''}{table}.user_id IN (SELECT m.user_id FROM course_member m"
        "   WHERE m.course_id = :course_id AND m.role = 'learner')"
        f" AND {table}.exercise_id IN (SELECT ce.exercise_id FROM course_exercise ce"
        "   WHERE ce.course_id = :course_id)"
        + (f" AND {table}.exercise_id = :exercise_id" if one else "")
    )


def fill_help(board: Dashboard, params: dict[str, Any], one: bool, solved_cte: str) -> None:
    """Hint levels and dependency, tutor turns per solve and guard violations by rule."""
    board.hint_levels = {
        int(level): count
        for level, count in run(
            f"""SELECT h.level, COUNT(*) FROM hint_event h WHERE {help_scope("h", one)}
            GROUP BY h.level ORDER BY h.level""",
            params,
        )
    }
    (board.solves_after_bottom_out,) = run(
        f"""WITH {solved_cte}
        SELECT COUNT(*) FROM fp WHERE EXISTS (SELECT 1 FROM hint_event h
          WHERE h.user_id = fp.user_id AND h.exercise_id = fp.exercise_id AND h.bottom_out
            AND h.created_at <= fp.solved_at)""",
        params,
    )[0]
    turns, solves = run(
        f"""WITH {solved_cte}
        SELECT COUNT(t.id), COUNT(DISTINCT fp.user_id || ':' || fp.exercise_id)
        FROM fp JOIN tutor_turn t ON t.user_id = fp.user_id AND t.exercise_id = fp.exercise_id
          AND t.created_at <= fp.solved_at""",
        params,
    )[0]
    board.tutor_turns_before_solve, board.solves_with_tutor = int(turns or 0), int(solves or 0)
    # Guard results are nested JSON (tries × guards): counted here, over the course's turns.
    violations: Counter[str] = Counter()
    results = db.session.scalars(
        sa.select(TutorTurn.guard_results).where(sa.text(help_scope("tutor_turn", one))), params
    )
    for guard_results in results:
        board.tutor_turns += 1
        first_try = (guard_results or [{}])[0].get("guards", []) if guard_results else []
        for guard in first_try:
            if not guard.get("passed", True):
                violations[str(guard.get("id"))] += 1
    board.guard_violations = dict(sorted(violations.items()))


def fill_journal(board: Dashboard, params: dict[str, Any], one: bool) -> None:
    """Journal entries written and skipped, per kind."""
    rows = run(
        f"""SELECT j.kind, COUNT(*), SUM(CASE WHEN j.skipped THEN 1 ELSE 0 END)
        FROM journal_entry j WHERE {help_scope("j", one)} GROUP BY j.kind ORDER BY j.kind""",
        params,
    )
    board.journal = [
        {
            "kind": kind,
            "entries": count,
            "written": count - int(skipped or 0),
            "skipped": int(skipped or 0),
            "completion": (count - int(skipped or 0)) / count if count else None,
            "skip_rate": int(skipped or 0) / count if count else None,
        }
        for kind, count, skipped in rows
    ]
