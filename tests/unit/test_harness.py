"""The grader on CPython: verdicts a learner can read, for every way code can go wrong."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from app.grading import harness
from app.grading import local
from app.grading import traces

ADD_TESTS = {
    "test_adder.py": (
        "from adder import add\n\n"
        "def test_small():\n"
        '    """add(2, 3) gives 5"""\n'
        '    assert add(2, 3) == 5, "add(2, 3) should be 5"\n\n'
        "def test_zero():\n"
        "    assert add(0, 0) == 0\n"
    )
}


def check(source: str, tests=ADD_TESTS, **extra):
    return harness.run({"mode": "check", "files": {"adder.py": source}, "tests": tests, **extra})


def test_a_correct_answer_passes():
    verdict = check("def add(a, b):\n    return a + b\n")
    assert verdict.status == "passed"
    assert (verdict.passed, verdict.total) == (2, 2)


def test_a_wrong_answer_fails_with_the_authors_message_and_values():
    verdict = check("def add(a, b):\n    return a - b\n")
    assert verdict.status == "failed"
    failing = verdict.first_failure
    assert failing.name == "test_small"
    assert failing.description == "add(2, 3) gives 5"
    assert failing.message == "add(2, 3) should be 5"


def test_each_parametrized_case_gets_its_own_title():
    tests = {
        "test_adder.py": (
            "import pytest\nfrom adder import add\n\n"
            "@pytest.mark.parametrize('n', [1, 2])\n"
            "def test_adds_zero(n):\n"
            '    """add({n}, 0) gives {n}"""\n'
            "    assert add(n, 0) == n\n\n"
            "@pytest.mark.parametrize('n', [1])\n"
            "def test_plain(n):\n"
            '    """{unknown} fields and {} stay as written"""\n'
        )
    }
    verdict = check("def add(a, b):\n    return a + b\n", tests=tests)
    titles = {t.name: t.description for t in verdict.tests}
    assert titles["test_adds_zero[1]"] == "add(1, 0) gives 1"
    assert titles["test_adds_zero[2]"] == "add(2, 0) gives 2"
    assert titles["test_plain[1]"] == "{unknown} fields and {} stay as written"


def test_without_an_authors_message_pytest_shows_the_values():
    verdict = check("def add(a, b):\n    return a - b\n")
    zero = next(t for t in verdict.tests if t.name == "test_zero")
    assert zero.outcome == "passed"
    verdict = check("def add(a, b):\n    return 7\n")
    zero = next(t for t in verdict.tests if t.name == "test_zero")
    assert "7 == 0" in zero.message
    assert len(zero.message.splitlines()) <= harness.MAX_MESSAGE_LINES + 1


def test_pytest_fail_reads_as_the_authors_words():
    tests = {
        "test_adder.py": "import pytest\n\ndef test_a():\n    pytest.fail('Say why it matters')\n"
    }
    verdict = check("def add(a, b):\n    return a + b\n", tests=tests)
    assert verdict.tests[0].message == "Say why it matters"


def test_a_syntax_error_names_the_line():
    verdict = check("def add(a, b)\n    return a + b\n")
    assert verdict.status == "error"
    assert verdict.error.type == "SyntaxError"
    assert (verdict.error.file, verdict.error.line) == ("adder.py", 1)


def test_an_import_error_in_learner_code_is_reported_as_such():
    verdict = check("import numpy_that_does_not_exist\n")
    assert verdict.status == "error"
    assert verdict.error.type == "ModuleNotFoundError"
    assert verdict.error.line == 1


def test_a_missing_name_is_an_import_error_without_temporary_paths():
    verdict = check("def plus(a, b):\n    return a + b\n")
    assert verdict.error.type == "ImportError"
    assert "cannot import name 'add'" in verdict.error.message
    assert "/tmp" not in verdict.error.message


def test_an_exception_inside_learner_code_points_at_their_line():
    verdict = check("def add(a, b):\n    x = 1\n    return a / 0\n")
    assert verdict.status == "failed"
    assert "ZeroDivisionError" in verdict.first_failure.message
    assert verdict.first_failure.line == 3
    # A sentence in the learner's terms: their file and line, and what the check was doing.
    assert verdict.first_failure.message == (
        "adder.py line 3 raised ZeroDivisionError (division by zero) while this check ran, so "
        "it could not finish. It was checking: add(2, 3) gives 5"
    )


def test_an_exception_raised_in_the_check_says_so():
    tests = {"test_adder.py": (
        "from adder import add\n\n"
        "def test_lookup():\n"
        '    """The answer is one of the known prices"""\n'
        "    assert {5: 'five'}[add(2, 2)]\n"
    )}
    verdict = check("def add(a, b):\n    return a + b\n", tests=tests)
    message = verdict.first_failure.message
    assert message.startswith("This check stopped with KeyError (4) while it used what your code")
    assert message.endswith("It was checking: the answer is one of the known prices")


def test_printed_output_is_captured_and_capped():
    verdict = check("print('x' * 100_000)\ndef add(a, b):\n    return a + b\n", max_output=1000)
    assert verdict.status == "passed"
    assert len(verdict.stdout) == 1000
    assert verdict.stdout_truncated


def test_runs_do_not_leak_into_each_other():
    check("def add(a, b):\n    return a - b\n")
    assert check("def add(a, b):\n    return a + b\n").status == "passed"


def test_no_tests_is_an_error_not_a_pass():
    verdict = check("def add(a, b):\n    return a + b\n", tests={"test_adder.py": "x = 1\n"})
    assert verdict.status == "error"
    assert verdict.error.type == "NoTests"


def test_file_names_cannot_escape_the_scratch_folder():
    verdict = harness.run({"files": {"../evil.py": "x = 1"}, "tests": ADD_TESTS})
    assert verdict.status == "error" and verdict.error.type == "BadJob"


def test_run_mode_executes_the_entry_with_stdin():
    verdict = harness.run(
        {
            "mode": "run",
            "files": {"main.py": "name = input()\nprint(f'hi {name}')\n"},
            "stdin": "Ada\n",
        }
    )
    assert verdict.status == "passed"
    assert verdict.stdout == "hi Ada\n"


def test_run_mode_reports_a_crash_with_its_line():
    verdict = harness.run({"mode": "run", "files": {"main.py": "print('a')\n1 / 0\n"}})
    assert verdict.status == "error"
    assert (verdict.error.type, verdict.error.line) == ("ZeroDivisionError", 2)
    assert verdict.stdout == "a\n"


def test_verdict_round_trips_through_json():
    verdict = check("def add(a, b):\n    return a - b\n")
    again = type(verdict).from_dict(verdict.to_dict())
    assert again.to_dict() == verdict.to_dict()


@pytest.mark.parametrize(
    "source", ["while True:\n    pass\n", "import time\nwhile True:\n    time.sleep(0.01)\n"]
)
def test_the_subprocess_runner_stops_endless_code(source):
    verdict = local.grade({"mode": "check", "files": {"adder.py": source}, "tests": ADD_TESTS}, 500)
    assert verdict.status == "timeout"
    assert verdict.error.type == "Timeout"


def test_the_subprocess_runner_does_not_charge_waiting_for_a_busy_cpu():
    # Pin this process and its grading child to one CPU shared with nine endless spinners: the
    # child gets about a tenth of the CPU, so its wall time is many times its own. The limit
    # counts only the child's own time (wall time less its run-queue wait), so it still passes.
    if not (hasattr(os, "sched_setaffinity") and os.path.exists(f"/proc/{os.getpid()}/schedstat")):
        pytest.skip("needs Linux's CPU affinity and schedstat")
    allowed = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(allowed)})
    spinners = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(9)
    ]
    try:
        source = "def add(a, b):\n    return sum(range(200_000)) * 0 + a + b\n"
        job = {"mode": "check", "files": {"adder.py": source}, "tests": ADD_TESTS}
        started = time.monotonic()
        verdict = local.grade(job, 2000)
        waited = time.monotonic() - started
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()
        os.sched_setaffinity(0, allowed)
    assert verdict.status == "passed", (verdict.to_dict(), f"wall {waited:.1f} s")


def test_the_subprocess_runner_works_from_any_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    job = {"mode": "run", "files": {"a.py": "print(1)"}, "entry": "a.py"}
    assert local.grade(job, 60_000).stdout == "1\n"


def test_the_subprocess_runner_gives_the_same_verdict():
    job = {
        "mode": "check",
        "files": {"adder.py": "def add(a, b):\n    return a - b\n"},
        "tests": ADD_TESTS,
    }
    # A generous limit: this compares verdicts, and beside stress-ng the child's pytest run
    # alone took over 3 s (the limit covers collection and the run, not only the learner's code).
    assert (
        local.grade(job, 60_000).to_dict()["tests"][0]["message"]
        == harness.run(job).to_dict()["tests"][0]["message"]
    )


def test_an_interrupted_test_is_not_reported_as_passed():
    tests = {
        "test_adder.py": (
            "from adder import add\n\n"
            "def test_first():\n    assert add(1, 1) == 2\n\n"
            # KeyboardInterrupt is what the time limit's interrupt raises inside Python.
            "def test_stuck():\n    raise KeyboardInterrupt\n\n"
            "def test_never_reached():\n    assert True\n"
        )
    }
    verdict = check("def add(a, b):\n    return a + b\n", tests=tests)
    assert verdict.status == "timeout"
    outcomes = {t.name: t.outcome for t in verdict.tests}
    assert outcomes["test_first"] == "passed"
    assert outcomes["test_stuck"] == "error"
    assert outcomes.get("test_never_reached") != "passed"


@pytest.mark.parametrize(
    "job",
    [
        {"mode": "check", "files": ["x"]},
        {"mode": "check", "files": {"a.py": 1}},
        {"mode": "check", "files": {"a.py": "x"}, "tests": "nope"},
        {"mode": "deploy", "files": {}},
        {"mode": "check", "files": {}, "max_output": "lots"},
        ["not", "an", "object"],
    ],
)
def test_a_malformed_job_is_a_bad_job_verdict_not_a_crash(job):
    verdict = harness.run(job)
    assert verdict.status == "error"
    assert verdict.error.type == "BadJob"


@pytest.fixture
def grading_alias():
    """Exercise tests import the grader as `grading`, as inside Pyodide."""
    from app.grading import alias_as_top_level

    alias_as_top_level()


# A structural test (source only) and a behaviour test for a tiny "no ladder" exercise.
LADDER_TESTS = {
    "test_structure_adder.py": (
        "from grading import pyast\n\n"
        "def test_no_ladder():\n"
        '    tree = pyast.parse_submission("adder.py")\n'
        "    for chain in pyast.if_chains(tree, min_branches=2):\n"
        '        raise AssertionError(f"adder.py line {chain.line}: a ladder")\n'
    ),
    "test_adder.py": "from adder import add\n\ndef test_add():\n    assert add(2, 3) == 5\n",
}
LADDER = (
    "def add(a, b):\n"
    "    if a == 0:\n        return b\n"
    "    elif b == 0:\n        return a\n"
    "    return a + b\n"
)


def test_structural_tests_run_before_the_learners_code_and_are_listed_last(grading_alias):
    verdict = check(LADDER, tests=LADDER_TESTS)
    assert verdict.status == "failed"
    assert [(t.name, t.outcome) for t in verdict.tests] == [
        ("test_add", "passed"), ("test_no_ladder", "failed")
    ]
    assert verdict.tests[1].message == "adder.py line 2: a ladder"


def test_an_answer_that_patches_the_grader_on_import_still_fails(grading_alias):
    patching = (
        "import sys\n"
        "for name in ('grading.pyast', 'app.grading.pyast'):\n"
        "    if name in sys.modules:\n"
        "        sys.modules[name].if_chains = lambda *args, **kwargs: []\n"
        "import grading.pyast\n"
        "grading.pyast.if_chains = lambda *args, **kwargs: []\n"
    ) + LADDER
    verdict = check(patching, tests=LADDER_TESTS)
    assert verdict.status == "failed"
    failing = verdict.first_failure
    assert failing.name == "test_no_ladder"
    assert failing.message == "adder.py line 8: a ladder"  # the ladder, after the patch


def test_a_structural_test_that_imports_the_learners_module_is_refused():
    tests = {"test_structure_adder.py": "import adder\n\ndef test_x():\n    assert adder\n"}
    verdict = check("def add(a, b):\n    return a + b\n", tests=tests)
    assert verdict.status == "error"
    assert "structural test" in verdict.error.message


def test_learner_code_does_not_run_during_the_structural_step(grading_alias):
    tests = {
        **LADDER_TESTS,
        "test_structure_order.py": (
            "import sys\n\n"
            "def test_nothing_imported_yet():\n"
            '    assert "adder" not in sys.modules, "the learner module ran too early"\n'
        ),
    }
    verdict = check("def add(a, b):\n    return a + b\n", tests=tests)
    assert verdict.status == "passed", [(t.name, t.message) for t in verdict.tests]
    assert verdict.total == 3


def test_a_property_based_failure_reads_as_the_authors_words(grading_alias):
    tests = {
        "test_adder.py": (
            "from adder import add\n"
            "from hypothesis import given, settings, strategies as st\n\n"
            "@settings(database=None, max_examples=20)\n"
            "@given(st.integers(min_value=1, max_value=100))\n"
            "def test_any(n):\n"
            '    assert add(n, 1) == n + 1, f"add({n}, 1) gave {add(n, 1)}"\n'
        )
    }
    verdict = check("def add(a, b):\n    return a + b if a < 1 else 0\n", tests=tests)
    assert verdict.status == "failed"
    message = verdict.first_failure.message
    assert message.startswith("add(") and "gave 0" in message
    assert "Falsifying" not in message and "test_any(" not in message


def test_a_patch_made_in_one_run_does_not_reach_the_next(grading_alias):
    patching = "import grading.pyast\ngrading.pyast.if_chains = lambda *a, **k: []\n" + LADDER
    tests = {"test_adder.py": (
        "import adder\nfrom grading import pyast\n\n"
        "def test_no_ladder():\n"
        '    assert not pyast.if_chains(pyast.parse_submission("adder.py"), 2), "a ladder"\n'
    )}
    first = check(patching, tests=tests)
    assert first.status == "passed"  # in its own run the patch wins: this test imports adder
    second = check(LADDER, tests=tests)
    assert second.status == "failed", "the previous answer's patch leaked into this run"


# A request-based Kubernetes check, as the exercise tests write it: a Service whose selector
# matches no pod, so Traefik finds no endpoints.
SHOP_FILES = {
    "shop.yaml": """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: shop}
