"""Running dashboard totals, kept in step with the checks they come from.

Every Check stored through the ORM updates, in the same transaction (a before_flush hook, as
upserts that read nothing first), one learner-exercise row, one learner × exercise × session
row and the failure tallies; the attempts API, which inserts without the ORM, sends
practice.checks_stored in its transaction and the same upserts run. So the
dashboard sums about one row per learner and exercise instead of replaying every check, and a
rolled-back check leaves no trace. The rules are the ones of app/teach/dashboard.py's module
docstring and app/friction/metrics.py; the tests build the same course both ways (running totals,
and the window-function SQL over raw attempts) and compare. Rows inserted around the ORM (bulk
loads, restores) call `recount()` (also `flask teach recount`), which replays the attempts.
"""

from __future__ import annotations

import functools
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite

from ..extensions import db
from ..friction.metrics import error_signature
from ..models import Attempt
from ..models import FailureTally
from ..models import LearnerExerciseStat
from ..models import SessionStruggle
from ..models import UTCDateTime
from ..models import utcnow
from ..practice.services import checks_stored

RAPID_S = 15
STUCK_MINUTES = 10
STUCK_CHECKS = 3


def apply_check(stat: LearnerExerciseStat, struggle: SessionStruggle, check: Any) -> None:
    """Fold one check (the newest) into its learner-exercise and session totals."""
    ok = bool(check.passed)
    at = check.created_at
    tests_passed = check.tests_passed or 0  # None until the column default fills it in
    # Learner-exercise totals.
    if stat.checks and not stat.last_ok and (at - stat.last_at).total_seconds() < RAPID_S:
        stat.rapid += 1
    if stat.checks and check.code_hash == stat.last_hash:
        stat.identical += 1
    progress = ok or stat.checks == 0 or tests_passed > stat.best_tests
    stat.best_tests = max(stat.best_tests, tests_passed) if stat.checks else tests_passed
    stat.checks += 1
    stat.failed += 0 if ok else 1
    if stat.checks == 1:
        stat.first_ok = ok
    if ok and stat.first_pass_n is None:
        stat.first_pass_n, stat.solved_at = stat.checks, at
    if progress:
        stat.stretch_start_at, stat.stretch_checks, stat.stretch_start_ok = at, 1, ok
    else:
        stat.stretch_checks += 1
        long_enough = (at - stat.stretch_start_at).total_seconds() >= STUCK_MINUTES * 60
        if stat.stretch_checks >= STUCK_CHECKS + 1 and not stat.stretch_start_ok and long_enough:
            stat.stuck = True
    stat.last_at, stat.last_ok, stat.last_hash = at, ok, check.code_hash
    # Session EQ and RED.
    signature = None if ok else error_signature(check.error_type, check.first_failure)
    if struggle.checks:
        both_failed = not ok and not struggle.last_ok
        same = both_failed and signature == struggle.last_sig
        if both_failed:
            struggle.pair_score_sum += (8 + (3 if same else 0)) / 11
        if same:
            struggle.run += 1
        else:
            struggle.red_closed += struggle.run * struggle.run / (struggle.run + 1)
            struggle.run = 0
    struggle.checks += 1
    struggle.last_ok, struggle.last_sig = ok, signature


def tally_keys(check: Any) -> list[tuple[str, str]]:
    """The (kind, name) tallies a failed check counts towards."""
    if check.passed:
        return []
    keys = []
    if check.first_failure is not None:
        keys.append(("test", check.first_failure))
    # A failed test with no exception is an assertion failure, as in error_signature().
    keys.append(("error", check.error_type or "AssertionError"))
    return keys


class Totals:
    """The rows one batch of checks touches, loaded once (pending rows are not in the identity
    map until flushed, so two checks of one learner-exercise in one flush share this cache)."""

    def __init__(self, session: so.Session, fresh: bool = False) -> None:
        self.session = session
        self.fresh = fresh  # nothing stored yet: do not look rows up
        self.rows: dict[tuple[Any, ...], Any] = {}

    def row(self, model: type, key: tuple[Any, ...], **defaults: Any) -> Any:
        """The row of this primary key: cached, stored, or new."""
        cache_key = (model, *key)
        if cache_key not in self.rows:
            if self.fresh:  # a recount: plain records, bulk-inserted at the end
                self.rows[cache_key] = SimpleNamespace(**defaults)
                return self.rows[cache_key]
            with self.session.no_autoflush:
                found = self.session.get(model, key)
            if found is None:
                found = model(**defaults)
                self.session.add(found)
            self.rows[cache_key] = found
        return self.rows[cache_key]

    def add(self, check: Any) -> None:
        """Fold one check into its rows."""
        stat = self.row(
            LearnerExerciseStat,
            (check.user_id, check.exercise_id),
            user_id=check.user_id,
            exercise_id=check.exercise_id,
            checks=0,
            failed=0,
            rapid=0,
            identical=0,
            first_ok=False,
            last_ok=False,
            best_tests=0,
            stretch_checks=0,
            stretch_start_ok=False,
            stuck=False,
            first_pass_n=None,
            solved_at=None,
            last_at=None,
            last_hash=None,
            stretch_start_at=None,
        )
        session_key = check.session_id or 0
        struggle = self.row(
            SessionStruggle,
            (check.user_id, check.exercise_id, session_key),
            user_id=check.user_id,
            exercise_id=check.exercise_id,
            session_key=session_key,
            checks=0,
            pair_score_sum=0.0,
            red_closed=0.0,
            run=0,
            last_ok=False,
            last_sig=None,
        )
        apply_check(stat, struggle, check)
        for kind, name in tally_keys(check):
            tally = self.row(
                FailureTally,
                (check.user_id, check.exercise_id, kind, name),
                user_id=check.user_id,
                exercise_id=check.exercise_id,
                kind=kind,
                name=name,
                checks=0,
            )
            tally.checks += 1


