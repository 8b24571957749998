"""The real grader in real Pyodide under Node: verdicts, time limits, crashes, output caps."""

from __future__ import annotations

from typing import Any

import pytest

from app.grading.node import PyodideNodeRunner
from app.grading.verdict import Verdict

from .conftest import RUNTIME
from .conftest import slowdown_of_the_machine

pytestmark = pytest.mark.pyodide

LIMIT_MS = 5000
ADD_TESTS = """\
from solution import add


def test_add():
    assert add(2, 3) == 5, "add(2, 3) should be 5"
"""
ADD_RIGHT = "def add(a, b):\n    return a + b\n"
ADD_WRONG = "def add(a, b):\n    return a - b\n"
# An attribute on `sys` outlives the harness's clean-up between jobs, so it tells whether two jobs
# ran in the same interpreter.
SET_MARKER = "import sys\nsys.friction_marker = 'kept'\n"
SHOW_MARKER = "import sys\nprint(getattr(sys, 'friction_marker', 'fresh'))\n"
STUBBORN_LOOP = """\
while True:
    try:
        while True:
            pass
    except BaseException:
        pass
"""


def check_job(solution: str, tests: str) -> dict[str, Any]:
    """A check job: the learner's solution.py against the exercise's test_solution.py."""
    return {
        "mode": "check",
        "files": {"solution.py": solution},
        "tests": {"test_solution.py": tests},
    }


def run_job(program: str, stdin: str = "", **extra: Any) -> dict[str, Any]:
    """A run job: the learner's main.py executed as a script."""
    return {
        "mode": "run",
        "files": {"main.py": program},
        "entry": "main.py",
        "stdin": stdin,
        **extra,
    }


def grade(runner: PyodideNodeRunner, job: dict[str, Any], limit_ms: int = LIMIT_MS) -> Verdict:
    """Grade a job with the session's runner."""
    return runner.grade(job, limit_ms)


def test_correct_solution_passes(pyodide_runner: PyodideNodeRunner) -> None:
    verdict = grade(pyodide_runner, check_job("def add(a, b):\n    return a + b\n", ADD_TESTS))
    assert verdict.status == "passed", verdict
    assert [(t.name, t.outcome) for t in verdict.tests] == [("test_add", "passed")]


def test_wrong_solution_fails_with_the_tests_message(pyodide_runner: PyodideNodeRunner) -> None:
    verdict = grade(pyodide_runner, check_job("def add(a, b):\n    return a - b\n", ADD_TESTS))
    assert verdict.status == "failed", verdict
    assert verdict.tests[0].outcome == "failed"
    assert verdict.tests[0].message.startswith("add(2, 3) should be 5"), verdict.tests[0].message


def test_it_really_is_pyodide_python_3_14(pyodide_runner: PyodideNodeRunner) -> None:
    assert pyodide_runner.python_version is not None
    assert pyodide_runner.python_version.startswith("3.14."), pyodide_runner.python_version
    # These tests fail on any CPython: they pass only inside Pyodide.
    tests = (
        "import sys\n\n\ndef test_platform():\n    assert sys.platform == 'emscripten'\n\n\n"
        "def test_version():\n    assert sys.version_info[:2] == (3, 14)\n"
    )
    verdict = grade(pyodide_runner, check_job("", tests))
    assert verdict.status == "passed", verdict
    assert verdict.passed == verdict.total == 2


def test_infinite_loop_is_interrupted_and_the_next_job_runs(
    pyodide_runner: PyodideNodeRunner,
) -> None:
    assert grade(pyodide_runner, run_job(SET_MARKER)).status == "passed"
    answer = pyodide_runner.request(run_job("while True:\n    pass\n"), 1000)
    verdict = answer["verdict"]
    assert verdict["status"] == "timeout", verdict
    assert verdict["error"]["type"] == "Timeout"
    assert verdict["error"]["message"].startswith("Stopped after 1 s — probably an infinite loop")
    assert verdict["stopped_by"] == "limit"
    after = grade(pyodide_runner, run_job(SHOW_MARKER))
    assert after.status == "passed", after
    assert after.stdout == "kept\n"  # the interrupt stopped the loop, the interpreter lived on


