"""Run a job (a learner's files plus an exercise's tests) and produce a verdict.

A job is a JSON object:
    {"mode": "check" | "run", "files": {"name.py": "source", ...},
     "tests": {"test_x.py": "source", ...}, "entry": "name.py", "stdin": "", "max_output": 20000}

`check` writes everything into a scratch folder and runs pytest there with a small plugin that
records each test's outcome. It runs in two steps when the exercise has source-only tests (files
named `test_structure*.py`): those run first, while the learner's modules cannot be imported, and
their results are frozen before any learner code runs; then the other tests run. So code that
patches the grader when it is imported (`grading.pyast.if_chains = ...`) cannot change what the
structural checks found. The verdict lists the behaviour tests first, then the structural ones.

`run` executes the entry file (Python) or parses the files (YAML, Dockerfile) and returns what it
printed. The caller enforces the time limit: in the browser the
page interrupts the worker (KeyboardInterrupt) or replaces it; on the server a subprocess is killed.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from dataclasses import asdict
from pathlib import Path
from typing import Any

from . import submission
from . import traces
from .interrupts import learner_code_starts
from .verdict import ErrorInfo
from .verdict import TestResult
from .verdict import Verdict

DEFAULT_MAX_OUTPUT = 20_000
MAX_MESSAGE_CHARS = 600
MAX_MESSAGE_LINES = 8
HYPOTHESIS_NOTES = ("Falsifying example:", "Falsifying explicit example:", "You can reproduce")
# A check that failed with a trace (grading.traces) is shown by pytest with its module path.
TRACED_PREFIX = f"{traces.TracedAssertion.__name__}: "
TRUNCATION_NOTE = "\n… output cut here: the program printed more than {limit} characters."


class CappedWriter(io.TextIOBase):
    """A text stream that keeps the first `limit` characters and counts the rest away."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.parts: list[str] = []
        self.size = 0
        self.truncated = False

    def writable(self) -> bool:
        """Accept writes."""
        return True

    def write(self, text: str) -> int:
        """Keep what fits under the limit; remember that the rest was dropped."""
        room = self.limit - self.size
        if room > 0:
            kept = text[:room]
            self.parts.append(kept)
            self.size += len(kept)
        if len(text) > max(room, 0):
            self.truncated = True
        return len(text)

    def getvalue(self) -> str:
        """Return what was kept."""
        return "".join(self.parts)


def shorten(message: str) -> str:
    """Trim a failure message to a few readable lines."""
    lines = [line.rstrip() for line in message.strip().splitlines()]
    text = "\n".join(lines[:MAX_MESSAGE_LINES])
    if len(lines) > MAX_MESSAGE_LINES:
        text += "\n…"
    if len(text) > MAX_MESSAGE_CHARS:
        text = text[: MAX_MESSAGE_CHARS - 1] + "…"
    return text


def explain_assertion(message: str) -> str:
    """Turn pytest's crash line into the explanation a learner reads.

    An author's message (``assert x, "why it matters"`` or ``pytest.fail("…")``) is shown alone:
    authors write it for learners and put the values in it. Without one, pytest's own comparison
    ("assert -1 == 5" with its "where" lines) is the best explanation there is.
    """
    for prefix in ("AssertionError: ", "Failed: ", TRACED_PREFIX):
        start = message.find(prefix) if prefix is TRACED_PREFIX else 0
        if start >= 0 and message.startswith(prefix, start) and " " not in message[:start]:
            message = message[start + len(prefix) :]
            break
    lines = message.splitlines()
    # A property-based test (hypothesis) appends the drawn inputs as Python code; the author's
    # message already names them in the learner's terms.
    for index, line in enumerate(lines):
        if line.startswith(HYPOTHESIS_NOTES):
            lines = lines[:index]
            break
    author = []
    for line in lines:
        if line.startswith("assert ") and author:
            break
        author.append(line)
    if author and not author[0].startswith("assert "):
        return shorten("\n".join(author))
    return shorten("\n".join(lines))


class QuietReporter:
    """Stands in for pytest's terminal reporter: only its writer is used (by assertion
    explanations, which ask for `config.get_terminal_writer()`); nothing is printed."""

    def __init__(self, config: Any) -> None:
        from _pytest._io import TerminalWriter

        self._tw = TerminalWriter(file=io.StringIO())
        self._tw.hasmarkup = False
        self.config = config
        self.verbosity = 0


