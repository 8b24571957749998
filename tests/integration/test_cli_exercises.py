"""`flask exercises check/list/sync`: proofs, clear reports, broken folders that never stop it."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import FIXTURE_EXERCISES

# Proofs run the exercises' tests, not SQL: once, on SQLite, is enough (and they are slow).
pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def catalog_copy(tmp_path):
    """A copy of the fixture catalog that a test may break."""
    target = tmp_path / "exercises"
    shutil.copytree(FIXTURE_EXERCISES, target)
    return target


def test_check_proves_a_good_exercise_on_cpython(runner):
    result = runner.invoke(args=["exercises", "check", "--runtime", "cpython"])
    assert result.exit_code == 0, result.output
    assert "OK: 1 exercises proven (5 runs under cpython)" in result.output


def test_check_fails_when_a_wrong_answer_passes(app_factory, catalog_copy):
    wrong = catalog_copy / "basics" / "010-add" / "wrong" / "subtracts" / "adder.py"
    wrong.write_text("def add(a, b):\n    return a + b\n")  # not wrong at all any more
    app = app_factory(EXERCISES_DIR=catalog_copy)
    result = app.test_cli_runner().invoke(args=["exercises", "check", "--runtime", "cpython"])
    assert result.exit_code == 1
    assert (
        "fixture-add [cpython] wrong/subtracts should fail but passes every test" in result.output
    )


def test_check_fails_when_a_right_answer_fails(app_factory, catalog_copy):
    right = catalog_copy / "basics" / "010-add" / "right" / "sum-builtin" / "adder.py"
    right.write_text("def add(a, b):\n    return sum((a, b, 1))\n")  # not right any more
    app = app_factory(EXERCISES_DIR=catalog_copy)
    result = app.test_cli_runner().invoke(args=["exercises", "check", "--runtime", "cpython"])
    assert result.exit_code == 1
    assert "fixture-add [cpython] right/sum-builtin should pass but is failed" in result.output


def test_check_fails_when_the_reference_fails(app_factory, catalog_copy):
    solution = catalog_copy / "basics" / "010-add" / "solution" / "adder.py"
    solution.write_text("def add(a, b):\n    return a * b\n")
    app = app_factory(EXERCISES_DIR=catalog_copy)
    result = app.test_cli_runner().invoke(args=["exercises", "check", "--runtime", "cpython"])
    assert result.exit_code == 1
    assert "solution should pass but is failed" in result.output
    assert "add(2, 3) should be 5" in result.output


def test_check_fails_when_a_wrong_answer_fails_for_another_reason(app_factory, catalog_copy):
    toml = catalog_copy / "basics" / "010-add" / "exercise.toml"
    toml.write_text(
        toml.read_text().replace(
            'expect = "add(2, 3) should be 5"\nmisconception = "Uses',
            'expect = "a message nobody wrote"\nmisconception = "Uses',
        )
    )
    app = app_factory(EXERCISES_DIR=catalog_copy)
    result = app.test_cli_runner().invoke(args=["exercises", "check", "--runtime", "cpython"])
    assert result.exit_code == 1
    assert "no message contains the expected text 'a message nobody wrote'" in result.output


def test_a_broken_folder_is_reported_by_check_and_list_but_the_app_still_serves(
    app_factory, catalog_copy
):
    broken = catalog_copy / "basics" / "020-broken"
    broken.mkdir()
    (broken / "exercise.toml").write_text('id = "broken"\ntitle = 3\n')
    app = app_factory(EXERCISES_DIR=catalog_copy)
    runner = app.test_cli_runner()
    check = runner.invoke(args=["exercises", "check", "--runtime", "cpython"])
    assert check.exit_code == 1
    assert "020-broken/exercise.toml: 'title' must be a str" in check.output
    listing = runner.invoke(args=["exercises", "list"])
    assert "fixture-add" in listing.output and "not loaded" in listing.output
    assert app.test_client().get("/tracks/basics").status_code == 200


def test_check_can_be_limited_to_a_folder(runner):
    result = runner.invoke(
        args=["exercises", "check", str(FIXTURE_EXERCISES / "basics"), "--runtime", "cpython"]
    )
    assert result.exit_code == 0, result.output


def test_sync_mirrors_the_catalog(runner):
    first = runner.invoke(args=["exercises", "sync"])
    assert "1 added, 0 updated" in first.output
    again = runner.invoke(args=["exercises", "sync"])
    assert "0 added, 0 updated" in again.output
