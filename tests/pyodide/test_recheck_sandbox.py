"""The server's re-check runs learner code in Pyodide under Node in the sandbox
(runner/sandbox/node-sandbox): attack snippets, each disguised as a forged pass, fail safely, the
interpreter pool keeps serving, and the queue flags the forgery."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Attempt
from app.recheck.worker import SandboxGrader
from app.recheck.worker import drain
from tests.conftest import RIGHT_ADDER
from tests.conftest import AuthActions
from tests.conftest import make_app
from tests.integration.test_attempts import attempt
from tests.integration.test_attempts import verdict as browser_verdict
from tests.pyodide.conftest import RUNTIME

pytestmark = pytest.mark.pyodide

SECRET = os.environ["SECRET_KEY"]  # set by tests/conftest.py, so this process holds it


def disguised(attack: str) -> str:
    """A right answer that only works if the attack worked: a blocked attack is a failed check."""
    body = "\n".join("        " + line for line in attack.strip().splitlines())
    return (
        "def add(a, b):\n"
        "    try:\n"
        f"{body}\n"
        "    except BaseException:\n"
        "        return None\n"
        "    return a + b\n"
    )


@pytest.fixture(scope="module")
def grader():
    """One sandboxed interpreter for the module: every attack hits the same pool member."""
    sandboxed = SandboxGrader(RUNTIME)
    try:
        sandboxed.start()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield sandboxed
    sandboxed.close()


@pytest.fixture(scope="module")
def add_exercise():
    from app.exercises import load_catalog
    from tests.conftest import FIXTURE_EXERCISES

    return load_catalog(FIXTURE_EXERCISES).get("fixture-add")


def run(grader, exercise, code: str, time_limit_ms: int = 15_000):
    return grader(exercise.job({"adder.py": code}), time_limit_ms)


def text_of(verdict) -> str:
    return json.dumps(verdict.to_dict())


ATTACKS = {
    "read /etc/passwd": "assert 'root:' in open('/etc/passwd').read()",
    "read /etc/passwd through a NODEFS mount": """
import js, pyodide_js
from pyodide.ffi import to_js
import uuid
fs, mount = pyodide_js.FS, f'/host-{uuid.uuid4().hex}'  # add() runs once per test
fs.mkdirTree(mount)
fs.mount(fs.filesystems.NODEFS, to_js({'root': '/etc'}, dict_converter=js.Object.fromEntries),
         mount)
assert 'root:' in open(f'{mount}/passwd').read()
""",
    "read the secret key from the environment": f"""
import js
assert js.process.env.SECRET_KEY == {SECRET!r}
""",
    "read the secret key from os.environ": f"""
import os
assert os.environ['SECRET_KEY'] == {SECRET!r}
""",
    "process.binding through the js module": """
import js
js.process.binding('fs')
""",
    "spawn a process with subprocess": """
import subprocess
subprocess.run(['/bin/sh', '-c', 'id'], check=True)
""",
    "spawn a process through Node's internals": """
import js
js.process.binding('spawn_sync')
""",
    "signal the server through js.process": f"""
import js
js.process.kill({os.getpid()}, 0)
""",
    "signal through the raw kill": f"""
import js
assert js.process._kill({os.getpid()}, 0) == 0
""",
    "write a file on the host": """
import js, pyodide_js
from pyodide.ffi import to_js
import uuid
fs, mount = pyodide_js.FS, f'/host-{uuid.uuid4().hex}'
fs.mkdirTree(mount)
fs.mount(fs.filesystems.NODEFS, to_js({'root': '/tmp'}, dict_converter=js.Object.fromEntries),
         mount)
with open(f'{mount}/friction-sandbox-pwned', 'w') as out:
    out.write('pwned')
""",
}


@pytest.mark.parametrize("name", list(ATTACKS))
def test_an_attack_fails_safely(grader, add_exercise, name):
    verdict = run(grader, add_exercise, disguised(ATTACKS[name]))
    assert verdict.status != "passed", f"{name}: the attack worked"
    assert SECRET not in text_of(verdict) and "root:x:0:0" not in text_of(verdict)
    assert not Path("/tmp/friction-sandbox-pwned").exists()


def test_a_socket_cannot_reach_the_hosts_loopback(grader, add_exercise):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.setblocking(False)
        port = listener.getsockname()[1]
        attack = f"""