spec:
  selector: {matchLabels: {app: shop}}
  template:
    metadata: {labels: {app: shop}}
    spec:
      containers: [{name: web, image: shop:1, ports: [{containerPort: 8080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: shop}
spec:
  selector: {app: shopp}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop}
spec:
  rules:
    - host: shop.example.com
      http:
        paths:
          - {path: /, pathType: Prefix, backend: {service: {name: shop, port: {number: 80}}}}
""",
}
SHOP_TESTS = {
    "test_shop.py": (
        "from grading.cluster import testing as k8s\n\n"
        "def test_reaches():\n"
        '    c = k8s.load(["shop.yaml"])\n'
        '    k8s.reaches(c, "http://shop.example.com/", "shop", port=8080)\n'
    )
}


def test_a_failing_request_carries_its_hops_with_the_failing_one_marked(grading_alias):
    verdict = harness.run({"mode": "check", "files": SHOP_FILES, "tests": SHOP_TESTS})
    failing = verdict.first_failure
    assert failing is not None and failing.trace is not None, failing
    trace = failing.trace
    assert trace["subject"] == "http://shop.example.com/"
    labels = [h["label"] for h in trace["hops"]]
    failed = [h for h in trace["hops"] if h["failed"]]
    assert len(failed) == 1 and trace["hops"][-1] is failed[0], labels
    assert "503" in failed[0]["label"] and "endpoints" in failed[0]["detail"], failed
    assert any("Ingress" in label for label in labels[:-1]), labels
    # The message still tells the whole story (the Node runner and the re-check read only it).
    assert failing.message.startswith("http://shop.example.com/ should reach the shop pods")
    assert "503" in failing.message
    # It survives the trip through JSON the browser makes.
    again = harness.Verdict.from_dict(verdict.to_dict())
    assert again.first_failure.trace == trace


def test_a_passing_test_and_a_plain_assertion_carry_no_trace(grading_alias):
    verdict = check("def add(a, b):\n    return a - b\n")
    assert all(t.trace is None for t in verdict.tests)
    fixed = dict(SHOP_FILES)
    fixed["shop.yaml"] = fixed["shop.yaml"].replace("app: shopp", "app: shop")
    verdict = harness.run({"mode": "check", "files": fixed, "tests": SHOP_TESTS})
    assert verdict.status == "passed", verdict.first_failure
    assert verdict.tests[0].trace is None


def test_a_trace_is_bounded_and_only_its_known_shape_reaches_the_page(grading_alias):
    tests = {
        "test_t.py": (
            "from grading import traces\n\n"
            "def test_long():\n"
            "    hops = [(f'hop {i}', 'x' * 5000, '') for i in range(500)]\n"
            "    traces.fail('too long', traces.panel('y' * 5000, hops, failed_index=300))\n\n"
            "def test_forged():\n"
            "    error = AssertionError('forged')\n"
            "    error.trace = {'hops': 'not a list', 'script': '<b>'}\n"
            "    raise error\n"
        )
    }
    verdict = harness.run({"mode": "check", "files": {"a.txt": ""}, "tests": tests})
    long, forged = verdict.tests
    assert forged.trace is None
    hops = long.trace["hops"]
    assert len(hops) <= traces.MAX_HOPS
    assert [h["label"] for h in hops if h["failed"]] == ["hop 300"]
    assert "more hops" in hops[-2]["label"]
    assert all(len(h["detail"]) <= traces.MAX_TEXT for h in hops)
    assert len(long.trace["subject"]) <= traces.MAX_TEXT
    assert set(long.trace) == {"kind", "subject", "hops"}
