"""What a learner reads when a Coolify compose answer fails: what is wrong, where, and the
consequence, never the corrected line (PEDAGOGY.md; only the last hint may give it).

The compose checker keeps what to write in each finding's `fix` (the CLI linter prints it); the
exercises show only the message. These run wrong answers through the real harness and look at
the failure text the results panel shows.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.exercises import load_catalog
from app.grading import compose
from app.grading.local import grade
from app.proof import proof_time_limit

EXERCISES = Path(__file__).resolve().parents[2] / "exercises"
CATALOG = load_catalog(EXERCISES)


def failure_text(exercise_id: str, wrong: str) -> tuple[str, str]:
    """The failing tests' messages for a wrong answer, and its compose.yaml."""
    exercise = CATALOG.exercises[exercise_id]
    answer = next(w for w in exercise.wrong if w.name == wrong)
    files = {**exercise.solution, **answer.files}
    verdict = grade(exercise.job(files), proof_time_limit(exercise))
    failed = [t.message for t in verdict.tests if t.outcome in ("failed", "error")]
    assert failed, f"{exercise_id} wrong/{wrong} passed every test"
    return "\n".join(failed), files["compose.yaml"]


@pytest.mark.parametrize(("exercise_id", "wrong", "shown"), [
    # The checker's own findings, shown by 020's "the compose reviewer finds no error".
    ("compose-app-postgres", "healthcheck-without-test", "never starts"),
    ("compose-app-postgres", "no-volume", "empty database"),
    ("compose-app-postgres", "postgres18-old-path", "/var/lib/postgresql/data"),
    # 120 shows plain-secret and secret-default findings.
    ("domains-and-magic-variables", "literal-password", "written into the URL"),
    ("domains-and-magic-variables", "password-fallback-in-git", "is in git"),
])
def test_a_failing_compose_answer_is_not_told_the_corrected_line(exercise_id, wrong, shown):
    text, compose_yaml = failure_text(exercise_id, wrong)
    assert shown in text
    fixes = [f.fix for f in compose.check(compose_yaml) if f.fix]
    assert fixes, "the checker has a fix for this answer (the linter prints it)"
    for fix in fixes:
        assert fix not in text
    # The corrected lines themselves: a healthcheck to copy, a volume line, a ${X} reference.
    for corrected in ("pg_isready -U $$", "- db-data:/var/lib/postgresql", "${DATABASE_URL}",
                      ":?set it", "did you mean", "e.g."):
        assert corrected not in text
