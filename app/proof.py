"""Prove exercises: the reference and every right answer pass, the starter and every wrong
answer fail for the right reason, under CPython and under real Pyodide. Used by
`flask exercises check` and the tests."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from .exercises import Catalog
from .exercises import Exercise
from .grading import Verdict
from .grading import local
from .rendering import render_markdown

Grade = Callable[[dict, int], Verdict]

# A proof asks "does this answer pass or fail, for the right reason?", not "is it fast": the
# learner's limit is enforced in the browser. A busy build machine gets this much more time.
PROOF_TIME_FACTOR = 3


def proof_time_limit(exercise: Exercise) -> int:
    """The time limit used when proving an exercise (the learner's limit, with room to spare)."""
    return exercise.time_limit_ms * PROOF_TIME_FACTOR


@dataclass(frozen=True)
class Case:
    """One answer to run: the reference, the starter, or a named right or wrong answer."""

    exercise: Exercise
    label: str
    files: dict[str, str]
    must_pass: bool
    expect: str = ""


@dataclass
class ProofReport:
    """Problems found, by exercise; empty means every exercise is proven."""

    problems: list[str] = field(default_factory=list)
    cases_run: int = 0
    exercises: int = 0
    runtimes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.problems

    def summary(self) -> str:
        """A readable closing report."""
        where = " and ".join(self.runtimes) or "no runtime"
        if self.ok:
            return f"OK: {self.exercises} exercises proven ({self.cases_run} runs under {where})."
        lines = [f"FAILED: {len(self.problems)} problem(s) in {self.exercises} exercises:"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


def cases_for(exercise: Exercise) -> list[Case]:
    """The answers that prove an exercise."""
    cases = [
        Case(exercise, "solution", dict(exercise.solution), must_pass=True),
        Case(exercise, "starter", dict(exercise.starter), must_pass=False),
    ]
    for right in exercise.right:
        files = {**exercise.solution, **right.files}
        cases.append(Case(exercise, f"right/{right.name}", files, must_pass=True))
    for wrong in exercise.wrong:
        files = {**exercise.solution, **wrong.files}
        cases.append(
            Case(exercise, f"wrong/{wrong.name}", files, must_pass=False, expect=wrong.expect)
        )
    return cases


def verdict_text(verdict: Verdict) -> str:
    """Everything a learner would read in a verdict, to look for the expected message."""
    parts = [f"{t.name} {t.description} {t.message}" for t in verdict.tests]
    if verdict.error:
        parts.append(f"{verdict.error.type} {verdict.error.message}")
    return "\n".join(parts)


def judge(case: Case, verdict: Verdict, runtime: str) -> str | None:
    """Return a problem description if the verdict does not prove what the case claims."""
    where = f"{case.exercise.id} [{runtime}] {case.label}"
    if case.must_pass:
        if verdict.status != "passed":
            failing = verdict.first_failure
            detail = (
                f"{failing.name}: {failing.message}"
                if failing
                else f"{verdict.error.type}: {verdict.error.message}"
                if verdict.error
                else verdict.status
            )
            return f"{where} should pass but is {verdict.status} ({detail})"
        return None
    if verdict.status == "passed":
        return f"{where} should fail but passes every test"
    if verdict.status == "timeout" and case.label != "starter":
        return f"{where} timed out instead of failing with a message"
    if case.expect and case.expect.lower() not in verdict_text(verdict).lower():
        return (
            f"{where} fails, but no message contains the expected text {case.expect!r}; "
            f"learners would read: {verdict_text(verdict)[:300]!r}"
        )
    return None


def static_problems(exercise: Exercise, catalog: Catalog) -> list[str]:
    """Checks that need no runtime: the prompt renders and links resolve."""
    problems = []
    if not render_markdown(exercise.prompt_md).strip():
        problems.append(f"{exercise.id}: prompt.md renders to nothing")
    if exercise.follow_up and exercise.follow_up not in catalog.exercises:
        problems.append(f"{exercise.id}: follow_up {exercise.follow_up!r} is not a known exercise")
    if len(exercise.wrong) < 2:
        problems.append(
            f"{exercise.id}: needs at least two wrong/ answers that encode misconceptions "
            f"(has {len(exercise.wrong)})"
        )
    return problems


def run_cases(cases: list[Case], grade: Grade, parallel: int) -> list[Verdict]:
    """Grade every case, in parallel where the runtime allows it."""

    def one(case: Case) -> Verdict:
        return grade(case.exercise.job(case.files), proof_time_limit(case.exercise))

    if parallel <= 1:
        return [one(c) for c in cases]
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        return list(pool.map(one, cases))


def prove_catalog(
    catalog: Catalog,
    runtimes: Iterable[str] = ("cpython", "pyodide"),
    runtime_dir: Path | None = None,
    echo: Callable[[str], None] = lambda _line: None,
) -> ProofReport:
    """Prove every exercise in the catalog under each runtime and report what is wrong."""
    runtimes = tuple(runtimes)
    report = ProofReport(exercises=len(catalog.exercises), runtimes=runtimes)
    report.problems += [f"not loaded: {error}" for error in catalog.errors]
    cases = [c for ex in catalog.exercises.values() for c in cases_for(ex)]
    for exercise in catalog.exercises.values():
        report.problems += static_problems(exercise, catalog)
    for runtime in runtimes:
        echo(f"Proving {len(catalog.exercises)} exercises ({len(cases)} runs) under {runtime} ...")
        if runtime == "cpython":
            verdicts = run_cases(cases, local.grade, parallel=2)
        else:
            from .grading.node import PyodideNodeRunner

            if runtime_dir is None:
                raise ValueError("runtime_dir is needed to prove under Pyodide")
            with PyodideNodeRunner(runtime_dir) as runner:
                verdicts = run_cases(cases, runner.grade, parallel=1)
        for case, verdict in zip(cases, verdicts, strict=True):
            report.cases_run += 1
            problem = judge(case, verdict, runtime)
            mark = "ok  " if problem is None else "FAIL"
            echo(
                f"  {mark} {case.exercise.id} {case.label}: {verdict.status} "
                f"({verdict.passed}/{verdict.total})"
            )
            if problem:
                report.problems.append(problem)
    return report