class VerdictPlugin:
    """pytest plugin that records outcomes, short messages and collection errors."""

    def __init__(self, scratch: Path, learner_files: set[str]) -> None:
        self.scratch = scratch
        self.learner_files = learner_files
        self.results: dict[str, TestResult] = {}
        self.collect_error: ErrorInfo | None = None
        self.interrupted = False
        self.printed: list[str] = []
        self.descriptions: dict[str, str] = {}
        self.finished: set[str] = set()
        # test name -> (exception type, message, learner file, learner line) of a crash
        self.crashes: dict[str, tuple[str, str, str | None, int | None]] = {}
        # test name -> the trace its failed check carried (grading.traces), bounded
        self.traces: dict[str, dict[str, Any]] = {}

    def _learner_location(self, tb: Any) -> tuple[str | None, int | None]:
        """Find the innermost traceback frame that lies in a learner file."""
        file = line = None
        for frame in traceback.extract_tb(tb):
            if Path(frame.filename).name in self.learner_files:
                file, line = Path(frame.filename).name, frame.lineno
        return file, line

    def pytest_runtest_makereport(self, item: Any, call: Any) -> None:
        """Note where an unexpected exception (not a failed check) came from during a test.

        Runs before the report is logged; returns None so pytest still makes the report.
        """
        if call.excinfo is None:
            return
        exc = call.excinfo.value
        name = item.nodeid.split("::", 1)[-1]
        if isinstance(exc, AssertionError):
            trace = traces.bounded(getattr(exc, "trace", None))
            if trace is not None:
                self.traces.setdefault(name, trace)
        if isinstance(exc, AssertionError | KeyboardInterrupt) or type(exc).__name__ in (
            "Failed", "Skipped", "XFailed", "Exit"
        ):
            return
        file, line = self._learner_location(call.excinfo.tb)
        self.crashes.setdefault(name, (type(exc).__name__, str(exc), file, line))

    def pytest_exception_interact(self, node: Any, call: Any, report: Any) -> None:
        """Keep the exception of a failed collection (an import error, for instance)."""
        if report.when != "collect" or self.collect_error is not None or call.excinfo is None:
            return
        exc = call.excinfo.value
        # pytest wraps import and syntax errors in a CollectError; the learner needs the original.
        while type(exc).__name__ == "CollectError" and (exc.__cause__ or exc.__context__):
            exc = exc.__cause__ or exc.__context__
        self.collect_error = learner_traceback(exc, self.learner_files)
        self.collect_error.message = self.unscratch(self.collect_error.message)

    def explain_crash(self, name: str, description: str) -> tuple[str, int | None]:
        """An exception that was not a failed check, as a sentence: where, what, and what it
        stopped (the test's own description)."""
        kind, text, file, line = self.crashes[name]
        text = self.unscratch(text)
        what = f"{kind} ({text})" if text else kind
        checking = ""
        if description:
            checking = f" It was checking: {description[:1].lower()}{description[1:]}"
        if file is not None:
            message = (
                f"{file} line {line} raised {what} while this check ran, so it could not "
                f"finish.{checking}"
            )
        else:
            message = (
                f"This check stopped with {what} while it used what your code gave it (the "
                f"error was raised in the check, not in your file).{checking}"
            )
        return shorten(message), line

    def unscratch(self, text: str) -> str:
        """Show file names as the learner knows them, not as temporary paths."""
        return text.replace(f"{self.scratch}{os.sep}", "").replace(f" ({self.scratch})", "")

    def pytest_configure(self, config: Any) -> None:
        """Install the silent stand-in for the terminal reporter."""
        if config.pluginmanager.get_plugin("terminalreporter") is None:
            config.pluginmanager.register(QuietReporter(config), "terminalreporter")

    def pytest_collection(self, session: Any) -> None:
        """Collection imports the learner's modules: their time limit starts now."""
        learner_code_starts()

    def pytest_collectreport(self, report: Any) -> None:
        """Keep what the learner's modules printed while being imported."""
        self.printed.extend(text for title, text in report.sections if "stdout" in title)

    def pytest_runtest_logreport(self, report: Any) -> None:
        """Record each test once, from its worst phase (setup, call or teardown)."""
        if report.capstdout:
            self.printed.append(report.capstdout)
        name = report.nodeid.split("::", 1)[-1]
        result = self.results.get(name)
        if result is None:
            result = TestResult(
                name=name, outcome="passed", description=self.descriptions.get(name, "")
            )
            self.results[name] = result
        if report.when == "call" or report.failed or report.skipped:
            self.finished.add(name)
        result.duration_ms += round(report.duration * 1000, 2)
        if report.skipped and result.outcome == "passed":
            result.outcome = "skipped"
            result.message = shorten(str(report.longrepr[-1])) if report.longrepr else ""
        elif report.failed:
            result.outcome = "failed" if report.when == "call" else "error"
            crash = getattr(report.longrepr, "reprcrash", None)
            if name in self.crashes:
                result.message, result.line = self.explain_crash(name, result.description)
            elif crash is not None:
                result.message = self.unscratch(explain_assertion(crash.message))
                if Path(crash.path).name in self.learner_files:
                    result.line = crash.lineno
            else:
                result.message = self.unscratch(shorten(str(report.longrepr)))
            result.trace = self.traces.get(name)

    def pytest_collection_modifyitems(self, items: list[Any]) -> None:
        """Remember each test's docstring: authors write the learner-facing description there."""
        for item in items:
            doc = getattr(getattr(item, "obj", None), "__doc__", None)
            if doc:
                self.descriptions[item.nodeid.split("::", 1)[-1]] = case_title(
                    doc.strip().splitlines()[0], getattr(item, "callspec", None))

    def mark_unfinished(self) -> None:
        """After an interrupt, the test that was running did not pass: say where it stopped."""
        for name, result in self.results.items():
            if name not in self.finished:
                result.outcome = "error"
                result.message = "Stopped here: the time limit ran out while this test was running."

    def pytest_keyboard_interrupt(self, excinfo: Any) -> None:
        """The time limit interrupted the run (pytest also "interrupts" on collection errors)."""
        if excinfo.typename != "Interrupted":
            self.interrupted = True


