"""Running dashboard totals, kept in step with the checks they come from.

The dashboard sums about one row per learner and exercise (LearnerExerciseStat), per learner ×
exercise × session (SessionStruggle) and per failing test or error (FailureTally) instead of
replaying every check. Each check is folded into them exactly once, in (created_at, id) order
per learner and exercise, by upserts that read nothing first:

- Checks stored through the ORM (tests, seeding, imports) are folded in the transaction that
  flushes them (a before_flush hook), after any check still pending, so a rolled-back check
  leaves no trace.
- The attempts API stores a check with attempt.totals_pending set and folds nothing: the
  learner's request does not pay for the dashboard. After its commit it sends
  practice.checks_stored, which wakes this process's background fold (TOTALS_FOLD_MODE=thread).
  A fold claims pending checks in batches (UPDATE ... RETURNING, rows locked FOR UPDATE SKIP
  LOCKED on PostgreSQL), folds them with one executemany per table and clears the flag in the
  same transaction: a crash before the commit leaves the checks pending, so they are folded
  later, once.
- Whatever reads the totals (the dashboard, the account export) calls fold_pending() first,
  which folds what is left and waits for folds under way, so it never reads a stale number.

The rules are the ones of app/teach/dashboard.py's module docstring and app/friction/metrics.py;
the tests build the same course both ways (running totals, and the window-function SQL over raw
attempts) and compare. Rows inserted around the ORM and the API (bulk loads, restores) call
`recount()` (also `flask teach recount`), which replays the attempts.
"""

from __future__ import annotations

import functools
import logging
import threading
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask
from flask import current_app
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
# Checks per fold transaction: big enough that a fold is a few statements per hundred checks,
# small enough that it holds its locks briefly (on SQLite, the one write lock: about 15 ms).
FOLD_BATCH = 200
# The background fold also wakes this often on its own, for checks a dead process left behind.
FOLD_POLL_S = 30.0
# After a pass, the background fold lets checks gather this long before the next one: a pass
# costs a transaction and about five statements however many checks it folds, so under load
# it folds hundreds at once, while a read never has more than about this long's checks to fold.
FOLD_INTERVAL_S = 0.5

log = logging.getLogger(__name__)


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
    """before_flush: fold the checks about to be inserted into the running totals, after the
    checks the attempts API stored before them (so each learner's checks count in order)."""
    checks = [o for o in session.new if isinstance(o, Attempt) and o.kind == "check"]
    if not checks:
        return
    for check in checks:
        if check.created_at is None:
            check.created_at = utcnow()
    connection = session.connection()
    while fold_batch(connection):
        pass
    fold_checks(connection, checks)


def fold_checks(connection: sa.Connection, checks: list[Any]) -> None:
    """Fold checks (anything with an Attempt's columns as attributes) into the running totals,
    on the caller's connection and in its transaction: one executemany per table.

    Each learner-exercise's checks are folded in (created_at, id) order: the sort is stable and
    callers pass checks in id order (or, before a flush, in the order they were added)."""
    if not checks:
        return
    stat, struggle, tally = total_upserts(connection.dialect.name)
    stats, struggles, tallies = [], [], []
    for check in sorted(checks, key=lambda c: (c.user_id, c.exercise_id, c.created_at)):
        ok = bool(check.passed)
        at = check.created_at
        stats.append({
            "user_id": check.user_id,
            "exercise_id": check.exercise_id,
            "ok": ok,
            "at": at,
            "rapid_after": at - timedelta(seconds=RAPID_S),
            "stuck_before": at - timedelta(minutes=STUCK_MINUTES),
            "tests_passed": check.tests_passed or 0,  # None until the column default
            "code_hash": check.code_hash,
        })
        struggles.append({
            "user_id": check.user_id,
            "exercise_id": check.exercise_id,
            "session_key": check.session_id or 0,
            "ok": ok,
            "signature": None if ok else error_signature(check.error_type, check.first_failure),
        })
        tallies += [
            {"user_id": check.user_id, "exercise_id": check.exercise_id, "kind": kind, "name": name}
            for kind, name in tally_keys(check)
        ]
    # The three tables are independent: each statement runs its rows in order, so a row of the
    # totals sees its checks one after the other, as apply_check does.
    connection.execute(stat, stats)
    connection.execute(struggle, struggles)
    if tallies:
        connection.execute(tally, tallies)


UPSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