import socket
socket.create_connection(('127.0.0.1', {port}), timeout=3).sendall(b'stolen')
"""
        verdict = run(grader, add_exercise, disguised(attack))
        assert verdict.status != "passed"
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody connected


def test_exhausting_memory_stops_at_the_sandbox_limit(grader, add_exercise):
    # 10 MB at a time until MemoryError; the answer is right only if that came below ~1.1 GB
    # (the sandbox's FRICTION_SANDBOX_MEMORY_MB=1024), far below wasm32's own 4 GB ceiling.
    code = (
        "chunks = []\n"
        "try:\n"
        "    while True:\n"
        "        chunks.append(bytearray(10 * 1024 * 1024))\n"
        "except MemoryError:\n"
        "    GOT = len(chunks)\n"
        "    chunks.clear()\n"
        "def add(a, b):\n"
        "    return a + b if GOT < 110 else None\n"
    )
    # Touching ~1 GB of fresh pages takes seconds on a busy machine: time is not what is tested.
    assert run(grader, add_exercise, code, time_limit_ms=120_000).status == "passed"
    assert run(grader, add_exercise, "DATA = [0] * 10**10\n").status == "error"


# The sandboxed runner starts with an empty environment, so it measures how busy the machine is
# (no FRICTION_TEST_SLOWDOWN): beside stress-ng a stop may be the busy machine's ("aborted", after
# one re-run with a stretched limit) rather than the loop's. Either way the loop is stopped.
STOPPED = ("timeout", "aborted")


def test_a_forever_loop_is_stopped_and_the_next_job_still_runs(grader, add_exercise):
    verdict = run(grader, add_exercise, "while True:\n    pass\n", time_limit_ms=2_000)
    assert verdict.status in STOPPED
    stubborn = (
        "while True:\n"
        "    try:\n"
        "        while True:\n"
        "            pass\n"
        "    except BaseException:\n"
        "        pass\n"
    )
    # Python swallows the interrupt: the runner replaces the interpreter (a timeout verdict);
    # if even that fails (e.g. the memory limit still holds the old one), the whole sandboxed
    # process is dropped, the queue retries the job later, and the next job gets a fresh one.
    try:
        assert run(grader, add_exercise, stubborn, time_limit_ms=2_000).status in STOPPED
    except RuntimeError as exc:
        assert "Pyodide runner" in str(exc) and grader.runner is None
    assert run(grader, add_exercise, RIGHT_ADDER["adder.py"]).status == "passed"


def test_the_service_still_grades_after_every_attack(grader, add_exercise):
    assert run(grader, add_exercise, RIGHT_ADDER["adder.py"]).status == "passed"
    wrong = "def add(a, b):\n    return a - b\n"
    assert run(grader, add_exercise, wrong).status == "failed"


def test_a_forged_pass_is_caught_through_the_queue(grader, tmp_path):
    app = make_app(tmp_path)
    client = app.test_client()
    AuthActions(client).signup()
    passed = browser_verdict(status="passed", passed=2, total=2)
    for files in (
        {"adder.py": disguised(ATTACKS["read the secret key from the environment"])},
        {"adder.py": "def add(a, b):\n    return 5\n"},
        RIGHT_ADDER,
    ):
        response = client.post("/api/attempts", json=attempt(files=files, verdict=passed))
        assert response.status_code == 201
    with app.app_context():
        assert drain(grader) == 3
        outcomes = list(db.session.scalars(sa.select(Attempt.verification).order_by(Attempt.id)))
    assert outcomes == ["mismatch", "mismatch", "verified"]
    assert client.get("/api/exercises/fixture-add/reference").status_code == 200
    from tests.conftest import dispose

    dispose(app)


def test_in_thread_mode_the_reference_waits_for_the_servers_confirmation(tmp_path):
    """RECHECK_MODE=thread (a laptop's `flask run`): the web process works the queue itself."""
    from tests.conftest import dispose

    app = make_app(tmp_path, RECHECK_MODE="thread", RECHECK_WAIT_S=240)
    try:
        client = app.test_client()
        AuthActions(client).signup()
        assert client.get("/exercises/fixture-add").status_code == 200  # warms the pool
        passed = browser_verdict(status="passed", passed=2, total=2)
        response = client.post("/api/attempts", json=attempt(files=RIGHT_ADDER, verdict=passed))
        assert response.get_json()["attempt"]["verification"] == "pending"
        reference = client.get("/api/exercises/fixture-add/reference")
        assert reference.status_code == 200, reference.get_json()
    finally:
        worker = app.extensions.get("recheck")
        if worker is not None:
            worker.stop.set()
            worker.wake.set()
        dispose(app)
