"""Grade in real Pyodide under Node, through runner/node/pyodide-runner.mjs (JSON lines).

Used on the server to prove that an exercise behaves in Pyodide as it does on CPython
(`flask exercises check`) and by the test suite. Standard library only: this module ships in
the grading wheel too.

    with PyodideNodeRunner(Path("static/vendor/pyodide")) as runner:
        verdict = runner.grade(job, time_limit_ms=5000)

The runner keeps the protocol the browser keeps (static/src/runner-protocol.mjs): the limit
counts from the moment the learner's code starts, an ignored interrupt replaces the interpreter,
and a job stopped for a reason that is not the learner's comes back with status "aborted".
"""

from __future__ import annotations

import collections
import json
import queue
import shutil
import subprocess
import threading
from pathlib import Path
from typing import IO
from typing import Any

from .verdict import Verdict

# app/grading/node.py -> the repository root; inside the wheel there is no runner, pass `script`.
DEFAULT_SCRIPT = Path(__file__).resolve().parents[2] / "runner" / "node" / "pyodide-runner.mjs"
BUILD_HINT = "run ./scripts/run or python scripts/build_assets.py first"
# Loading Pyodide, the wheels and pytest takes 4-8 s on two cores; leave room for a busy machine.
START_TIMEOUT_S = 120.0
# Beyond the learner's limit the runner may wait out its kill grace (GRACE_MS in
# runner-protocol.mjs) and, after a kill or a crash, the start of a replacement interpreter
# before the job even begins; the job's clock only starts with the learner's code.
ANSWER_ALLOWANCE_S = START_TIMEOUT_S + 5.0
STDERR_TAIL_LINES = 40
STDERR_LINE_CHARS = 500
_EOF = object()


