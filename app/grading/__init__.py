"""The grader: runs an exercise's pytest tests against a learner's files and returns a verdict.

Pure Python (standard library, pytest, ruamel.yaml) so that the very same code runs on the
server's CPython (CLI, `flask exercises check`) and inside Pyodide in the learner's browser, where
it is installed as the top-level package ``grading``. Internal imports are relative for that reason.
"""

from __future__ import annotations

from .verdict import ErrorInfo
from .verdict import TestResult
from .verdict import Verdict

__all__ = ["ErrorInfo", "TestResult", "Verdict", "alias_as_top_level"]


def alias_as_top_level() -> None:
    """Make this package importable as ``grading`` too, as it is inside Pyodide.

    Exercise tests write ``from grading import submission``; on the server the package is
    ``app.grading``. Every submodule is aliased so both names share one module (and one state).
    """
    import importlib
    import pkgutil
    import sys

    if __name__ == "grading":
        return
    sys.modules.setdefault("grading", sys.modules[__name__])
    for info in pkgutil.iter_modules(__path__):
        if info.name == "__main__":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        sys.modules.setdefault(f"grading.{info.name}", module)