def fold_new_checks(session: so.Session, flush_context: Any, instances: Any) -> None:
    """before_flush: fold the checks about to be inserted into the running totals."""
    checks = [o for o in session.new if isinstance(o, Attempt) and o.kind == "check"]
    if not checks:
        return
    for check in checks:
        if check.created_at is None:
            check.created_at = utcnow()
    fold_checks(session.connection(), checks)


def fold_checks(connection: sa.Connection, checks: list[Any]) -> None:
    """Fold checks (anything with an Attempt's columns as attributes) into the running totals,
    on the caller's connection and in its transaction; what inserts a check without the ORM
    (the attempts API) calls this itself."""
    for check in sorted(checks, key=lambda c: c.created_at):
        ok = bool(check.passed)
        stat, struggle, tally = total_upserts(connection.dialect.name, ok)
        at = check.created_at
        signature = None if ok else error_signature(check.error_type, check.first_failure)
        connection.execute(
            stat,
            {
                "user_id": check.user_id,
                "exercise_id": check.exercise_id,
                "at": at,
                "rapid_after": at - timedelta(seconds=RAPID_S),
                "stuck_before": at - timedelta(minutes=STUCK_MINUTES),
                "tests_passed": check.tests_passed or 0,  # None until the column default
                "code_hash": check.code_hash,
            },
        )
        connection.execute(
            struggle,
            {
                "user_id": check.user_id,
                "exercise_id": check.exercise_id,
                "session_key": check.session_id or 0,
                "signature": signature,
            },
        )
        keys = tally_keys(check)
        if keys:
            connection.execute(
                tally,
                [
                    {"user_id": check.user_id, "exercise_id": check.exercise_id,
                     "kind": kind, "name": name}
                    for kind, name in keys
                ],
            )


UPSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