def test_endless_loop_inside_a_check_times_out_and_the_next_job_runs(
    pyodide_runner: PyodideNodeRunner,
) -> None:
    assert grade(pyodide_runner, run_job(SET_MARKER)).status == "passed"
    solution = "def add(a, b):\n    while True:\n        pass\n"
    verdict = grade(pyodide_runner, check_job(solution, ADD_TESTS), 1000)
    assert verdict.status == "timeout", verdict
    assert verdict.error is not None
    assert verdict.error.message.startswith("Stopped after 1 s — probably an infinite loop")
    assert verdict.passed == 0  # the interrupted test did not pass
    after = grade(pyodide_runner, check_job("def add(a, b):\n    return a + b\n", ADD_TESTS))
    assert after.status == "passed", after
    # Whether the interpreter was kept (interrupt handled within the 1 s grace) or replaced is
    # not asserted here: beside stress-ng the grace can pass first, and replacing is then the
    # right call. The grace logic itself is tested without timing in test_runner_protocol.py.


def test_ten_megabytes_of_output_are_capped(pyodide_runner: PyodideNodeRunner) -> None:
    program = "for _ in range(100_000):\n    print('x' * 99)\n"  # 10 MB with the newlines
    verdict = grade(pyodide_runner, run_job(program, max_output=20_000), 20_000)
    assert verdict.status == "passed", verdict.error
    assert verdict.stdout_truncated
    assert 0 < len(verdict.stdout) <= 20_000


def test_syntax_error_reports_the_learners_line(pyodide_runner: PyodideNodeRunner) -> None:
    solution = "def add(a, b):\n    total = a + b\n    return total +\n"
    verdict = grade(pyodide_runner, check_job(solution, ADD_TESTS))
    assert verdict.status == "error", verdict
    assert verdict.error is not None
    assert (verdict.error.type, verdict.error.file, verdict.error.line) == (
        "SyntaxError",
        "solution.py",
        3,
    )


def test_ruamel_yaml_imports_inside_pyodide(pyodide_runner: PyodideNodeRunner) -> None:
    solution = (
        "from ruamel.yaml import YAML\n\n\n"
        "def load(text):\n    return YAML(typ='safe').load(text)\n"
    )
    tests = (
        "import sys\n\nfrom solution import load\n\n\ndef test_load():\n"
        "    assert sys.platform == 'emscripten'\n"
        "    assert load('ports: [80, 443]') == {'ports': [80, 443]}\n"
    )
    verdict = grade(pyodide_runner, check_job(solution, tests))
    assert verdict.status == "passed", verdict


def test_run_mode_executes_a_script_with_stdin(pyodide_runner: PyodideNodeRunner) -> None:
    program = "name = input()\ncount = int(input())\nprint(f'hello {name}' * count)\n"
    verdict = grade(pyodide_runner, run_job(program, stdin="Ada\n2\n"))
    assert (verdict.status, verdict.kind) == ("passed", "run"), verdict
    assert verdict.stdout == "hello Adahello Ada\n"


def test_refused_request_leaves_the_runner_working(pyodide_runner: PyodideNodeRunner) -> None:
    with pytest.raises(RuntimeError, match="time_limit_ms"):
        pyodide_runner.grade(run_job("print(1)"), 0)
    assert grade(pyodide_runner, run_job("print(1)")).stdout == "1\n"


def test_loop_swallowing_the_interrupt_is_killed_and_replaced(
    pyodide_runner: PyodideNodeRunner,
) -> None:
    assert grade(pyodide_runner, run_job(SET_MARKER)).status == "passed"
    answer = pyodide_runner.request(run_job(STUBBORN_LOOP), 1000)
    verdict = answer["verdict"]
    assert verdict["status"] == "timeout", verdict
    assert verdict["kind"] == "run"
    assert verdict["error"]["message"].startswith("Stopped after 1 s — probably an infinite loop")
    # The learner's loop ignored the interrupt: still the learner's timeout, not an abort.
    assert verdict["stopped_by"] == "limit"
    after = grade(pyodide_runner, run_job(SHOW_MARKER))
    assert after.status == "passed", after
    assert after.stdout == "fresh\n"  # a new interpreter


def test_fatal_wasm_error_is_aborted_not_counted_and_the_worker_is_replaced(
    pyodide_runner: PyodideNodeRunner,
) -> None:
    assert grade(pyodide_runner, run_job(SET_MARKER)).status == "passed"
    # Reading far outside wasm memory traps: Pyodide's fatal error, the interpreter is unusable.
    crash = "import ctypes\nctypes.string_at(0xFFFFFFF0, 16)\n"
    verdict = pyodide_runner.request(run_job(crash), LIMIT_MS)["verdict"]
    assert verdict["status"] == "aborted", verdict
    assert verdict["cause"] == "crash"
    assert verdict["error"]["type"] == "RunnerStopped"
    assert "memory access out of bounds" in verdict["error"]["message"]
    assert "does not count against you" in verdict["error"]["message"]
    after = grade(pyodide_runner, run_job(SHOW_MARKER))
    assert (after.status, after.stdout) == ("passed", "fresh\n")  # a new interpreter