def case_title(line: str, callspec: Any) -> str:
    """A test's title; a parametrized case fills its {name} fields with its own values.

    Without this every case of `@pytest.mark.parametrize("service", ["web", "db"])` shows the
    same title in the results panel. A field that is not a parameter leaves the line as written.
    """
    params = getattr(callspec, "params", None)
    if not params or "{" not in line:
        return line
    try:
        return line.format_map({name: str(value) for name, value in params.items()})
    except (KeyError, IndexError, ValueError, AttributeError):
        return line


def syntax_errors(scratch: Path, learner_files: set[str]) -> ErrorInfo | None:
    """Compile the learner's Python files first, so a typo gets its own clear message."""
    for name in sorted(learner_files):
        if not name.endswith(".py"):
            continue
        source = (scratch / name).read_text()
        try:
            compile(source, name, "exec")
        except SyntaxError as exc:
            return ErrorInfo(
                type=type(exc).__name__,
                message=exc.msg or "invalid syntax",
                file=name,
                line=exc.lineno,
            )
    return None


def write_files(root: Path, files: dict[str, str]) -> None:
    """Write a mapping of relative paths to contents below root (no escaping it)."""
    for name, content in files.items():
        target = (root / name).resolve()
        if root.resolve() not in target.parents:
            raise ValueError(f"file name {name!r} points outside the exercise folder")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content)


@contextlib.contextmanager
def scratch_folder(files: dict[str, str], tests: dict[str, str]):
    """A temporary folder holding the learner's files and the tests, importable and current."""
    scratch = Path(tempfile.mkdtemp(prefix="friction-"))
    old_cwd = os.getcwd()
    old_path = list(sys.path)
    before = set(sys.modules)
    try:
        write_files(scratch, files)
        write_files(scratch, tests)
        # An empty ini file pins rootdir here, so no project configuration leaks in.
        (scratch / "pytest.ini").write_text("[pytest]\npython_files = test_*.py\n")
        sys.path.insert(0, str(scratch))
        os.chdir(scratch)
        submission.ROOT = scratch
        yield scratch
    finally:
        os.chdir(old_cwd)
        sys.path[:] = old_path
        submission.ROOT = None
        # Forget the learner's modules so the next run imports its own fresh copies.
        for name in set(sys.modules) - before:
            module_file = getattr(sys.modules.get(name), "__file__", None) or ""
            if module_file.startswith(str(scratch)):
                del sys.modules[name]
        shutil.rmtree(scratch, ignore_errors=True)


SOURCE_TESTS_PREFIX = "test_structure"


def is_source_test(name: str) -> bool:
    """True for a test file that reads the learner's source and must not import it."""
    return Path(name).name.startswith(SOURCE_TESTS_PREFIX) and name.endswith(".py")


def learner_module_names(files: dict[str, str]) -> set[str]:
    """Top-level module names the learner's files would be imported as."""
    names = set()
    for name in files:
        first = Path(name).parts[0]
        names.add(first[:-3] if first.endswith(".py") else first)
    return names


class LearnerImportBlocker:
    """A meta-path finder that refuses to import the learner's modules (source-only step)."""

    def __init__(self, modules: set[str]) -> None:
        self.modules = modules

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> None:
        """Refuse the learner's modules; let every other import through."""
        if fullname.partition(".")[0] in self.modules:
            raise ImportError(
                f"{fullname} was imported by a structural test (test_structure*.py): those tests "
                "read the learner's source with grading.pyast and never run it"
            )


