"""How pytest-xdist shares the suite among its workers (./scripts/test: -n auto --dist loadgroup).

Tests go to the workers one by one, except that the tests of a module defining a module-,
class- or package-scoped fixture form one unit of work: that fixture (a sandbox, a gunicorn
server, a Node run of scenarios) is then made once, on one worker, not once per worker.
Session fixtures (the live server, Chromium, the Node runner, the PostgreSQL and SQLite
templates) are made once per worker.

pytest-xdist's own loadgroup reads xdist_group marks through the test ids, which pytest 9.2
no longer lets it change (pytest-dev/pytest-xdist#1386); the module rule needs no mark, and a
group suffix still counts if a later xdist writes one again.
"""

from __future__ import annotations

import ast
from pathlib import Path

from xdist.scheduler import LoadGroupScheduling

SHARED_SCOPES = {"module", "class", "package"}


def is_fixture_decorator(node: ast.expr) -> bool:
    """`@pytest.fixture(...)` or `@fixture(...)`, called with arguments."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return (isinstance(func, ast.Attribute) and func.attr == "fixture") or (
        isinstance(func, ast.Name) and func.id == "fixture"
    )


def defines_shared_fixture(source: str) -> bool:
    """True when the module defines a fixture made once for several of its tests."""
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for decorator in filter(is_fixture_decorator, node.decorator_list):
            for keyword in decorator.keywords:
                if (
                    keyword.arg == "scope"
                    and isinstance(keyword.value, ast.Constant)
                    and keyword.value.value in SHARED_SCOPES
                ):
                    return True
    return False


class ModuleFixtureScheduling(LoadGroupScheduling):
    """loadgroup, plus one unit of work per module that defines a shared fixture."""

    def __init__(self, config, log=None) -> None:
        super().__init__(config, log)
        self.modules = SharedFixtureModules(Path(config.rootpath))

    def _split_scope(self, nodeid: str) -> str:
        """The unit of work of a test: its xdist group, its module, or the test alone."""
        scope = super()._split_scope(nodeid)
        return scope if scope != nodeid else self.modules.unit_of(nodeid)


class SharedFixtureModules:
    """Which test modules define a shared fixture (each file is read once)."""

    def __init__(self, rootpath: Path) -> None:
        self.rootpath = rootpath
        self.known: dict[str, bool] = {}

    def unit_of(self, nodeid: str) -> str:
        """The test's module if that module defines a shared fixture, else the test itself."""
        module = nodeid.split("::", 1)[0]
        if module not in self.known:
            path = self.rootpath / module
            self.known[module] = (
                path.suffix == ".py"
                and path.is_file()
                and defines_shared_fixture(path.read_text(encoding="utf-8"))
            )
        return module if self.known[module] else nodeid
