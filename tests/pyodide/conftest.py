"""One real Pyodide runner (Node) for the whole session, and helpers for Pyodide tests.

The runtime is built by scripts/build_assets.py (CI does it first). A missing or stale runtime
fails these tests instead of skipping them: a skipped proof is no proof.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.grading.node import PyodideNodeRunner

REPO = Path(__file__).resolve().parents[2]
RUNTIME = REPO / "static" / "vendor" / "pyodide"
GRADING_SOURCES = REPO / "app" / "grading"
BUILD_HINT = "run ./scripts/run or python scripts/build_assets.py first"


def stale_grading_files(runtime: Path) -> list[str]:
    """List app/grading files whose copy in the runtime's grading wheel differs or is missing."""
    lock = json.loads((runtime / "pyodide-lock.json").read_text())
    entry = lock["packages"].get("friction-grading")
    if entry is None:
        return ["(pyodide-lock.json has no friction-grading entry)"]
    with zipfile.ZipFile(runtime / entry["file_name"]) as wheel:
        built = {
            name.removeprefix("grading/"): wheel.read(name)
            for name in wheel.namelist()
            if name.startswith("grading/") and name.endswith(".py")
        }
    sources = {
        path.relative_to(GRADING_SOURCES).as_posix(): path.read_bytes()
        for path in GRADING_SOURCES.rglob("*.py")
        if "__pycache__" not in path.parts
    }
    return sorted(
        name for name in sources.keys() | built.keys() if sources.get(name) != built.get(name)
    )


@pytest.fixture(scope="session")
def pyodide_runner() -> Iterator[PyodideNodeRunner]:
    """Start one Node + Pyodide runner for the session (loading Pyodide takes seconds)."""
    if not (RUNTIME / "pyodide.mjs").is_file():
        pytest.fail(f"the Pyodide runtime is not built ({RUNTIME} is missing): {BUILD_HINT}")
    stale = stale_grading_files(RUNTIME)
    if stale:
        # Otherwise these tests would prove an old grader, not the one in app/grading.
        pytest.fail(
            f"the Pyodide runtime's grading wheel is older than app/grading "
            f"(differs: {', '.join(stale)}): {BUILD_HINT}"
        )
    runner = PyodideNodeRunner(RUNTIME)
    try:
        runner.start()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield runner
    runner.close()