@functools.cache
def total_upserts(dialect: str) -> tuple[sa.Executable, ...]:
    """apply_check and the tallies as INSERT ... ON CONFLICT DO UPDATE statements: a check's
    totals in three statements that read nothing first (the SET clauses see the row before the
    check, as apply_check does; the tests compare them with the recount, which runs
    apply_check). Whether the check passed is a bound value, so one statement per table folds a
    whole batch (executemany). Built once per dialect."""
    insert = UPSERTS[dialect]
    ok = sa.bindparam("ok", type_=sa.Boolean())
    at = sa.bindparam("at", type_=UTCDateTime())
    tests_passed = sa.bindparam("tests_passed", type_=sa.Integer())
    code_hash = sa.bindparam("code_hash", type_=sa.String())
    user_id = sa.bindparam("user_id", type_=sa.Integer())
    exercise_id = sa.bindparam("exercise_id", type_=sa.String())

    s = LearnerExerciseStat.__table__.c
    seen = s.checks > 0
    progress = sa.or_(ok, sa.not_(seen), s.best_tests < tests_passed)
    first_pass = sa.and_(ok, s.first_pass_n.is_(None))
    stat = insert(LearnerExerciseStat).values(
        user_id=user_id, exercise_id=exercise_id, checks=1, failed=sa.case((ok, 0), else_=1),
        rapid=0, identical=0, first_ok=ok, last_ok=ok, best_tests=tests_passed,
        first_pass_n=sa.case((ok, 1), else_=sa.null()),
        solved_at=sa.case((ok, at), else_=sa.null()), last_at=at, last_hash=code_hash,
        stretch_start_at=at, stretch_checks=1, stretch_start_ok=ok, stuck=False,
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
            "failed": s.failed + sa.case((ok, 0), else_=1),
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
    both_failed = sa.and_(sa.not_(ok), g.checks > 0, sa.not_(g.last_ok))
    same = sa.and_(both_failed, g.last_sig == signature)
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


# What folding needs of a check (the columns apply_check and tally_keys read), and its id.
CHECK_COLUMNS = ("id", "user_id", "exercise_id", "session_id", "created_at", "passed",
                 "code_hash", "tests_passed", "first_failure", "error_type")


@functools.cache
def claim_statement(dialect: str, skip_locked: bool) -> sa.Executable:
    """Mark the first `batch` pending checks (in folding order) folded and return them.

    On PostgreSQL the rows are locked first: skip_locked leaves those another transaction is
    folding to it (a background fold never waits); without it the claim waits for them, and
    PostgreSQL then re-checks each row, so one already folded is not returned. SQLite runs one
    writer at a time, so nothing is ever half-claimed there."""
    attempt = Attempt.__table__
    queued = attempt.alias("queued")
    first = (
        sa.select(queued.c.id)
        .where(queued.c.totals_pending)
        .order_by(queued.c.user_id, queued.c.exercise_id, queued.c.created_at, queued.c.id)
        .limit(sa.bindparam("batch", type_=sa.Integer()))
    )
    if dialect == "postgresql":
        first = first.with_for_update(skip_locked=skip_locked)
    return (
        sa.update(attempt)
        .where(attempt.c.id.in_(first), attempt.c.totals_pending)
        .values(totals_pending=False)
        .returning(*(attempt.c[name] for name in CHECK_COLUMNS))
    )


@functools.cache
def pending_of_users_statement() -> sa.Select:
    """The pending checks of some learners, as this transaction sees them (ids and order)."""
    attempt = Attempt.__table__
    return sa.select(
        attempt.c.user_id, attempt.c.exercise_id, attempt.c.created_at, attempt.c.id
    ).where(attempt.c.totals_pending,
            attempt.c.user_id.in_(sa.bindparam("users", expanding=True)))


@functools.cache
def unclaim_statement() -> sa.Update:
    """Put claimed checks back in the queue."""
    attempt = Attempt.__table__
    return (
        sa.update(attempt)
        .where(attempt.c.id.in_(sa.bindparam("ids", expanding=True)))
        .values(totals_pending=True)
    )


def in_turn(connection: sa.Connection, claimed: list[Any]) -> list[Any]:
    """The claimed checks whose learner-exercise has no earlier check still pending; the others
    go back to the queue.

    A claim that skips locked rows can take a learner-exercise's later checks while another
    transaction folds (or waits to fold) its earlier ones; folding them now would count them
    out of order. The other transaction's rows still look pending from here until it commits,
    and once it has, its totals are there to build on."""
    first: dict[tuple[int, str], tuple[Any, int]] = {}
    for check in claimed:
        first.setdefault((check.user_id, check.exercise_id), (check.created_at, check.id))
    pending = connection.execute(
        pending_of_users_statement(), {"users": sorted({user for user, _ in first})}
    )
    blocked = {
        (row.user_id, row.exercise_id)
        for row in pending
        if (row.user_id, row.exercise_id) in first
        and (row.created_at, row.id) < first[(row.user_id, row.exercise_id)]
    }
    if not blocked:
        return claimed
    connection.execute(
        unclaim_statement(),
        {"ids": [c.id for c in claimed if (c.user_id, c.exercise_id) in blocked]},
    )
    return [c for c in claimed if (c.user_id, c.exercise_id) not in blocked]


def claim_batch(connection: sa.Connection, batch: int = FOLD_BATCH,
                skip_locked: bool = False) -> list[Any]:
    """Take up to `batch` pending checks out of the queue, in the caller's transaction, and
    return them in folding order: the caller folds them before it commits."""
    dialect = connection.dialect.name
    claimed = sorted(
        connection.execute(claim_statement(dialect, skip_locked), {"batch": batch}),
        key=lambda c: (c.user_id, c.exercise_id, c.created_at, c.id),
    )
    if claimed and skip_locked and dialect == "postgresql":
        # A claim that waits takes the queue's head, in order; one that skips may not.
        claimed = in_turn(connection, claimed)
    return claimed


def fold_batch(connection: sa.Connection, batch: int = FOLD_BATCH,
               skip_locked: bool = False) -> int:
    """Claim up to `batch` pending checks and fold them into the totals, in the caller's
    transaction (a rollback, or a crash before the commit, leaves them pending); returns how
    many were folded."""
    claimed = claim_batch(connection, batch, skip_locked)
    fold_checks(connection, claimed)
    return len(claimed)


@functools.cache
def any_pending_statement() -> sa.Select:
    """One pending check's id, if there is any (an index lookup)."""
    attempt = Attempt.__table__
    return sa.select(attempt.c.id).where(attempt.c.totals_pending).limit(1)


def fold_pending(engine: sa.Engine | None = None, skip_locked: bool = False,
                 batch: int = FOLD_BATCH) -> int:
    """Fold every check stored so far and not yet folded, `batch` checks per transaction, on
    connections of its own (so call it before the caller's transaction writes anything);
    returns how many were folded. Whatever reads the totals calls this first: with the default
    skip_locked=False it also waits for folds already under way, so the totals it then reads
    count every check committed before the call. The background fold skips them instead."""
    engine = engine or db.engine
    if not skip_locked:  # a read with nothing to fold stays a read (no write lock on SQLite)
        with engine.connect() as connection:
            if connection.execute(any_pending_statement()).first() is None:
                return 0
    folded = 0
    while True:
        with engine.begin() as connection:
            done = fold_batch(connection, batch, skip_locked)
        folded += done
        if done < batch:  # the queue is empty, or what is left waits on another fold
            return folded


def forget_pending(user_id: int) -> None:
    """Account deletion: take the user's pending checks out of the queue (waiting for a fold
    that holds them), so no fold writes totals for them while they are being deleted."""
    attempt = Attempt.__table__
    db.session.execute(
        sa.update(attempt)
        .where(attempt.c.user_id == user_id, attempt.c.totals_pending)
        .values(totals_pending=False)
    )


class Background:
    """TOTALS_FOLD_MODE=thread: one thread per process folds the checks the attempts API
    stored, woken after each commit (as app/recheck/worker.py's notify wakes the re-check), so
    a dashboard read has at most the last moments' checks left to fold."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.started = False
        self.stop = threading.Event()
        self.wake = threading.Event()
        self.done = threading.Condition()
        self.passes = 0  # finished passes, for tests and logs

    def notify(self, app: Flask) -> None:
        """Checks were stored: start the thread if it is not running, and wake it."""
        with self.lock:
            if not self.started:
                self.started = True
                with app.app_context():
                    engine = db.engine
                threading.Thread(
                    target=self.work, args=(engine,), name="totals-fold", daemon=True
                ).start()
        self.wake.set()

    def work(self, engine: sa.Engine, poll_s: float = FOLD_POLL_S,
             interval_s: float = FOLD_INTERVAL_S) -> None:
        """Fold, let checks gather for interval_s, then sleep until woken (or poll_s, for
        checks another process left behind when it died); until `stop` is set."""
        while not self.stop.is_set():
            self.wake.wait(poll_s)
            self.wake.clear()
            try:
                fold_pending(engine, skip_locked=True)
            except Exception:  # a database hiccup must not end the thread: the next pass retries
                log.exception("folding checks into the dashboard totals failed; retrying later")
            with self.done:
                self.passes += 1
                self.done.notify_all()
            self.stop.wait(interval_s)


def background(app: Flask) -> Background | None:
    """This process's background fold (only TOTALS_FOLD_MODE=thread has one)."""
    if app.config.get("TOTALS_FOLD_MODE", "thread") != "thread":
        return None
    return app.extensions.setdefault("totals_fold", Background())


def wake_background_fold(sender: Any, **extra: Any) -> None:
    """practice.checks_stored receiver: the attempts API committed new checks."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    worker = background(app)
    if worker is not None:
        worker.notify(app)


def install() -> None:
    """Hook the running totals into every session of the app and into the attempts API's
    commits (once per process)."""
    if not sa.event.contains(so.Session, "before_flush", fold_new_checks):
        sa.event.listen(so.Session, "before_flush", fold_new_checks)
    checks_stored.connect(wake_background_fold)


def recount(batch: int = 5000) -> int:
    """Rebuild every running total from the stored checks (bulk loads, restores); returns the
    number of checks replayed. Commits."""
    # The replay counts every check pending so far: take them out of the queue first (waiting
    # for a fold under way), so no fold counts them again. A check committed after this
    # statement stays pending, is not replayed, and is folded on top of the recount later.
    attempt = Attempt.__table__
    db.session.execute(
        sa.update(attempt).where(attempt.c.totals_pending).values(totals_pending=False)
    )
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
        .where(Attempt.kind == "check", sa.not_(Attempt.totals_pending))
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
