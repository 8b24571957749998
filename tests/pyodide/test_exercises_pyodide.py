"""Every bundled exercise proven in real Pyodide: the reference passes, the starter and each
wrong answer fail, each wrong answer with its expected message. `flask exercises check` too."""

from __future__ import annotations

import pytest

from app.exercises import load_catalog
from app.proof import cases_for
from app.proof import judge
from app.proof import proof_time_limit
from tests.conftest import ROOT

pytestmark = pytest.mark.pyodide

CATALOG = load_catalog(ROOT / "exercises")
CASES = [case for exercise in CATALOG.exercises.values() for case in cases_for(exercise)]


def test_the_bundled_catalog_loads_cleanly():
    assert CATALOG.errors == []
    assert {e.track for e in CATALOG.exercises.values()} >= {
        "design-patterns",
        "coolify",
        "kubernetes",
    }


@pytest.mark.parametrize("case", CASES, ids=[f"{c.exercise.id}:{c.label}" for c in CASES])
def test_exercise_behaves_in_pyodide(pyodide_runner, case):
    exercise = case.exercise
    verdict = pyodide_runner.grade(exercise.job(case.files), proof_time_limit(exercise))
    assert judge(case, verdict, "pyodide") is None


def test_cli_check_proves_under_pyodide(runner):
    result = runner.invoke(args=["exercises", "check", "--runtime", "pyodide"])
    assert result.exit_code == 0, result.output
    assert "OK: 1 exercises proven (5 runs under pyodide)" in result.output
