"""PyodideNodeRunner's failure paths, with stand-in runner scripts and broken runtimes (fast)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from app.grading.node import PyodideNodeRunner

pytestmark = pytest.mark.pyodide

REPO = Path(__file__).resolve().parents[2]
RUNTIME = REPO / "static" / "vendor" / "pyodide"
READY = 'process.stdout.write(JSON.stringify({ready: true, init_ms: 1, python: "3.14.0"}) + "\\n");'


def fake_runner(tmp_path: Path, body: str) -> PyodideNodeRunner:
    """A runner whose Node script is `body`, with a runtime folder that passes the file check."""
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    (runtime / "pyodide.mjs").write_text("")
    script = tmp_path / "fake-runner.mjs"
    script.write_text(body)
    return PyodideNodeRunner(runtime, script=script, start_timeout_s=20)


def copy_runtime(tmp_path: Path) -> Path:
    """Copy the built runtime's small files and link its big ones, to break it safely."""
    if not (RUNTIME / "pyodide.mjs").is_file():
        pytest.fail(
            f"the Pyodide runtime is not built ({RUNTIME} is missing): "
            "run ./scripts/run or python scripts/build_assets.py first"
        )
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    for source in RUNTIME.iterdir():
        if source.suffix == ".whl" or source.name == "pyodide-lock.json":
            shutil.copy2(source, runtime / source.name)
        else:
            (runtime / source.name).symlink_to(source)
    return runtime


def test_missing_runtime_says_how_to_build_it(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match=r"python scripts/build_assets\.py first"):
        PyodideNodeRunner(tmp_path / "nowhere").start()


def test_missing_node_is_reported(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="Node.js was not found"):
        PyodideNodeRunner(RUNTIME, node=str(tmp_path / "no-such-node")).start()


def test_runner_that_cannot_start_reports_why(tmp_path: Path) -> None:
    runner = fake_runner(
        tmp_path,
        (
            'process.stderr.write("details on stderr\\n");'
            'process.stdout.write(JSON.stringify({ready: false, error: "no interpreter"}) + "\\n");'
            "process.exit(1);"
        ),
    )
    with pytest.raises(RuntimeError, match="could not start: no interpreter") as caught:
        runner.start()
    assert "details on stderr" in str(caught.value)


def test_runner_that_dies_mid_job_raises_with_its_stderr(tmp_path: Path) -> None:
    runner = fake_runner(
        tmp_path,
        READY
        + (
            'process.stdin.once("data", () => {'
            '  process.stderr.write("fatal: simulated crash\\n"); process.exit(3); });'
        ),
    )
    with runner:
        assert (runner.init_ms, runner.python_version) == (1, "3.14.0")
        with pytest.raises(RuntimeError, match=r"died.*exit status 3") as caught:
            runner.grade({"mode": "run", "files": {"main.py": ""}}, 1000)
        assert "fatal: simulated crash" in str(caught.value)
        with pytest.raises(RuntimeError, match="no longer usable"):
            runner.grade({"mode": "run", "files": {"main.py": ""}}, 1000)


def test_wheel_missing_from_the_runtime_fails_loudly(tmp_path: Path) -> None:
    runtime = copy_runtime(tmp_path)
    lock = json.loads((runtime / "pyodide-lock.json").read_text())
    (runtime / lock["packages"]["ruamel-yaml"]["file_name"]).unlink()
    with pytest.raises(RuntimeError, match=r"ruamel_yaml-.*\.whl is missing"):
        PyodideNodeRunner(runtime, start_timeout_s=30).start()


def test_wheel_that_does_not_match_the_lock_fails_loudly(tmp_path: Path) -> None:
    runtime = copy_runtime(tmp_path)
    lock = json.loads((runtime / "pyodide-lock.json").read_text())
    entry = lock["packages"]["friction-grading"]
    wheel = runtime / entry["file_name"]
    wheel.write_bytes(wheel.read_bytes() + b"tampered")
    assert hashlib.sha256(wheel.read_bytes()).hexdigest() != entry["sha256"]
    with pytest.raises(RuntimeError, match="does not match its sha256"):
        PyodideNodeRunner(runtime, start_timeout_s=30).start()
