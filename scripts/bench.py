"""Benchmark: the in-browser grader (Pyodide in Chromium) against native CPython, same process run.

Prints, with the machine's load average before and after (the numbers mean little on a busy
machine: compare ratios, and run it several times):
  - time to "Python is ready" in Chromium on a first visit (new browser context: empty caches)
    and on a repeat visit (same context, another exercise page), median of --visits, against a
    native CPython that imports the grader and runs the same warm-up check in a new process;
  - warm Check latency in Chromium (median of --runs reference-solution checks per exercise),
    the same checks under native CPython in this process, and the ratio.

Usage: .venv/bin/python scripts/bench.py [--visits 5] [--runs 20] [--exercises 6] [--no-snapshot]
(--no-snapshot answers 404 for snapshot.bin: the worker boots cold, from the grader zip alone.)
Needs the built runtime (./scripts/run or scripts/build_assets.py) and /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.exercises import load_catalog  # noqa: E402
from app.grading import alias_as_top_level  # noqa: E402
from app.grading import harness  # noqa: E402
from tests.e2e.conftest import CHROMIUM  # noqa: E402
from tests.e2e.conftest import CHROMIUM_ARGS  # noqa: E402
from tests.e2e.conftest import LiveServer  # noqa: E402

READY = "#runner-steps li[data-step=ready][data-state=done]"
PASSWORD = "correct horse battery"


def sign_up(page, base: str) -> None:
    """Create a throwaway learner."""
    page.goto(f"{base}/auth/signup")
    page.fill("#display_name", "Bench")
    page.fill("#email", f"bench-{uuid.uuid4().hex[:8]}@example.org")
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def time_to_ready(page, url: str) -> float:
    """Seconds from navigation to 'Python is ready' on the exercise page."""
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(READY, timeout=120_000)
    return time.perf_counter() - started


def ready_info(page) -> dict:
    """What the page's runner says about its start (worker time, restored from the snapshot)."""
    return page.evaluate(
        "() => ({ms: window.frictionLab.runner.readyMs,"
        " marks: window.frictionLab.runner.startMarks,"
        " snapshot: window.frictionLab.runner.fromSnapshot,"
        " page: Math.round(window.frictionLab.runner.readyAt),"
        " created: Math.round(window.frictionLab.runner.startedAt)})"
    )


# The same warm-up check the browser worker runs before it says "ready" (pyodide-boot.mjs).
WARM_UP = {
    "mode": "check",
    "files": {"warm_up.py": "def answer():\n    return 42\n"},
    "tests": {
        "test_warm_up.py": (
            "from warm_up import answer\n\n\ndef test_answer():\n    assert answer() == 42\n"
        )
    },
}

NATIVE_START = """
import json, time
started = time.perf_counter()
from app.grading import alias_as_top_level
alias_as_top_level()
from app.grading import harness
import pytest
verdict = harness.run(json.loads(WARM_UP))
assert verdict.status == "passed", verdict
print(time.perf_counter() - started)
"""


