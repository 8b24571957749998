"""The runner protocol shared by the browser and the Node runner (static/src/runner-protocol.mjs).

The scenarios run in Node with fake timers (protocol_scenarios.mjs): what happens at the limit,
after the grace period, before the learner's code starts and on a crash, with no waiting and no
timing. The real Node runner's behaviour is proven in test_pyodide_runner.py.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

SCENARIOS = Path(__file__).with_name("protocol_scenarios.mjs")
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    """Run every scenario once."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed for the runner protocol tests")
    done = subprocess.run(
        [node, str(SCENARIOS)], capture_output=True, text=True, timeout=120, check=False, cwd=REPO
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_clock_starts_when_the_learners_code_starts(results: dict[str, Any]) -> None:
    clock = results["clock_starts_with_the_learners_code"]
    # Nearly the whole start allowance went by before the code started: no interrupt for that.
    assert clock["before_start"] == 0
    assert clock["just_before_limit"] == 0
    assert clock["at_limit"] == clock["sigint"]
    assert clock["killed"] == 0


def test_an_acknowledged_interrupt_keeps_the_worker_and_the_harness_answer(
    results: dict[str, Any],
) -> None:
    outcome = results["acknowledged_interrupt"]
    assert outcome["resent"] == 0
    assert outcome["killed"] == 0
    verdict = outcome["verdict"]
    assert (verdict["status"], verdict["stopped_by"]) == ("timeout", "limit")
    assert verdict["error"]["type"] == "Timeout"
    assert "probably an infinite loop" in verdict["error"]["message"]
    # What the harness knew survives: the test that was cut short and the output so far.
    assert verdict["tests"] == [{"name": "t", "outcome": "error"}]
    assert verdict["stdout"] == "partial"


def test_a_dropped_interrupt_is_written_again(results: dict[str, Any]) -> None:
    outcome = results["dropped_interrupt_is_resent"]
    assert outcome["resent"] == 1
    assert outcome["flag"] == 2


def test_a_swallowed_interrupt_replaces_the_worker_with_the_learners_timeout(
    results: dict[str, Any],
) -> None:
    outcome = results["swallowed_interrupt_is_replaced"]
    assert outcome["before_grace"] == 0
    [verdict] = outcome["killed"]
    assert (verdict["status"], verdict["stopped_by"]) == ("timeout", "limit")


def test_code_that_never_starts_is_aborted_not_a_timeout(results: dict[str, Any]) -> None:
    outcome = results["never_started"]
    [verdict] = outcome["killed"]
    assert verdict["status"] == "aborted"
    assert verdict["cause"] == "not-started"
    assert "does not count against you" in verdict["error"]["message"]
    assert outcome["stopped_by"] is None


def test_a_stop_by_the_learner_never_mentions_the_time_limit(results: dict[str, Any]) -> None:
    outcome = results["stopped_by_the_learner"]
    verdict = outcome["verdict"]
    assert (verdict["status"], verdict["stopped_by"]) == ("timeout", "learner")
    assert verdict["error"]["message"].startswith("You pressed Stop after")
    assert "limit" not in verdict["error"]["message"]
    assert "infinite loop" not in verdict["error"]["message"]
    assert outcome["killed"] == 0


def test_a_crash_is_aborted_unless_our_own_stop_caused_it(results: dict[str, Any]) -> None:
    crash = results["crash"]["verdict"]
    assert (crash["status"], crash["cause"]) == ("aborted", "crash")
    assert "memory access out of bounds" in crash["error"]["message"]
    after_limit = results["crash_after_the_limit"]["verdict"]
    assert (after_limit["status"], after_limit["stopped_by"]) == ("timeout", "limit")


def test_a_job_finished_at_the_limit_is_not_interrupted(results: dict[str, Any]) -> None:
    outcome = results["finished_at_the_limit"]
    assert outcome["flag"] == 0
    assert outcome["stopped_by"] is None


# ---- the page's runner (static/src/runner.js) with a scripted worker --------------------------

PAGE_SCENARIOS = Path(__file__).with_name("browser_runner_scenarios.mjs")


@pytest.fixture(scope="module")
def page_results() -> dict[str, Any]:
    """Run the page runner's scenarios once."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed for the runner protocol tests")
    done = subprocess.run(
        [node, str(PAGE_SCENARIOS)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_page_reruns_a_crashed_check_once_by_itself(page_results: dict[str, Any]) -> None:
    outcome = page_results["crash_then_pass"]
    assert outcome["verdict"]["status"] == "passed"
    assert outcome["verdict"]["retried"] is True
    assert outcome["retries"] == ["aborted"]
    assert outcome["stats"]["replaced"] == 1


def test_a_check_aborted_twice_is_reported_as_aborted(page_results: dict[str, Any]) -> None:
    outcome = page_results["crash_twice"]
    assert outcome["verdict"]["status"] == "aborted"
    assert outcome["verdict"]["cause"] == "crash"
    assert outcome["retries"] == ["aborted"]  # once more, not forever
    assert outcome["next"] == "passed"  # and the next check runs on a fresh worker


def test_the_learners_own_failure_is_not_rerun(page_results: dict[str, Any]) -> None:
    outcome = page_results["learner_failure"]
    assert outcome["verdict"]["status"] == "failed"
    assert outcome["retries"] == []
    assert outcome["stats"]["replaced"] == 0


def test_a_stop_without_isolation_replaces_the_worker_as_the_learners_stop(
    page_results: dict[str, Any],
) -> None:
    outcome = page_results["stopped_by_the_learner"]
    verdict = outcome["verdict"]
    assert (verdict["status"], verdict["stopped_by"]) == ("timeout", "learner")
    assert "limit" not in verdict["error"]["message"]
    assert outcome["retries"] == []
    assert outcome["stats"]["replaced"] == 1
    assert outcome["next"] == "passed"
