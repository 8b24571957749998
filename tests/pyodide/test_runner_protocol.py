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


# ---- a busy machine (the slowdown is scripted: no real load, no timing) ----------------------


def test_on_a_machine_as_fast_as_at_start_an_endless_loop_is_the_learners_timeout(
    results: dict[str, Any],
) -> None:
    outcome = results["idle_machine"]
    verdict = outcome["verdict"]
    assert (verdict["status"], verdict["stopped_by"]) == ("timeout", "limit")
    assert verdict["error"]["message"].startswith("Stopped after 1 s — probably an infinite loop")
    assert "busy" not in verdict["error"]["message"]
    assert outcome["retries"] == []
    assert outcome["limits"] == [{"limit_ms": 1000, "interrupted_early": False}]
    # Just at the threshold is noise, not a busy machine.
    assert results["at_the_threshold"]["verdict"]["status"] == "timeout"
    assert results["at_the_threshold"]["retries"] == []


def test_a_busy_machine_stop_is_aborted_and_rerun_with_a_stretched_limit(
    results: dict[str, Any],
) -> None:
    outcome = results["busy_then_as_busy"]
    [first] = outcome["retries"]
    assert (first["status"], first["cause"]) == ("aborted", "busy")
    assert "computer was busy, not because of your code" in first["error"]["message"]
    assert "does not count against you" in first["error"]["message"]
    # The re-run has three times the limit, and is not interrupted before it.
    assert outcome["limits"] == [
        {"limit_ms": 1000, "interrupted_early": False},
        {"limit_ms": 3000, "interrupted_early": False},
    ]
    # As slow again as the stretched limit allowed for: now the timeout is the learner's.
    verdict = outcome["verdict"]
    assert (verdict["status"], verdict["stopped_by"]) == ("timeout", "limit")
    assert verdict["error"]["message"].startswith("Stopped after 3 s — probably an infinite loop")
    assert "usual limit of 1 s was stretched because the computer was busy" in (
        verdict["error"]["message"]
    )
    assert (verdict["retried"], verdict["retry_cause"], verdict["stretch"]) == (True, "busy", 3)


def test_a_rerun_slowed_beyond_its_stretched_limit_stays_aborted(
    results: dict[str, Any],
) -> None:
    outcome = results["busy_then_busier"]
    verdict = outcome["verdict"]
    assert (verdict["status"], verdict["cause"], verdict["retried"]) == ("aborted", "busy", True)
    assert outcome["measured"] == [3, 10]  # two runs, no third
    assert len(outcome["retries"]) == 1


def test_the_stretch_is_capped(results: dict[str, Any]) -> None:
    outcome = results["stretch_is_capped"]
    assert outcome["limits"][1]["limit_ms"] == 1000 * outcome["max_stretch"]
    assert outcome["verdict"]["status"] == "timeout"


def test_a_stop_by_the_learner_is_never_blamed_on_the_machine(results: dict[str, Any]) -> None:
    outcome = results["busy_stop_by_learner_and_swallowed"]
    assert (outcome["stopped"]["status"], outcome["stopped"]["stopped_by"]) == (
        "timeout",
        "learner",
    )
    # Only the limit was measured, and a swallowed interrupt on a busy machine is the machine's.
    assert outcome["measured"] == [4]
    [swallowed] = outcome["swallowed"]
    assert (swallowed["status"], swallowed["cause"], swallowed["slowdown"]) == (
        "aborted",
        "busy",
        4,
    )


def test_the_gauge_compares_with_the_fastest_time_seen(results: dict[str, Any]) -> None:
    gauge = results["gauge"]
    assert gauge["before"] == 1  # never calibrated: it claims nothing
    assert gauge["best"] == 20
    assert gauge["busy"] == 2
    assert gauge["faster"] == 1
    assert (gauge["after"], gauge["best_after"]) == (1.5, 10)


def test_a_page_opened_on_a_busy_machine_compares_with_an_earlier_visit(
    results: dict[str, Any],
) -> None:
    gauge = results["remembered_gauge"]
    assert gauge["busy"] == 3  # not 1: start-up was busy too, the earlier visit was not
    assert gauge["faster"] == 1
    assert (gauge["best"], gauge["writes"]) == (12, [12])


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


def test_the_page_reruns_a_check_stopped_by_a_busy_machine_with_more_time(
    page_results: dict[str, Any],
) -> None:
    outcome = page_results["busy_machine"]
    assert outcome["retries"] == ["aborted"]
    verdict = outcome["verdict"]
    assert (verdict["status"], verdict["stopped_by"]) == ("timeout", "limit")
    assert (verdict["retried"], verdict["retry_cause"], verdict["stretch"]) == (True, "busy", 3)
    assert "stretched because the computer was busy" in verdict["error"]["message"]
    assert outcome["stats"]["replaced"] == 2  # no isolation: each stop replaced the worker
    assert outcome["next"] == "passed"


def test_on_the_page_an_endless_loop_on_an_idle_machine_is_the_learners(
    page_results: dict[str, Any],
) -> None:
    outcome = page_results["idle_machine"]
    verdict = outcome["verdict"]
    assert (verdict["status"], verdict["stopped_by"]) == ("timeout", "limit")
    assert "busy" not in verdict["error"]["message"]
    assert outcome["retries"] == []