def test_the_runner_restores_python_from_the_memory_snapshot(
    pyodide_runner: PyodideNodeRunner,
) -> None:
    assert pyodide_runner.from_snapshot is True


PROPERTY_TESTS = """\
from hypothesis import given, settings, strategies as st

from solution import add


@settings(max_examples=20, deadline=None)
@given(st.integers(), st.integers())
def test_add_commutes(a, b):
    assert add(a, b) == add(b, a) == a + b
"""
IMPORTED = (
    "import sys\nprint(sorted(m for m in ('hypothesis', 'sortedcontainers') if m in sys.modules))\n"
)
PROPERTY_LIMIT_MS = 20_000


def test_hypothesis_is_in_the_snapshot_so_a_property_check_needs_no_network() -> None:
    # A runner of its own, fresh from the snapshot: hypothesis is already imported there, so a
    # learner who goes offline after Python is ready can still check a property-based exercise.
    with PyodideNodeRunner(RUNTIME) as runner:
        loaded = runner.grade(run_job(IMPORTED), LIMIT_MS).stdout
        assert loaded == "['hypothesis', 'sortedcontainers']\n"
        right = runner.grade(check_job(ADD_RIGHT, PROPERTY_TESTS), PROPERTY_LIMIT_MS)
        assert right.status == "passed", right
        wrong = runner.grade(check_job(ADD_WRONG, PROPERTY_TESTS), PROPERTY_LIMIT_MS)
        assert wrong.status == "failed", wrong
        after = runner.grade(run_job(IMPORTED), LIMIT_MS)
        assert after.stdout == "['hypothesis', 'sortedcontainers']\n"


def test_a_cold_start_without_the_snapshot_grades_the_same() -> None:
    with PyodideNodeRunner(RUNTIME, cold=True) as runner:
        assert runner.from_snapshot is False
        verdict = runner.grade(check_job(ADD_WRONG, ADD_TESTS), LIMIT_MS)
        assert verdict.status == "failed", verdict
        assert verdict.tests[0].message.startswith("add(2, 3) should be 5")


def test_every_restored_interpreter_draws_its_own_random_numbers() -> None:
    # The snapshot holds the random generator's state: without a fresh seed after each restore,
    # every page would draw the same "random" numbers.
    draws = []
    for _ in range(2):
        with PyodideNodeRunner(RUNTIME) as runner:
            assert runner.from_snapshot is True
            draws.append(
                runner.grade(
                    run_job("import random\nprint(random.getrandbits(64))\n"), LIMIT_MS
                ).stdout
            )
    assert draws[0] != draws[1], draws


def test_a_loop_stopped_by_a_busy_machine_is_rerun_with_more_time_and_never_counted() -> None:
    # At each limit the machine is scripted as 3x, 3x, then 10x slower than at start-up.
    with slowdown_of_the_machine("3,3,10"), PyodideNodeRunner(RUNTIME) as runner:
        # A job that finishes is not measured at all.
        assert grade(runner, run_job("print(1)")).stdout == "1\n"
        # 3x slower at the 1 s limit: the machine's stop; the re-run gets 3 s and, as slow
        # again, its timeout is the learner's.
        verdict = runner.request(run_job("while True:\n    pass\n"), 1000)["verdict"]
        assert (verdict["status"], verdict["stopped_by"]) == ("timeout", "limit"), verdict
        assert verdict["error"]["message"].startswith(
            "Stopped after 3 s — probably an infinite loop"
        )
        assert "stretched because the computer was busy" in verdict["error"]["message"]
        assert (verdict["retried"], verdict["retry_cause"]) == (True, "busy")
        # 10x slower, beyond what the stretched limit allows: aborted, not the learner's.
        verdict = runner.request(run_job("while True:\n    pass\n"), 1000)["verdict"]
        assert (verdict["status"], verdict["cause"], verdict["retried"]) == (
            "aborted",
            "busy",
            True,
        ), verdict
        assert "computer was busy, not because of your code" in verdict["error"]["message"]
        assert "does not count against you" in verdict["error"]["message"]
        # The interrupts worked: the same interpreter grades the next job.
        assert grade(runner, run_job(SET_MARKER)).status == "passed"
        assert grade(runner, run_job(SHOW_MARKER)).stdout == "kept\n"