class PyodideNodeRunner:
    """A long-lived Node process that grades jobs with the real grader in real Pyodide."""

    def __init__(
        self, runtime_dir: Path, node: str = "node", script: Path | None = None,
        start_timeout_s: float = START_TIMEOUT_S, cold: bool = False,
    ) -> None:
        self.runtime_dir = Path(runtime_dir)
        self.node = node
        self.script = Path(script) if script is not None else DEFAULT_SCRIPT
        self.start_timeout_s = start_timeout_s
        self.cold = cold  # start without the memory snapshot, as a browser without one does
        self.from_snapshot: bool | None = None
        self.init_ms: int | None = None
        self.python_version: str | None = None
        self._proc: subprocess.Popen[str] | None = None
        self._lines: queue.Queue[Any] = queue.Queue()
        self._stderr: collections.deque[str] = collections.deque(maxlen=STDERR_TAIL_LINES)
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._next_id = 0
        self._failure: str | None = None

    def start(self) -> PyodideNodeRunner:
        """Start Node and wait until Pyodide is loaded and warmed up."""
        if self._proc is not None:
            raise RuntimeError("this PyodideNodeRunner has already been started")
        node = shutil.which(self.node)
        if node is None:
            raise RuntimeError(
                f"Node.js was not found (looked for {self.node!r} on PATH): "
                "install Node 20 or newer"
            )
        if not (self.runtime_dir / "pyodide.mjs").is_file():
            raise RuntimeError(
                f"the Pyodide runtime is not built ({self.runtime_dir} has no pyodide.mjs): "
                f"{BUILD_HINT}"
            )
        if not self.script.is_file():
            raise RuntimeError(f"the Pyodide runner script is missing: {self.script}")
        self._proc = subprocess.Popen(
            [node, str(self.script), "--runtime", str(self.runtime_dir)]
            + (["--cold"] if self.cold else []),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, encoding="utf-8", errors="replace", bufsize=1,
        )
        # Both pipes are drained by threads: a full stderr pipe would block Node, and a queue
        # lets every read have a timeout.
        self._threads = [
            threading.Thread(
                target=self._pump_stdout, args=(self._proc.stdout,), daemon=True,
                name="pyodide-stdout",
            ),
            threading.Thread(
                target=self._pump_stderr, args=(self._proc.stderr,), daemon=True,
                name="pyodide-stderr",
            ),
        ]
        for thread in self._threads:
            thread.start()
        ready = self._read(self.start_timeout_s, "to load Pyodide")
        if not ready.get("ready"):
            raise self._fail(f"could not start: {ready.get('error', ready)}", wait_s=5)
        self.init_ms = int(ready["init_ms"])
        self.python_version = str(ready["python"])
        self.from_snapshot = ready.get("from_snapshot")
        return self

    def grade(self, job: dict[str, Any], time_limit_ms: int) -> Verdict:
        """Grade one harness job in Pyodide and return its verdict."""
        return Verdict.from_dict(self.request(job, time_limit_ms)["verdict"])

    def request(self, job: dict[str, Any], time_limit_ms: int) -> dict[str, Any]:
        """Send one job and return the runner's whole answer (verdict and wall_ms)."""
        with self._lock:
            proc = self._alive()
            self._next_id += 1
            request_id = self._next_id
            line = json.dumps({"id": request_id, "job": job, "time_limit_ms": time_limit_ms})
            try:
                assert proc.stdin is not None
                proc.stdin.write(line + "\n")
                proc.stdin.flush()
            except (BrokenPipeError, OSError, ValueError) as exc:
                raise self._fail(f"died: could not send the job ({exc})", wait_s=5) from exc
            answer = self._read(time_limit_ms / 1000 + ANSWER_ALLOWANCE_S, "to grade a job")
            if answer.get("id") != request_id:
                raise self._fail(
                    f"answered request {answer.get('id')!r} instead of {request_id}: {answer}"
                )
            if "error" in answer:
                raise RuntimeError(f"the Pyodide runner refused the job: {answer['error']}")
            return answer

    def close(self) -> None:
        """Close the runner's stdin and wait for it to exit (kill it if it will not)."""
        self._shutdown(wait_s=10)

    def __enter__(self) -> PyodideNodeRunner:
        """Start the runner for a `with` block."""
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        """Stop the runner at the end of a `with` block."""
        self.close()

    def _pump_stdout(self, stdout: IO[str]) -> None:
        """Move protocol lines from Node's stdout into the queue; _EOF marks its end."""
        for line in stdout:
            if line.strip():
                self._lines.put(line)
        self._lines.put(_EOF)

    def _pump_stderr(self, stderr: IO[str]) -> None:
        """Keep the last lines Node wrote to stderr, for error messages."""
        for line in stderr:
            self._stderr.append(line.rstrip("\n")[:STDERR_LINE_CHARS])

    def _read(self, timeout_s: float, doing: str) -> dict[str, Any]:
        """Wait for the next protocol line and decode it."""
        try:
            line = self._lines.get(timeout=timeout_s)
        except queue.Empty:
            raise self._fail(f"took longer than {timeout_s:g} s {doing}; it was stopped") from None
        if line is _EOF:
            raise self._fail(f"died while we waited for it {doing}", wait_s=5)
        try:
            return json.loads(line)
        except json.JSONDecodeError:
            raise self._fail(f"wrote a line that is not JSON: {line[:200]!r}") from None

    def _alive(self) -> subprocess.Popen[str]:
        """Return the running process, or raise if it was never started or has died."""
        if self._proc is None:
            if self._failure:
                raise RuntimeError(f"the Pyodide runner is no longer usable: {self._failure}")
            raise RuntimeError("the Pyodide runner is not running: call start() first")
        if self._proc.poll() is not None:
            raise self._fail("died between jobs")
        return self._proc

    def _fail(self, why: str, wait_s: float = 0.0) -> RuntimeError:
        """Stop a runner that can no longer answer in order; describe why, with its stderr."""
        self._failure = why
        code = self._shutdown(wait_s)  # a dying runner gets wait_s to exit and say why
        status = f" (exit status {code})" if code is not None else ""
        return RuntimeError(f"the Pyodide runner {why}{status}{self._stderr_tail()}")

    def _shutdown(self, wait_s: float) -> int | None:
        """End the process (stdin closed, then killed after wait_s) and close its pipes."""
        proc, self._proc = self._proc, None
        if proc is None:
            return None
        try:
            if proc.stdin is not None:
                proc.stdin.close()  # end of input: the runner finishes and exits
        except OSError:
            pass  # the pipe is already broken: the process is gone
        try:
            code = proc.wait(timeout=wait_s)
        except subprocess.TimeoutExpired:
            proc.kill()  # our own child, by its handle
            code = proc.wait()
        for thread in self._threads:
            thread.join(timeout=5)  # they end at EOF; the stderr tail is then complete
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
        return code

    def _stderr_tail(self) -> str:
        """Format the last stderr lines for an error message."""
        if not self._stderr:
            return ""
        return "\nlast lines of its stderr:\n" + "\n".join(self._stderr)
