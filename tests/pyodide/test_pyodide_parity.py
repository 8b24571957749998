"""The same jobs graded on this CPython and in Pyodide give the same verdicts."""

from __future__ import annotations

from typing import Any

import pytest

from app.grading import local
from app.grading.node import PyodideNodeRunner
from app.grading.verdict import Verdict

pytestmark = pytest.mark.pyodide

# Parity, not speed: a busy machine must not turn a pass into a timeout. The first import of
# hypothesis in Pyodide alone takes seconds on two loaded cores.
LIMIT_MS = 60_000
ADD_TESTS = """\
import pytest

from solution import add


def test_small():
    \"\"\"Adds two small numbers.\"\"\"
    assert add(2, 3) == 5, "add(2, 3) should be 5"


def test_negative():
    assert add(-2, -3) == -5


@pytest.mark.skip(reason="not part of this step")
def test_later():
    assert False
"""


PROPERTY_TESTS = """\
from hypothesis import given, settings, strategies as st

from solution import add


@settings(max_examples=50, deadline=None, database=None)
@given(st.integers(), st.integers())
def test_add_any_integers(a, b):
    \"\"\"Adds any two integers.\"\"\"
    assert add(a, b) == a + b, f"add({a}, {b}) should be {a + b}"
"""


def check(solution: str, tests: str = ADD_TESTS) -> dict[str, Any]:
    """A check job with one learner file and one test file."""
    return {
        "mode": "check",
        "files": {"solution.py": solution},
        "tests": {"test_solution.py": tests},
    }


def run(program: str, stdin: str = "") -> dict[str, Any]:
    """A run job for one learner script."""
    return {"mode": "run", "files": {"main.py": program}, "entry": "main.py", "stdin": stdin}


JOBS = {
    "passes": check("def add(a, b):\n    return a + b\n"),
    "fails": check("def add(a, b):\n    return a - b\n"),
    "half right": check("def add(a, b):\n    return abs(a) + abs(b)\n"),
    "prints while tested": check(
        "print('loading')\n\ndef add(a, b):\n    print(a, b)\n    return a + b\n"
    ),
    "syntax error": check("def add(a, b)\n    return a + b\n"),
    "error on import": check("def add(a, b):\n    return a + b\n\nadd(1, undefined)\n"),
    "exception in a test": check("def add(a, b):\n    return a + int('x')\n"),
    "no tests": check("x = 1\n", tests="# nothing to run\n"),
    "submission helper": check(
        "# a comment the test looks for\n",
        tests="from grading import submission\n\n\ndef test_comment():\n"
        "    assert '# a comment' in submission.read('solution.py')\n",
    ),
    "yaml": check(
        "from ruamel.yaml import YAML\n\n\n"
        "def load(text):\n    return YAML(typ='safe').load(text)\n",
        tests="from solution import load\n\n\ndef test_load():\n"
        "    assert load('a: [1, 2]') == {'a': [1, 2]}\n",
    ),
    # Property-based tests (hypothesis, shipped in the self-hosted runtime) judge over generated
    # inputs: a lookup table of the visible cases fails on the inputs it did not list.
    "hypothesis passes": check("def add(a, b):\n    return a + b\n", tests=PROPERTY_TESTS),
    "hypothesis finds a table": check(
        "def add(a, b):\n    return {(2, 3): 5, (-2, -3): -5}.get((a, b), 0)\n",
        tests=PROPERTY_TESTS,
    ),
    "run with stdin": run("n = int(input())\nprint(n * 2)\n", stdin="21\n"),
    "run raises": run("print('before')\nvalues = []\nprint(values[3])\n"),
    "run exits": run("import sys\nsys.exit(3)\n"),
}


def summary(verdict: Verdict) -> dict[str, Any]:
    """What must agree: status, each test's outcome, where an error points, what was printed."""
    error = verdict.error
    return {
        "status": verdict.status,
        "kind": verdict.kind,
        "tests": [(t.name, t.outcome, t.line) for t in verdict.tests],
        "error": (error.type, error.file, error.line) if error else None,
        "stdout": verdict.stdout,
    }


@pytest.mark.parametrize("job", JOBS.values(), ids=JOBS.keys())
def test_cpython_and_pyodide_agree(pyodide_runner: PyodideNodeRunner, job: dict[str, Any]) -> None:
    on_cpython = local.grade(job, LIMIT_MS)
    in_pyodide = pyodide_runner.grade(job, LIMIT_MS)
    assert summary(in_pyodide) == summary(on_cpython)
