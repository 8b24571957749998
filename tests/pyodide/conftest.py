"""One real Pyodide runner (Node) for the whole session, and helpers for Pyodide tests.

The runtime is built by scripts/build_assets.py (CI does it first). A missing or stale runtime
fails these tests instead of skipping them: a skipped proof is no proof.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from app.grading.node import PyodideNodeRunner

REPO = Path(__file__).resolve().parents[2]
RUNTIME = REPO / "static" / "vendor" / "pyodide"
GRADING_SOURCES = REPO / "app" / "grading"
BUILD_HINT = "run ./scripts/run or python scripts/build_assets.py first"


def stale_grading_files(runtime: Path) -> list[str]:
    """List app/grading files whose copy in the runtime differs or is missing.

    Both copies are checked: the grading wheel (in the lock) and site-packages.zip, which is
    what the browser and the Node runner import (its memory snapshot is built from it).
    """
    lock = json.loads((runtime / "pyodide-lock.json").read_text())
    entry = lock["packages"].get("friction-grading")
    if entry is None:
        return ["(pyodide-lock.json has no friction-grading entry)"]
    info = json.loads((runtime / "runtime.json").read_text())
    if "site_zip" not in info or not (runtime / info["site_zip"]).is_file():
        return ["(the runtime has no site-packages.zip)"]
    sources = {
        path.relative_to(GRADING_SOURCES).as_posix(): path.read_bytes()
        for path in GRADING_SOURCES.rglob("*.py")
        if "__pycache__" not in path.parts
    }
    stale: set[str] = set()
    for archive in (runtime / entry["file_name"], runtime / info["site_zip"]):
        with zipfile.ZipFile(archive) as built_zip:
            built = {
                name.removeprefix("grading/"): built_zip.read(name)
                for name in built_zip.namelist()
                if name.startswith("grading/") and name.endswith(".py")
            }
        stale.update(
            name for name in sources.keys() | built.keys() if sources.get(name) != built.get(name)
        )
    return sorted(stale)


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
        with slowdown_of_the_machine("1"):
            runner.start()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield runner
    runner.close()


@contextmanager
def slowdown_of_the_machine(factors: str) -> Iterator[None]:
    """Runners started here see the machine this many times slower at each limit ("3,10": one
    factor per measure) instead of measuring it: busy-machine verdicts without real load.

    The session's runner sees "1" (as fast as at start-up), so its timeouts are the learner's
    even when the suite runs beside stress-ng."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FRICTION_TEST_SLOWDOWN", factors)
        yield
