"""The re-check queue, in the database: queue a claimed pass, claim a job, record the result.

A job is claimed with a compare-and-set UPDATE, so any number of worker threads and processes can
share the queue; a claim older than the lease belongs to a worker that died and is taken again.
Nothing here runs code: the caller grades (in the sandbox) and reports back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from ..exercises import Catalog
from ..extensions import db
from ..grading.verdict import Verdict
from ..models import Attempt
from ..models import JobState
from ..models import RecheckJob
from ..models import Verification
from ..models import utcnow

# The learner's limit is for a browser on a school laptop; the server grades on a busy machine.
TIME_FACTOR = 3
MAX_TRIES = 3


def queue_recheck(attempt_id: int, user_id: int) -> RecheckJob:
    """Queue the re-check of a stored pass already marked pending (in the caller's transaction)."""
    job = RecheckJob(attempt_id=attempt_id, user_id=user_id, state=JobState.QUEUED,
                     created_at=utcnow())
    db.session.add(job)
    return job


@dataclass(frozen=True)
class Claimed:
    """A job a worker now owns, with what the sandbox needs to grade it."""

    job_id: int
    attempt_id: int
    grading_job: dict[str, Any] | None  # None: the exercise is gone from the catalog
    time_limit_ms: int


def claim(worker: str, catalog: Catalog, lease_s: float, now: datetime | None = None
          ) -> Claimed | None:
    """Take the oldest queued job (or one whose worker's lease ran out), or None."""
    now = now or utcnow()
    stale = now - timedelta(seconds=lease_s)
    for _ in range(5):  # another worker may win the race for a row: try the next one
        row = db.session.execute(
            sa.select(RecheckJob.id, RecheckJob.state, RecheckJob.attempt_id)
            .where(
                sa.or_(
                    RecheckJob.state == JobState.QUEUED,
                    sa.and_(RecheckJob.state == JobState.RUNNING, RecheckJob.claimed_at < stale),
                )
            )
            .order_by(RecheckJob.id)
            .limit(1)
        ).first()
        if row is None:
            db.session.rollback()
            return None
        taken = db.session.execute(
            sa.update(RecheckJob)
            .where(RecheckJob.id == row.id, RecheckJob.state == row.state)
            .where(sa.or_(RecheckJob.claimed_at.is_(None), RecheckJob.claimed_at < stale)
                   if row.state == JobState.RUNNING else sa.true())
            .values(state=JobState.RUNNING, claimed_by=worker[:80], claimed_at=now,
                    tries=RecheckJob.tries + 1)
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
        if taken == 1:
            attempt = db.session.get(Attempt, row.attempt_id)
            exercise = catalog.get(attempt.exercise_id) if attempt else None
            return Claimed(
                job_id=row.id,
                attempt_id=row.attempt_id,
                grading_job=exercise.job(dict(attempt.files)) if exercise else None,
                time_limit_ms=(exercise.time_limit_ms if exercise else 1000) * TIME_FACTOR,
            )
    return None


def record_verdict(claimed: Claimed, verdict: Verdict) -> Verification:
    """The sandbox graded the stored files: the pass is verified, or flagged as a mismatch."""
    outcome = Verification.VERIFIED if verdict.status == "passed" else Verification.MISMATCH
    tests = verdict.tests
    db.session.execute(
        sa.update(RecheckJob)
        .where(RecheckJob.id == claimed.job_id)
        .values(
            state=JobState.DONE,
            finished_at=utcnow(),
            server_status=verdict.status,
            server_tests_passed=sum(t.outcome == "passed" for t in tests),
            server_tests_total=sum(t.outcome != "skipped" for t in tests),
            error=None,
        )
    )
    set_outcome(claimed.attempt_id, outcome)
    db.session.commit()
    return outcome


def record_failure(claimed: Claimed, error: str, max_tries: int = MAX_TRIES) -> bool:
    """The sandbox could not grade (it crashed or hung): queue again, or give up after
    max_tries and leave the pass unchecked (never counted). Returns True when given up."""
    job = db.session.get(RecheckJob, claimed.job_id)
    if job is None:
        db.session.rollback()
        return True
    job.error = error[:500]
    give_up = job.tries >= max_tries or claimed.grading_job is None
    if give_up:
        job.state = JobState.FAILED
        job.finished_at = utcnow()
        set_outcome(claimed.attempt_id, Verification.UNCHECKED)
    else:
        job.state = JobState.QUEUED
        job.claimed_by = None
        job.claimed_at = None
    db.session.commit()
    return give_up


def set_outcome(attempt_id: int, outcome: Verification) -> None:
    """Write the re-check's result onto the attempt (not committed)."""
    db.session.execute(
        sa.update(Attempt)
        .where(Attempt.id == attempt_id)
        .values(verification=outcome, verified=outcome == Verification.VERIFIED)
    )


def queue_counts() -> dict[str, int]:
    """How many jobs are in each state (for `flask recheck status`)."""
    rows = db.session.execute(
        sa.select(RecheckJob.state, sa.func.count()).group_by(RecheckJob.state)
    )
    return {state: n for state, n in rows}


def requeue_failed() -> int:
    """Queue again every job the sandbox gave up on (after fixing the host); returns how many."""
    failed = list(
        db.session.scalars(sa.select(RecheckJob).where(RecheckJob.state == JobState.FAILED))
    )
    for job in failed:
        job.state, job.tries, job.claimed_by, job.claimed_at = JobState.QUEUED, 0, None, None
        set_outcome(job.attempt_id, Verification.PENDING)
    db.session.commit()
    return len(failed)
