"""Benchmark: the in-browser grader (Pyodide in Chromium) against native CPython, same process run.

Prints, for the bundled exercises:
  - Pyodide cold start in Chromium (empty cache) and a repeat visit (HTTP cache warm),
  - warm Check latency in Chromium (median of 20 reference-solution checks per exercise),
  - the same checks under native CPython in this process (median of 20), and the ratio.

Usage: .venv/bin/python scripts/bench.py [--runs 20] [--cold 3]
Needs the built runtime (./scripts/run or scripts/build_assets.py) and /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import statistics
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
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--cold", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    alias_as_top_level()
    catalog = load_catalog(ROOT / "exercises")
    exercises = list(catalog.exercises.values())
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        server = LiveServer(Path(tmp))
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            first = f"{server.url}/exercises/{exercises[0].id}"
            cold, repeat = [], []
            for _ in range(args.cold):
                context = browser.new_context()  # a new context has an empty HTTP cache
                page = context.new_page()
                sign_up(page, server.url)
                cold.append(time_to_ready(page, first))
                repeat.append(time_to_ready(page, first))  # same context: cache is warm
                context.close()
            print(
                f"Pyodide start in Chromium, cold cache: median {statistics.median(cold):.2f} s "
                f"(runs: {', '.join(f'{c:.2f}' for c in cold)})"
            )
            print(
                f"Pyodide start in Chromium, repeat visit: median {statistics.median(repeat):.2f} s"
            )
            print()
            print(
                f"{'exercise':32} {'Chromium ms':>12} {'CPython ms':>11} {'ratio':>7}"
                f"   (median of {args.runs} checks)"
            )
            context = browser.new_context()
            page = context.new_page()
            sign_up(page, server.url)
            ratios = []
            for exercise in exercises:
                job = exercise.job(dict(exercise.solution))
                time_to_ready(page, f"{server.url}/exercises/{exercise.id}")
                in_browser = statistics.median(
                    browser_checks(page, job, exercise.time_limit_ms, args.runs)
                )
                native = statistics.median(native_checks(job, args.runs))
                ratios.append(in_browser / native)
                print(
                    f"{exercise.id:32} {in_browser:12.1f} {native:11.1f} {in_browser / native:7.2f}"
                )
            print(
                f"{'geometric mean ratio':32} {'':25}{statistics.geometric_mean(ratios):7.2f}"
            )
            context.close()
        finally:
            browser.close()
            server.stop()


if __name__ == "__main__":
    main()
