"""Imported only by the fork server of tests/content/forked_cpython.py (its preload): import
what grading needs and run one small job, so every child forked from it starts warm."""

from __future__ import annotations

import json

import pytest  # noqa: F401  (the child runs pytest; import it once, here)

from app.grading import alias_as_top_level
from app.grading.harness import run_job
from tests.content.forked_cpython import run_in_child  # noqa: F401  (the children's target)

# The same small job the browser runs before its memory snapshot (static/src/pyodide-boot.mjs):
# pytest imports most of itself on its first run, so the children start past that.
WARM_UP_JOB = {
    "mode": "check",
    "files": {"warm_up.py": "def answer():\n    return 42\n"},
    "tests": {
        "test_warm_up.py": "from warm_up import answer\n\n\ndef test_answer():\n"
        "    assert answer() == 42\n"
    },
}

alias_as_top_level()
warm_up = json.loads(run_job(json.dumps(WARM_UP_JOB)))
assert warm_up["status"] == "passed", warm_up