def pytest_args(scratch: Path, test_files: list[str], *extra: str) -> list[str]:
    """Command-line arguments for one pytest session over these test files."""
    return [
        *(str(scratch / name) if name != "." else str(scratch) for name in test_files),
        "-c",
        str(scratch / "pytest.ini"),
        "--rootdir",
        str(scratch),
        # pytest captures what the learner's code prints, per test. Its terminal reporter is
        # replaced by QuietReporter: formatting reports (a KeyboardInterrupt's traceback above
        # all) costs about a second in Pyodide, and the learner never sees that report.
        "--capture=sys",
        "-p",
        "no:terminal",
        "--import-mode=importlib",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:stepwise",
        "-p",
        "no:warnings",
        "-p",
        "no:faulthandler",
        "--assert=rewrite",
        *extra,
    ]


def run_source_tests(
    scratch: Path, files: dict[str, str], test_files: list[str]
) -> tuple[str, VerdictPlugin]:
    """Run the structural tests before any learner code runs; return their frozen results.

    The results leave this function as JSON text: nothing the learner's code does later (it
    runs in the same interpreter) can reach back and edit them.
    """
    import pytest

    plugin = VerdictPlugin(scratch, set(files))
    blocker = LearnerImportBlocker(learner_module_names(files))
    sys.meta_path.insert(0, blocker)
    try:
        # --noconftest: a conftest.py among the learner's files would run learner code here.
        args = pytest_args(scratch, test_files, "--noconftest")
        sink = CappedWriter(2_000)
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            pytest.main(args, plugins=[plugin])
    finally:
        sys.meta_path.remove(blocker)
    if plugin.interrupted:
        plugin.mark_unfinished()
    return json.dumps([asdict(r) for r in plugin.results.values()]), plugin


def run_check(files: dict[str, str], tests: dict[str, str], max_output: int) -> Verdict:
    """Run the exercise's tests against the learner's files (structural tests first)."""
    import pytest

    output = CappedWriter(max_output)
    verdict = Verdict(status="passed", kind="check")
    with scratch_folder(files, tests) as scratch:
        learner_files = set(files)
        error = syntax_errors(scratch, learner_files)
        if error:
            verdict.status, verdict.error = "error", error
            return verdict
        source_tests = sorted(name for name in tests if is_source_test(name))
        frozen = "[]"
        if source_tests:
            frozen, source_plugin = run_source_tests(scratch, files, source_tests)
            if source_plugin.interrupted or source_plugin.collect_error is not None:
                verdict.tests = [TestResult(**t) for t in json.loads(frozen)]
                if source_plugin.interrupted:
                    verdict.status = "timeout"
                else:
                    verdict.status, verdict.error = "error", source_plugin.collect_error
                return verdict
        plugin = VerdictPlugin(scratch, learner_files)
        ignored = [f"--ignore={scratch / name}" for name in source_tests]
        args = pytest_args(scratch, ["."], *ignored)
        sink = CappedWriter(2_000)  # anything pytest itself still prints
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            exit_code = pytest.main(args, plugins=[plugin])
        for text in plugin.printed:
            output.write(text)
        if plugin.interrupted:
            plugin.mark_unfinished()
        structure = [TestResult(**t) for t in json.loads(frozen)]
        verdict.tests = [*plugin.results.values(), *structure]
        no_tests = not verdict.tests or (
            exit_code == pytest.ExitCode.NO_TESTS_COLLECTED and not structure
        )
        if plugin.interrupted:
            verdict.status = "timeout"
        elif plugin.collect_error is not None:
            verdict.status, verdict.error = "error", plugin.collect_error
        elif no_tests:
            verdict.status = "error"
            verdict.error = ErrorInfo(type="NoTests", message="The exercise has no tests to run.")
        elif verdict.passed == verdict.total:
            verdict.status = "passed"
        else:
            verdict.status = "failed"
    verdict.stdout = output.getvalue()
    verdict.stdout_truncated = output.truncated
    return verdict


def learner_traceback(exc: BaseException, learner_files: set[str]) -> ErrorInfo:
    """Describe an exception raised by learner code, pointing at the learner's own line."""
    file = line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if Path(frame.filename).name in learner_files:
            file, line = Path(frame.filename).name, frame.lineno
    if isinstance(exc, SyntaxError) and exc.filename:
        file, line = Path(exc.filename).name, exc.lineno
    message = str(exc) if not isinstance(exc, SyntaxError) else (exc.msg or "invalid syntax")
    return ErrorInfo(type=type(exc).__name__, message=shorten(message), file=file, line=line)


