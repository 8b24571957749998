"""Grade on this machine's CPython, in a subprocess that is killed at the time limit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from .verdict import ErrorInfo
from .verdict import Verdict


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
            out, err = proc.communicate(json.dumps(job), timeout=time_limit_ms / 1000)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            return timeout_verdict(mode, time_limit_ms / 1000)
    if proc.returncode != 0 or not out.strip():
        return crashed(mode, err)
    return Verdict.from_dict(json.loads(out))


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