def native_start(warm_up: dict) -> float:
    """Seconds for a new CPython process to import the grader and pass the warm-up check."""
    started = time.perf_counter()
    code = NATIVE_START.replace("WARM_UP", repr(json.dumps(warm_up)))
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def load() -> str:
    """The 1, 5 and 15 minute load averages."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def summary(name: str, times: list[float], native: float) -> str:
    """One line: median, every run, and the ratio to native CPython."""
    median = statistics.median(times)
    runs = ", ".join(f"{t:.2f}" for t in times)
    return f"{name:34} median {median:5.2f} s  ({runs})  {median / native:5.1f}x native"


def browser_checks(page, job: dict, limit_ms: int, runs: int) -> list[float]:
    """Milliseconds per warm check, measured inside the page around the worker round trip."""
    return page.evaluate(
        """async ([job, limit, runs]) => {
            const times = [];
            for (let i = 0; i < runs; i++) {
                const t = performance.now();
                const v = await window.frictionLab.runner.run(job, limit);
                if (v.status !== "passed") throw new Error(`reference failed: ${v.status}`);
                times.push(performance.now() - t);
            }
            return times;
        }""",
        [job, limit_ms, runs],
    )


def native_checks(job: dict, runs: int) -> list[float]:
    """Milliseconds per check with the same harness on this CPython, in this process."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        verdict = harness.run(job)
        times.append((time.perf_counter() - started) * 1000)
        if verdict.status != "passed":
            raise SystemExit(f"reference failed natively: {verdict.to_dict()}")
    return times


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=5)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--exercises", type=int, default=6, help="how many exercises to time")
    parser.add_argument("--no-snapshot", action="store_true", help="boot without the snapshot")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    alias_as_top_level()
    catalog = load_catalog(ROOT / "exercises")
    exercises = list(catalog.exercises.values())
    print(f"load average before: {load()}  ({os.cpu_count()} cores)")
    warm_up = WARM_UP
    natives = [native_start(warm_up) for _ in range(args.visits)]
    native = statistics.median(natives)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        server = LiveServer(Path(tmp))
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            first_url = f"{server.url}/exercises/{exercises[0].id}"
            repeat_url = f"{server.url}/exercises/{exercises[1].id}"
            cold, repeat, infos = [], [], []
            for _ in range(args.visits):
                context = browser.new_context()  # a new context: empty HTTP cache and storage
                if args.no_snapshot:
                    context.route("**/snapshot.bin", lambda route: route.fulfill(status=404))
                page = context.new_page()
                sign_up(page, server.url)
                cold.append(time_to_ready(page, first_url))
                infos.append(ready_info(page))
                repeat.append(time_to_ready(page, repeat_url))  # same context: caches warm
                infos.append(ready_info(page))
                context.close()
            print(
                f"native CPython: import the grader + warm-up check in a new process: "
                f"median {native:.2f} s ({', '.join(f'{t:.2f}' for t in natives)})"
            )
            print(summary("Python ready, first visit", cold, native))
            print(summary("Python ready, repeat visit", repeat, native))
            for label, part in (("first", infos[0::2]), ("repeat", infos[1::2])):
                print(f"  {label} visits, inside the page (ms): " + "; ".join(
                    f"worker created at {i['created']}, ready at {i['page']} after page start, "
                    f"worker {i['ms']} {i['marks']}"
                    for i in part
                ))
            for label, part in (("first", infos[0::2]), ("repeat", infos[1::2])):
                created = statistics.median(i["created"] for i in part)
                print(f"  {label} visits: worker created at {created:.0f} ms (median)")
            snapshots = sum(bool(i["snapshot"]) for i in infos)
            print(
                f"worker start (inside the page): median "
                f"{statistics.median(i['ms'] for i in infos) / 1000:.2f} s; "
                f"restored from the snapshot: {snapshots} of {len(infos)}"
            )
            print(f"load average after the start-up runs: {load()}")
            print()
            print(
                f"{'exercise':32} {'Chromium ms':>12} {'CPython ms':>11} {'ratio':>7}"
                f"   (median of {args.runs} checks)"
            )
            context = browser.new_context()
            page = context.new_page()
            sign_up(page, server.url)
            ratios = []
            for exercise in exercises[: args.exercises]:
                job = exercise.job(dict(exercise.solution))
                time_to_ready(page, f"{server.url}/exercises/{exercise.id}")
                in_browser = statistics.median(
                    browser_checks(page, job, exercise.time_limit_ms, args.runs)
                )
                native_check = statistics.median(native_checks(job, args.runs))
                ratios.append(in_browser / native_check)
                print(
                    f"{exercise.id:32} {in_browser:12.1f} {native_check:11.1f} "
                    f"{in_browser / native_check:7.2f}"
                )
            print(
                f"{'geometric mean ratio':32} {'':25}{statistics.geometric_mean(ratios):7.2f}"
            )
            print(f"load average after: {load()}")
            context.close()
        finally:
            browser.close()
            server.stop()


if __name__ == "__main__":
    main()
