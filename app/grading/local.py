"""Grade on this machine's CPython, in a subprocess that is killed at the time limit.

The limit counts the learner's time: the wall clock minus the time the child spent ready to run
but waiting for a CPU (Linux's run-queue delay, /proc/<pid>/schedstat). On a busy machine (a CI
runner, a server proving an upload while learners check) a correct answer waits for the CPU and
is not charged for it; an endless loop, computing or sleeping, still uses its whole limit.
Without schedstat the plain wall clock is used.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .verdict import ErrorInfo
from .verdict import Verdict

# How often the parent looks at the child's clock while waiting for its verdict.
POLL_S = 0.1


def timeout_verdict(mode: str, seconds: float) -> Verdict:
    """The verdict for code stopped at its time limit."""
    return Verdict(
        status="timeout",
        kind=mode,
        error=ErrorInfo(
            type="Timeout", message=f"stopped after {seconds:g} s — probably an infinite loop"
        ),
    )


def grade(job: dict[str, Any], time_limit_ms: int) -> Verdict:
    """Run a job with `python -m app.grading` and return its verdict, or a timeout verdict."""
    mode = job.get("mode", "check")
    with subprocess.Popen(
        [sys.executable, "-m", __package__],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        try:
            # The learner's time limit starts only once the child has imported pytest: a loaded
            # CI machine may take seconds for that, and it is not the learner's time.
            ready = proc.stdout.readline()
            if ready.strip() != "ready":
                proc.kill()
                return crashed(mode, proc.communicate()[1])
            clock = LearnerClock(proc.pid)
            sent = json.dumps(job)
            while True:
                try:
                    out, err = proc.communicate(sent, timeout=POLL_S)
                    break
                except subprocess.TimeoutExpired:
                    # Retrying communicate() loses no output; the input was sent the first time.
                    sent = None
                    if clock.seconds() > time_limit_ms / 1000:
                        raise
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            return timeout_verdict(mode, time_limit_ms / 1000)
    if proc.returncode != 0 or not out.strip():
        return crashed(mode, err)
    return Verdict.from_dict(json.loads(out))


class LearnerClock:
    """Seconds a child process has had since now, less the time it waited for a CPU."""

    def __init__(self, pid: int) -> None:
        self.path = f"/proc/{pid}/schedstat"
        self.started = time.monotonic()
        self.delay_at_start = self.run_queue_delay()

    def run_queue_delay(self) -> float | None:
        """Seconds the child's main thread was runnable but not running, if Linux says."""
        try:
            with open(self.path) as stat:
                return int(stat.read().split()[1]) / 1e9
        except (OSError, IndexError, ValueError):
            return None

    def seconds(self) -> float:
        """The learner's seconds so far: wall time not spent waiting in the run queue."""
        elapsed = time.monotonic() - self.started
        delay = self.run_queue_delay()
        if delay is None or self.delay_at_start is None:
            return elapsed
        return elapsed - (delay - self.delay_at_start)


def child_environment() -> dict[str, str]:
    """The child must import this package whatever the caller's working directory is."""
    package_root = str(Path(__file__).resolve().parents[len(__package__.split("."))])
    existing = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root, existing]))}


def crashed(mode: str, stderr: str) -> Verdict:
    """The grader process itself failed: say so, with the end of what it printed."""
    return Verdict(
        status="error",
        kind=mode,
        error=ErrorInfo(type="GraderCrash", message=(stderr or "no output")[-600:]),
    )
