"""Work the re-check queue: warm Pyodide interpreters in the sandbox grade the stored files.

Learner code never runs in this process's CPython: each interpreter is a Node process started
through runner/sandbox/node-sandbox (empty environment, Node's permission model, no network,
a memory limit), driven by PyodideNodeRunner; the time limit is the runner's.

Three ways to work the queue (RECHECK_MODE):
- "thread" (the default, for a laptop's `flask run`): the web process starts one background
  thread with RECHECK_POOL interpreters the first time a pass is claimed;
- "worker": the web processes only queue; `flask recheck worker` works the queue (run one or
  more next to gunicorn; they share it through the database);
- "off": nothing works the queue (tests drive it with `drain`).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask

from ..catalog import get_catalog
from ..config import ROOT
from ..grading.node import PyodideNodeRunner
from ..grading.verdict import Verdict
from .services import claim
from .services import record_failure
from .services import record_verdict

log = logging.getLogger(__name__)

SANDBOX = ROOT / "runner" / "sandbox" / "node-sandbox"
Grade = Callable[[dict[str, Any], int], Verdict]


class SandboxGrader:
    """One warm Pyodide interpreter in the sandbox, started on first use, replaced if it dies."""

    def __init__(self, runtime_dir: Path, sandbox: Path = SANDBOX) -> None:
        self.runtime_dir = Path(runtime_dir)
        self.sandbox = sandbox
        self.runner: PyodideNodeRunner | None = None
        self.starts = 0

    def start(self) -> SandboxGrader:
        """Start (or restart) the interpreter and wait until it is warm."""
        self.close()
        self.starts += 1
        self.runner = PyodideNodeRunner(self.runtime_dir, node=str(self.sandbox)).start()
        return self

    def __call__(self, job: dict[str, Any], time_limit_ms: int) -> Verdict:
        """Grade one job; a runner that died is dropped, so the next call starts a fresh one."""
        if self.runner is None:
            self.start()
        assert self.runner is not None
        try:
            return self.runner.grade(job, time_limit_ms)
        except RuntimeError:
            self.runner = None  # PyodideNodeRunner has already stopped its process
            raise

    def close(self) -> None:
        """Stop the interpreter."""
        runner, self.runner = self.runner, None
        if runner is not None:
            runner.close()


def worker_name() -> str:
    """Who holds a claim: host, process and thread (for `flask recheck status` and logs)."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def work_once(grade: Grade, lease_s: float = 300.0) -> bool:
    """Claim one job and finish it; False when the queue is empty. Needs an app context."""
    claimed = claim(worker_name(), get_catalog(), lease_s)
    if claimed is None:
        return False
    if claimed.grading_job is None:
        record_failure(claimed, "the exercise is no longer in the catalog")
        return True
    try:
        verdict = grade(claimed.grading_job, claimed.time_limit_ms)
    except Exception as exc:  # the sandbox failed, not the learner's code: try again later
        log.warning("re-check of attempt %s failed: %s", claimed.attempt_id, exc)
        record_failure(claimed, str(exc))
        return True
    outcome = record_verdict(claimed, verdict)
    log.info("attempt %s re-checked: %s", claimed.attempt_id, outcome)
    return True


def drain(grade: Grade, lease_s: float = 300.0, limit: int = 10_000) -> int:
    """Work the queue until it is empty (or `limit` jobs); returns how many jobs were taken."""
    done = 0
    while done < limit and work_once(grade, lease_s):
        done += 1
    return done


def work_forever(app: Flask, pool: int, stop: threading.Event, wake: threading.Event,
                 poll_s: float = 1.0) -> None:
    """Run `pool` threads, each with its own warm interpreter, until `stop` is set."""

    def serve(grader: SandboxGrader) -> None:
        with app.app_context():
            try:
                grader.start()  # warm before the first job arrives
            except RuntimeError as exc:
                log.error("the re-check sandbox did not start: %s", exc)
            while not stop.is_set():
                try:
                    worked = work_once(grader, app.config["RECHECK_LEASE_S"])
                except Exception:  # a database hiccup must not end the worker
                    log.exception("the re-check worker hit an error; it goes on")
                    worked = False
                if not worked:
                    wake.wait(poll_s)
                    wake.clear()
            grader.close()

    threads = [
        threading.Thread(
            target=serve, args=(SandboxGrader(app.config["RUNTIME_DIR"]),),
            name=f"recheck-{n}", daemon=True,
        )
        for n in range(pool)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


class Background:
    """The in-process worker of RECHECK_MODE=thread: started once, woken on every new job."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.started = False
        self.stop = threading.Event()
        self.wake = threading.Event()

    def notify(self, app: Flask) -> None:
        """A job was queued: start the worker if it is not running, and wake it."""
        self.warm(app)
        self.wake.set()

    def warm(self, app: Flask) -> None:
        """Start the worker (its interpreters load in the background) if it is not running."""
        # The thread outlives the request: it needs the app itself, not the current_app proxy.
        app = getattr(app, "_get_current_object", lambda: app)()
        with self.lock:
            if not self.started:
                self.started = True
                threading.Thread(
                    target=work_forever,
                    args=(app, app.config["RECHECK_POOL"], self.stop, self.wake),
                    name="recheck", daemon=True,
                ).start()


def background(app: Flask) -> Background | None:
    """This process's in-process worker (only RECHECK_MODE=thread has one)."""
    if app.config.get("RECHECK_MODE") != "thread":
        return None
    return app.extensions.setdefault("recheck", Background())


def notify(app: Flask) -> None:
    """Tell this process's worker that a job is queued."""
    worker = background(app)
    if worker is not None:
        worker.notify(app)


def warm_up(app: Flask) -> None:
    """A learner opened an exercise: load the interpreters now, so a pass is confirmed in
    moments instead of after Pyodide's start (seconds on a busy server)."""
    worker = background(app)
    if worker is not None:
        worker.warm(app)
