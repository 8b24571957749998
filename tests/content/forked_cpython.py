"""Grade on CPython, each answer in a fresh process forked from one warm parent.

`app.grading.local.grade` starts `python -m app.grading` for every job: about 1 s of CPU goes
to starting Python, importing pytest, hypothesis and the grader and pytest's first run; 0.15-0.3 s
to the answer itself. Here a multiprocessing fork server does the start once
(tests/content/fork_server.py, as the browser's memory snapshot does); each answer then runs in a
child forked from it, so no answer sees another's state, and a child that outlives its time limit
is killed, as the subprocess is, by the same learner's clock (wall time less the child's wait
for a CPU), so a busy machine does not turn a correct answer into a timeout. The child runs
what `python -m app.grading` runs (`alias_as_top_level`, then `harness.run_job`). The
subprocess runner itself is tested in tests/unit/test_harness.py.
"""

from __future__ import annotations

import json
import multiprocessing
from typing import Any

from app.grading.local import POLL_S
from app.grading.local import LearnerClock
from app.grading.local import crashed
from app.grading.local import timeout_verdict
from app.grading.verdict import Verdict


def run_in_child(job_json: str, answer) -> None:
    """The child's whole life: grade one job and send the verdict's JSON back."""
    from app.grading import alias_as_top_level
    from app.grading.harness import run_job

    alias_as_top_level()
    answer.send(run_job(job_json))
    answer.close()


class ForkedGrader:
    """Grade jobs like `app.grading.local.grade`, in children of a warm fork server."""

    def __init__(self) -> None:
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(["tests.content.fork_server"])

    def grade(self, job: dict[str, Any], time_limit_ms: int) -> Verdict:
        """Run a job in a new child and return its verdict, or a timeout verdict."""
        mode = job.get("mode", "check")
        receive, send = self.context.Pipe(duplex=False)
        child = self.context.Process(target=run_in_child, args=(json.dumps(job), send))
        child.start()
        send.close()
        try:
            # Everything is imported and warm: the limit counts the answer's run.
            clock = LearnerClock(child.pid)
            while not receive.poll(POLL_S):
                if clock.seconds() > time_limit_ms / 1000:
                    child.kill()
                    return timeout_verdict(mode, time_limit_ms / 1000)
            try:
                out = receive.recv()
            except EOFError:
                out = ""
        finally:
            receive.close()
            child.join()
        if child.exitcode != 0 or not out:
            return crashed(mode, f"the grading child exited with code {child.exitcode}")
        return Verdict.from_dict(json.loads(out))