@functools.cache
def total_upserts(dialect: str, ok: bool) -> tuple[sa.Executable, ...]:
    """apply_check and the tallies as INSERT ... ON CONFLICT DO UPDATE statements, for a check
    that passed or failed: a check's totals in three statements that read nothing first (the
    SET clauses see the row before the check, as apply_check does; the tests compare them with
    the recount, which runs apply_check). Built once per dialect, run with bound values."""
    insert = UPSERTS[dialect]
    at = sa.bindparam("at", type_=UTCDateTime())
    tests_passed = sa.bindparam("tests_passed", type_=sa.Integer())
    code_hash = sa.bindparam("code_hash", type_=sa.String())
    user_id = sa.bindparam("user_id", type_=sa.Integer())
    exercise_id = sa.bindparam("exercise_id", type_=sa.String())

    s = LearnerExerciseStat.__table__.c
    seen = s.checks > 0
    progress = sa.true() if ok else sa.or_(sa.not_(seen), s.best_tests < tests_passed)
    first_pass = sa.and_(sa.true() if ok else sa.false(), s.first_pass_n.is_(None))
    stat = insert(LearnerExerciseStat).values(
        user_id=user_id, exercise_id=exercise_id, checks=1, failed=0 if ok else 1, rapid=0,
        identical=0, first_ok=ok, last_ok=ok, best_tests=tests_passed,
        first_pass_n=1 if ok else None, solved_at=at if ok else None, last_at=at,
        last_hash=code_hash, stretch_start_at=at, stretch_checks=1, stretch_start_ok=ok,
        stuck=False,
    ).on_conflict_do_update(
        index_elements=[s.user_id, s.exercise_id],
        set_={
            "rapid": s.rapid + sa.case(
                (sa.and_(seen, sa.not_(s.last_ok),
                         s.last_at > sa.bindparam("rapid_after", type_=UTCDateTime())), 1),
                else_=0,
            ),
            "identical": s.identical + sa.case((sa.and_(seen, s.last_hash == code_hash), 1),
                                               else_=0),
            "best_tests": sa.case((sa.and_(seen, s.best_tests > tests_passed), s.best_tests),
                                  else_=tests_passed),
            "checks": s.checks + 1,
            "failed": s.failed + (0 if ok else 1),
            "first_ok": sa.case((seen, s.first_ok), else_=ok),
            "first_pass_n": sa.case((first_pass, s.checks + 1), else_=s.first_pass_n),
            "solved_at": sa.case((first_pass, at), else_=s.solved_at),
            "stretch_start_at": sa.case((progress, at), else_=s.stretch_start_at),
            "stretch_checks": sa.case((progress, 1), else_=s.stretch_checks + 1),
            "stretch_start_ok": sa.case((progress, ok), else_=s.stretch_start_ok),
            "stuck": sa.case(
                (
                    sa.and_(
                        sa.not_(progress),
                        s.stretch_checks + 1 >= STUCK_CHECKS + 1,
                        sa.not_(s.stretch_start_ok),
                        s.stretch_start_at <= sa.bindparam("stuck_before", type_=UTCDateTime()),
                    ),
                    True,
                ),
                else_=s.stuck,
            ),
            "last_at": at,
            "last_ok": ok,
            "last_hash": code_hash,
        },
    )

    g = SessionStruggle.__table__.c
    signature = sa.bindparam("signature", type_=sa.String())
    both_failed = sa.false() if ok else sa.and_(g.checks > 0, sa.not_(g.last_ok))
    same = sa.false() if ok else sa.and_(both_failed, g.last_sig == signature)
    closed_run = sa.cast(g.run * g.run, sa.Float) / sa.cast(g.run + 1, sa.Float)
    struggle = insert(SessionStruggle).values(
        user_id=user_id, exercise_id=exercise_id,
        session_key=sa.bindparam("session_key", type_=sa.Integer()), checks=1,
        pair_score_sum=0.0, red_closed=0.0, run=0, last_ok=ok, last_sig=signature,
    ).on_conflict_do_update(
        index_elements=[g.user_id, g.exercise_id, g.session_key],
        set_={
            "pair_score_sum": g.pair_score_sum
            + sa.case((same, (8 + 3) / 11), (both_failed, 8 / 11), else_=0.0),
            "run": sa.case((same, g.run + 1), else_=0),
            "red_closed": sa.case(
                (sa.or_(same, sa.not_(g.checks > 0)), g.red_closed),
                else_=g.red_closed + closed_run,
            ),
            "checks": g.checks + 1,
            "last_ok": ok,
            "last_sig": signature,
        },
    )

    t = FailureTally.__table__.c
    tally = insert(FailureTally).values(
        user_id=user_id, exercise_id=exercise_id,
        kind=sa.bindparam("kind", type_=sa.String()), name=sa.bindparam("name", type_=sa.String()),
        checks=1,
    ).on_conflict_do_update(
        index_elements=[t.user_id, t.exercise_id, t.kind, t.name], set_={"checks": t.checks + 1}
    )
    return stat, struggle, tally


def fold_stored_checks(connection: sa.Connection, checks: list[Any]) -> None:
    """practice.checks_stored receiver: checks inserted without the ORM (the attempts API)."""
    fold_checks(connection, checks)


def install() -> None:
    """Hook the running totals into every session of the app and into the attempts API's
    inserts (once per process)."""
    if not sa.event.contains(so.Session, "before_flush", fold_new_checks):
        sa.event.listen(so.Session, "before_flush", fold_new_checks)
    checks_stored.connect(fold_stored_checks)


def recount(batch: int = 5000) -> int:
    """Rebuild every running total from the stored checks (bulk loads, restores); returns the
    number of checks replayed. Commits."""
    for model in (FailureTally, SessionStruggle, LearnerExerciseStat):
        db.session.execute(sa.delete(model))
    db.session.flush()
    totals = Totals(db.session, fresh=True)
    replayed = 0
    columns = (
        Attempt.user_id,
        Attempt.exercise_id,
        Attempt.session_id,
        Attempt.created_at,
        Attempt.passed,
        Attempt.code_hash,
        Attempt.tests_passed,
        Attempt.first_failure,
        Attempt.error_type,
    )
    rows = db.session.execute(
        sa.select(*columns)
        .where(Attempt.kind == "check")
        .order_by(Attempt.user_id, Attempt.exercise_id, Attempt.created_at, Attempt.id)
        .execution_options(yield_per=batch)
    )
    for check in rows:
        totals.add(check)
        replayed += 1
    by_model: dict[type, list[dict[str, Any]]] = {}
    for (model, *_), record in totals.rows.items():
        by_model.setdefault(model, []).append(vars(record))
    for model, records in by_model.items():
        for start in range(0, len(records), batch):
            db.session.execute(sa.insert(model), records[start : start + batch])
    db.session.commit()
    return replayed
