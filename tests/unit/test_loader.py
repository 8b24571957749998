"""The exercise loader: valid folders load, broken ones say which file and what is wrong."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.exercises import load_catalog
from tests.conftest import FIXTURE_EXERCISES


@pytest.fixture
def root(tmp_path) -> Path:
    """A copy of the fixture catalog to break."""
    target = tmp_path / "exercises"
    shutil.copytree(FIXTURE_EXERCISES, target)
    return target


def exercise_dir(root: Path) -> Path:
    return root / "basics" / "010-add"


def test_fixture_catalog_loads(root):
    catalog = load_catalog(root)
    assert catalog.errors == []
    exercise = catalog.get("fixture-add")
    assert exercise.title == "Add two numbers"
    assert exercise.editable_files == ["adder.py"]
    assert [w.name for w in exercise.wrong] == ["off-by-one", "subtracts"]
    assert [(r.name, r.note) for r in exercise.right] == [
        ("sum-builtin", "The sum builtin instead of the + operator.")
    ]
    assert catalog.tracks["basics"].title == "Basics (test fixture)"
    assert catalog.in_track("basics") == [exercise]


def test_version_changes_when_any_file_changes(root):
    before = load_catalog(root).get("fixture-add").version
    (exercise_dir(root) / "tests" / "test_adder.py").write_text("def test_x():\n    pass\n")
    assert load_catalog(root).get("fixture-add").version != before


def test_browser_payload_never_contains_the_solution(root):
    payload = load_catalog(root).get("fixture-add").browser_payload()
    assert "solution" not in payload
    assert "return a + b\n" not in repr(payload)


def add_broken_copy(root: Path, name: str) -> Path:
    """A second exercise folder (new id) next to the good one, to break."""
    broken = root / "basics" / name
    shutil.copytree(exercise_dir(root), broken)
    toml = broken / "exercise.toml"
    toml.write_text(toml.read_text().replace('id = "fixture-add"', f'id = "broken-{name}"'))
    return broken


@pytest.mark.parametrize(
    ("breakage", "file", "message"),
    [
        (lambda d: (d / "exercise.toml").unlink(), "exercise.toml", "missing"),
        (
            lambda d: (d / "exercise.toml").write_text("id = [unclosed"),
            "exercise.toml",
            "TOML syntax error",
        ),
        (lambda d: (d / "prompt.md").unlink(), "prompt.md", "missing"),
        (lambda d: shutil.rmtree(d / "tests"), "tests", "no tests"),
        (lambda d: (d / "starter" / "adder.py").unlink(), "starter/adder.py", "missing"),
        (lambda d: (d / "solution" / "adder.py").unlink(), "solution/adder.py", "no reference"),
        (
            lambda d: (d / "tests" / "test_adder.py").write_text("def test(:\n"),
            "test_adder.py",
            "syntax error on line 1",
        ),
        (
            lambda d: (d / "starter" / "adder.py").write_bytes(b"\xff\xfe\x00"),
            "adder.py",
            "not UTF-8",
        ),
        (
            lambda d: shutil.rmtree(d / "wrong" / "subtracts"),
            "subtracts",
            "declared but the folder is missing",
        ),
        (
            lambda d: shutil.rmtree(d / "right" / "sum-builtin"),
            "sum-builtin",
            "declared but the folder is missing",
        ),
        (
            lambda d: (d / "right" / "sum-builtin" / "extra.py").write_text("x = 1\n"),
            "right/sum-builtin",
            "not among the learner's files",
        ),
        (
            lambda d: (d / "exercise.toml").write_text(
                (d / "exercise.toml").read_text().replace('kind = "python"', 'kind = "cobol"')
            ),
            "exercise.toml",
            "kind 'cobol'",
        ),
        (
            lambda d: (d / "exercise.toml").write_text(
                (d / "exercise.toml")
                .read_text()
                .replace("time_limit_ms = 5000", "time_limit_ms = 99999999")
            ),
            "exercise.toml",
            "time_limit_ms",
        ),
        (
            lambda d: (d / "exercise.toml").write_text(
                (d / "exercise.toml")
                .read_text()
                .replace(
                    'hints = ["What does the + operator do?", "Return the sum; do not print it."]',
                    "hints = []",
                )
            ),
            "exercise.toml",
            "hints",
        ),
    ],
)
def test_a_broken_folder_is_reported_and_the_rest_still_loads(root, breakage, file, message):
    broken = add_broken_copy(root, "020-broken")
    breakage(broken)
    catalog = load_catalog(root)
    assert "fixture-add" in catalog.exercises  # the good exercise is unaffected
    assert len(catalog.errors) == 1, catalog.errors
    error = catalog.errors[0]
    assert file in error.path
    assert message in error.message


def test_a_duplicate_id_is_refused_naming_both_folders(root):
    duplicate = root / "basics" / "020-dup"
    shutil.copytree(exercise_dir(root), duplicate)
    catalog = load_catalog(root)
    assert list(catalog.exercises) == ["fixture-add"]
    assert "already used by" in catalog.errors[0].message
    assert "010-add" in catalog.errors[0].message


def test_a_missing_root_is_an_error_not_a_crash(tmp_path):
    catalog = load_catalog(tmp_path / "nope")
    assert catalog.exercises == {}
    assert "not found" in catalog.errors[0].message


def test_job_combines_learner_readonly_and_test_files(root):
    exercise = load_catalog(root).get("fixture-add")
    job = exercise.job({"adder.py": "x = 1"})
    assert job["files"] == {"adder.py": "x = 1"}
    assert "test_adder.py" in job["tests"]
    assert exercise.job({"adder.py": ""}, mode="run")["tests"] == {}