def run_program(files: dict[str, str], entry: str, stdin: str, max_output: int) -> Verdict:
    """Execute the entry file as a script (Python) or describe the files (YAML, Dockerfile)."""
    import runpy

    output = CappedWriter(max_output)
    verdict = Verdict(status="passed", kind="run")
    with scratch_folder(files, {}) as scratch:
        old_stdin, old_argv = sys.stdin, sys.argv
        sys.stdin, sys.argv = io.StringIO(stdin), [entry]
        try:
            learner_code_starts()
            with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
                if entry.endswith(".py"):
                    runpy.run_path(str(scratch / entry), run_name="__main__")
                else:
                    from .describe import describe_file

                    print(describe_file(entry, (scratch / entry).read_text()))
        except KeyboardInterrupt:
            verdict.status = "timeout"
        except SystemExit as exc:
            if exc.code not in (None, 0):
                verdict.status = "error"
                verdict.error = ErrorInfo(type="SystemExit", message=f"exit status {exc.code}")
        except BaseException as exc:  # the learner's program crashed: report it, do not raise
            verdict.status = "error"
            verdict.error = learner_traceback(exc, set(files))
        finally:
            sys.stdin, sys.argv = old_stdin, old_argv
    verdict.stdout = output.getvalue()
    verdict.stdout_truncated = output.truncated
    return verdict


def text_mapping(value: Any, what: str) -> dict[str, str]:
    """Check that a job field maps file names to text, or raise BadJob."""
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise BadJob(f"'{what}' must map file names to their text")
    return dict(value)


class BadJob(ValueError):
    """The job itself is malformed (not the learner's code)."""


def grader_modules() -> dict[str, dict[str, Any]]:
    """The namespaces of the grader's own modules (`grading.*`, `app.grading.*`), copied."""
    package = __name__.rpartition(".")[0]
    return {
        name: dict(vars(module))
        for name, module in list(sys.modules.items())
        if module is not None
        and any(name == root or name.startswith(root + ".") for root in {package, "grading"})
    }


def restore_grader_modules(saved: dict[str, dict[str, Any]]) -> None:
    """Undo whatever a learner's code set on the grader's modules during a run.

    One interpreter serves many runs (a browser worker, the Node runner): without this, an
    answer that patched `grading.pyast` would weaken every check that follows it.
    """
    for name, namespace in saved.items():
        module = sys.modules.get(name)
        if module is not None and vars(module) != namespace:
            vars(module).clear()
            vars(module).update(namespace)


def preload_test_libraries() -> None:
    """Import hypothesis now, while the runtime warms up, not during a learner's first check."""
    with contextlib.suppress(ImportError):
        import hypothesis.strategies  # noqa: F401


def run(job: dict[str, Any]) -> Verdict:
    """Run one job (see the module docstring) and time it."""
    saved = grader_modules()
    try:
        return run_unguarded(job)
    finally:
        restore_grader_modules(saved)


def run_unguarded(job: dict[str, Any]) -> Verdict:
    """Run one job without restoring the grader's modules afterwards (see run)."""
    started = time.perf_counter()
    sys.dont_write_bytecode = True  # the scratch folder is thrown away; do not litter it
    mode = job.get("mode", "check") if isinstance(job, dict) else "check"
    try:
        if not isinstance(job, dict) or mode not in ("check", "run"):
            raise BadJob("a job is an object with mode 'check' or 'run'")
        try:
            max_output = int(job.get("max_output") or DEFAULT_MAX_OUTPUT)
        except (TypeError, ValueError):
            raise BadJob("'max_output' must be a whole number") from None
        files = text_mapping(job.get("files"), "files")
        if mode == "run":
            entry = job.get("entry") or next(iter(files), "")
            verdict = run_program(files, entry, str(job.get("stdin") or ""), max_output)
        else:
            tests = text_mapping(job.get("tests"), "tests")
            verdict = run_check(files, tests, max_output)
    except KeyboardInterrupt:
        verdict = Verdict(status="timeout", kind=mode)
    except ValueError as exc:  # BadJob, or a file name that escapes the scratch folder
        verdict = Verdict(
            status="error", kind=mode, error=ErrorInfo(type="BadJob", message=str(exc))
        )
    verdict.duration_ms = round((time.perf_counter() - started) * 1000, 1)
    return verdict


def run_job(job_json: str) -> str:
    """JSON in, JSON out: the entry point the browser worker and the Node runner call."""
    return json.dumps(run(json.loads(job_json)).to_dict())


preload_test_libraries()
