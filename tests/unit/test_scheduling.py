"""The suite's xdist scheduling keeps a module's shared fixture on one worker."""

from __future__ import annotations

import pytest

from tests.scheduling import SharedFixtureModules
from tests.scheduling import defines_shared_fixture


@pytest.mark.parametrize(
    ("source", "shared"),
    [
        ('@pytest.fixture(scope="module")\ndef server():\n    yield 1\n', True),
        ('@fixture(scope="class")\ndef server():\n    return 1\n', True),
        ('@pytest.fixture(scope="package")\nasync def server():\n    return 1\n', True),
        ('@pytest.fixture(scope="session")\ndef browser():\n    return 1\n', False),
        ("@pytest.fixture\ndef page():\n    return 1\n", False),
        ('@pytest.mark.parametrize("scope", ["module"])\ndef test_x(scope):\n    pass\n', False),
    ],
)
def test_a_shared_fixture_is_one_wider_than_a_test_and_narrower_than_the_session(source, shared):
    assert defines_shared_fixture(source) is shared


def test_tests_sharing_a_module_fixture_form_one_unit_and_the_others_go_alone(tmp_path):
    (tmp_path / "test_shared.py").write_text(
        '@pytest.fixture(scope="module")\ndef server():\n    yield 1\n'
    )
    (tmp_path / "test_alone.py").write_text("def test_a():\n    pass\n")
    modules = SharedFixtureModules(tmp_path)
    assert modules.unit_of("test_shared.py::test_a[1]") == "test_shared.py"
    assert modules.unit_of("test_shared.py::test_b") == "test_shared.py"
    assert modules.unit_of("test_alone.py::test_a") == "test_alone.py::test_a"
