"""Every bundled exercise proves itself on CPython: the reference passes, the rest fail rightly.

For each exercise: the solution and each right/ answer pass; the starter runs and fails; each
wrong answer fails,
and the text its [wrong.<name>] entry expects appears in a failing test's message or in the
error, which shows it fails for the reason it was written for, not by accident.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.exercises import load_catalog
from app.grading.local import grade
from app.grading.verdict import Verdict
from app.proof import proof_time_limit
from tests.content.forked_cpython import ForkedGrader
from tests.content.giveaways import giveaways

EXERCISES = Path(__file__).resolve().parents[2] / "exercises"
CATALOG = load_catalog(EXERCISES)
# Verdicts already graded in this session, by (exercise id, answer): the give-away audit below
# reads the wrong answers' verdicts from here rather than grading each answer twice.
GRADED: dict[tuple[str, str], Verdict] = {}


def answers() -> list:
    """One pytest param per (exercise, answer): solution, starter, each right and wrong answer."""
    params = []
    for exercise in CATALOG.exercises.values():
        params.append(pytest.param(exercise.id, "solution", id=f"{exercise.id}:solution"))
        params.append(pytest.param(exercise.id, "starter", id=f"{exercise.id}:starter"))
        for right in exercise.right:
            answer = f"right/{right.name}"
            params.append(pytest.param(exercise.id, answer, id=f"{exercise.id}:{answer}"))
        for wrong in exercise.wrong:
            answer = f"wrong/{wrong.name}"
            params.append(pytest.param(exercise.id, answer, id=f"{exercise.id}:{answer}"))
    return params


def files_for(exercise_id: str, answer: str) -> dict[str, str]:
    """The learner files of an answer; a wrong answer's files replace the solution's."""
    exercise = CATALOG.exercises[exercise_id]
    if answer == "solution":
        return dict(exercise.solution)
    if answer == "starter":
        return dict(exercise.starter)
    if answer.startswith("right/"):
        right = next(r for r in exercise.right if f"right/{r.name}" == answer)
        return {**exercise.solution, **right.files}
    wrong = next(w for w in exercise.wrong if f"wrong/{w.name}" == answer)
    return {**exercise.solution, **wrong.files}


def report(verdict: Verdict) -> str:
    """What went wrong, readable in a pytest failure."""
    lines = [f"status={verdict.status} passed={verdict.passed}/{verdict.total}"]
    if verdict.error:
        lines.append(f"error: {verdict.error.type}: {verdict.error.message}")
    lines += [f"  {t.outcome}: {t.name}: {t.message}" for t in verdict.tests]
    return "\n".join(lines)


def messages(verdict: Verdict) -> list[str]:
    """Failure messages of the failing tests, and the error message if the run errored."""
    found = [t.message for t in verdict.tests if t.outcome in ("failed", "error")]
    if verdict.error:
        found.append(verdict.error.message)
    return found


def test_catalog_loads_without_errors():
    assert CATALOG.errors == []
    assert CATALOG.exercises, "no exercises found below exercises/"


def test_tracks_have_titles_summaries_and_their_order():
    orders = {slug: track.order for slug, track in CATALOG.tracks.items()}
    assert {k: orders.get(k) for k in ("design-patterns", "coolify", "kubernetes")} == {
        "design-patterns": 1, "coolify": 2, "kubernetes": 3
    }
    for track in CATALOG.tracks.values():
        assert track.title and track.summary and track.exercise_ids, track.slug


def test_every_exercise_has_a_hint_ladder_and_wrong_answers():
    for exercise in CATALOG.exercises.values():
        assert 3 <= len(exercise.hints) <= 4, exercise.id
        assert len(exercise.wrong) >= 2, exercise.id
        assert all(w.misconception for w in exercise.wrong), exercise.id


@pytest.fixture(scope="session")
def cpython():
    """A warm CPython that grades each answer in a fresh forked process."""
    return ForkedGrader()


@pytest.mark.parametrize(("exercise_id", "answer"), answers())
def test_answer_gets_the_verdict_it_was_written_for(cpython, exercise_id, answer):
    exercise = CATALOG.exercises[exercise_id]
    verdict = cpython.grade(
        exercise.job(files_for(exercise_id, answer)), proof_time_limit(exercise)
    )
    GRADED[exercise_id, answer] = verdict
    if answer == "solution" or answer.startswith("right/"):
        assert verdict.status == "passed", report(verdict)
        # The results panel lists tests by title: two alike would read as one test shown twice
        # (a parametrized test names its case with {param} fields in its docstring).
        titles = [t.description or t.name for t in verdict.tests]
        assert len(set(titles)) == len(titles), f"titles shown twice: {sorted(titles)}"
        return
    if answer == "starter":
        # The starter must run: it fails tests, it does not crash before testing.
        assert verdict.status == "failed", report(verdict)
        return
    assert verdict.status in ("failed", "error"), report(verdict)
    wrong = next(w for w in exercise.wrong if f"wrong/{w.name}" == answer)
    assert any(wrong.expect in m for m in messages(verdict)), (
        f"expected {wrong.expect!r} in a failure message\n{report(verdict)}"
    )


def failing_answers() -> list:
    """One pytest param per starter and wrong answer."""
    params = []
    for exercise in CATALOG.exercises.values():
        for answer in ["starter", *(f"wrong/{wrong.name}" for wrong in exercise.wrong)]:
            params.append(pytest.param(exercise.id, answer, id=f"{exercise.id}:{answer}"))
    return params


@pytest.mark.parametrize(("exercise_id", "answer"), failing_answers())
def test_failure_messages_give_nothing_away(cpython, exercise_id, answer):
    """What the results panel shows a failing answer says what goes wrong, never the fix."""
    exercise = CATALOG.exercises[exercise_id]
    verdict = GRADED.get((exercise_id, answer)) or cpython.grade(
        exercise.job(files_for(exercise_id, answer)), proof_time_limit(exercise)
    )
    files = files_for(exercise_id, answer)
    # What the learner already has in front of them: quoting it gives nothing away.
    known = "\n".join([*files.values(), *exercise.starter.values(),
                       *exercise.readonly.values(), exercise.prompt_md])
    solution = {name: text for name, text in exercise.solution.items()
                if name not in exercise.readonly}
    found = giveaways("\n".join(messages(verdict)), solution, known)
    assert found == [], "\n".join(found) + "\n" + report(verdict)


def outcomes(verdict: Verdict) -> tuple:
    """What a verdict says, without timings or messages (hypothesis may pick other examples)."""
    error = verdict.error.type if verdict.error else None
    return verdict.status, [(t.name, t.outcome) for t in verdict.tests], error


def python_exercise():
    """The first exercise whose answer is Python modules."""
    return next(e for e in CATALOG.exercises.values() if all(n.endswith(".py") for n in e.solution))


def test_the_forked_grader_gives_the_subprocess_runners_verdicts(cpython):
    exercise = python_exercise()
    for answer in ["solution", "starter", f"wrong/{exercise.wrong[0].name}"]:
        job = exercise.job(files_for(exercise.id, answer))
        forked = cpython.grade(job, proof_time_limit(exercise))
        assert outcomes(forked) == outcomes(grade(job, proof_time_limit(exercise))), answer


def test_the_forked_grader_stops_an_endless_answer_and_reports_a_crash(cpython):
    exercise = python_exercise()
    name = next(iter(exercise.solution))
    endless_files = {**exercise.solution, name: "while True:\n    pass\n"}
    endless = cpython.grade(exercise.job(endless_files), 2000)
    assert endless.status == "timeout", report(endless)
    crash_files = {**exercise.solution, name: "import os\nos._exit(3)\n"}
    crash = cpython.grade(exercise.job(crash_files), 60_000)
    assert crash.status == "error" and crash.error.type == "GraderCrash", report(crash)


# A 060 answer with many faults the Dockerfile checker reports (base, user, bind, port, apt).
FAULTY_060 = """\
FROM python:3.12 AS build
RUN apt-get update && apt-get install build-essential libpq-dev
COPY requirements.txt .
RUN pip wheel --wheel-dir /wheels -r requirements.txt
FROM python:3.12
RUN apt-get update && apt-get install -y libpq5
WORKDIR /app
COPY --from=build /wheels /wheels
COPY . .
RUN pip install --no-index --find-links /wheels -r requirements.txt
HEALTHCHECK CMD curl -f http://127.0.0.1:8000/healthz
CMD gunicorn --bind 127.0.0.1:8000 app:app
"""


def test_a_failing_060_answer_is_told_what_goes_wrong_never_the_corrected_line(cpython):
    from app.grading import dockerfile

    exercise = CATALOG.exercises["dockerfile-multistage-healthcheck"]
    verdict = cpython.grade(exercise.job({**exercise.solution, "Dockerfile": FAULTY_060}),
                            proof_time_limit(exercise))
    assert verdict.status == "failed", report(verdict)
    shown = "\n".join(messages(verdict))
    # The checker's findings are shown (what goes wrong, where) ...
    assert "127.0.0.1" in shown and "502 Bad Gateway" in shown
    assert "runs as root" in shown and "is the full image" in shown
    # ... but none of their fixes, and no line of the reference that this answer lacks.
    fixes = [f.fix for f in dockerfile.check(FAULTY_060) if f.fix]
    assert len(fixes) >= 5
    assert [fix for fix in fixes if fix in shown] == []
    missing = [line.strip() for line in exercise.solution["Dockerfile"].splitlines()
               if len(line.strip()) > 12 and not line.lstrip().startswith("#")
               and line.strip() not in FAULTY_060]
    assert [line for line in missing if line in shown] == []
    for words in ("Bind 0.0.0.0", "USER app", "useradd", "--no-cache-dir", "-slim", "exec "):
        assert words not in shown, words
