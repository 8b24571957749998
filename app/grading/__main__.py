"""Run one grading job on this CPython: job JSON on stdin, verdict JSON on stdout.

Used by `app.grading.local` in a subprocess, so a learner's endless loop can be killed.
It prints a ready line once pytest is imported, so the time limit counts only the learner's run.
Exercise tests import helpers as ``grading.*`` (their name inside Pyodide); alias them here.
"""

from __future__ import annotations

import sys

import pytest  # noqa: F401  (imported before the ready line: start-up is not the learner's time)

from . import alias_as_top_level
from .harness import run_job

alias_as_top_level()
sys.stdout.write("ready\n")
sys.stdout.flush()
sys.stdout.write(run_job(sys.stdin.read()))
