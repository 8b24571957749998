"""Access to the learner's files from inside an exercise's tests.

The harness points ROOT at the scratch folder before pytest runs, so a test can write
``from grading import submission`` and ``submission.read("Dockerfile")`` wherever it runs.
"""

from __future__ import annotations

from pathlib import Path

ROOT: Path | None = None


def path(name: str) -> Path:
    """Return the path of one of the learner's files."""
    if ROOT is None:
        raise RuntimeError("submission.path() is only available while the grader runs a check")
    return ROOT / name


def read(name: str) -> str:
    """Return the text of one of the learner's files ('' if they deleted it)."""
    target = path(name)
    return target.read_text() if target.exists() else ""
