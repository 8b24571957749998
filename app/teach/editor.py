"""Authoring an exercise in the browser, proven by the instructor's own Pyodide before publishing.

1. The page sends the draft's files; the server checks their names and sizes as it checks a zip
   upload, loads them with the catalog's loader (a bad exercise.toml or a missing tests/ folder is
   named with its file) and answers the proof's cases: the same answers `flask exercises check`
   runs (solution, starter, every right/ and wrong/ answer), each as a grading job.
2. The page runs every job in its Pyodide worker (the learner's runtime) and sends the verdicts
   back; the server judges them with the CLI's own rules (`app.proof.judge`): a right answer must
   pass, a wrong one must fail with its expected message. A clean proof earns a signed token for
   exactly these files, for an hour.
3. Publish needs that token, and the files must hash to what was proven: any edit after Prove
   needs a new proof. Publishing then proves once more under CPython and swaps the folder in as a
   zip upload does (app.teach.authoring), so a forged browser verdict cannot publish a broken
   exercise either.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from itsdangerous import BadSignature
from itsdangerous import SignatureExpired
from itsdangerous import URLSafeTimedSerializer

from ..errors import Invalid
from ..exercises import Catalog
from ..exercises import Exercise
from ..exercises.loader import ExerciseInvalid
from ..exercises.loader import content_hash
from ..exercises.loader import load_exercise
from ..grading import Verdict
from ..proof import cases_for
from ..proof import judge
from ..proof import proof_time_limit
from ..proof import static_problems
from .authoring import MAX_FILE_BYTES
from .authoring import MAX_FILES
from .authoring import MAX_TOTAL_BYTES
from .authoring import check_name
from .authoring import check_place
from .authoring import problem_at

SKELETON = Path(__file__).parent / "skeleton"
PROOF_SALT = "friction-lab.authoring-proof"
PROOF_MAX_AGE_S = 3600
BROWSER = "Pyodide in your browser"


def draft_files(files: dict[str, str]) -> dict[str, bytes]:
    """The draft's files as bytes, refusing unsafe names and sizes like a zip upload."""
    if not files:
        raise Invalid("The draft has no files.")
    if len(files) > MAX_FILES:
        raise Invalid(f"The draft has {len(files)} files; the limit is {MAX_FILES}.")
    out: dict[str, bytes] = {}
    total = 0
    for name, text in sorted(files.items()):
        check_name(name)
        if name.endswith("/"):
            raise Invalid(f"{name}: give the file a name after the folder.")
        content = text.encode("utf-8")
        if len(content) > MAX_FILE_BYTES:
            raise Invalid(f"{name}: the file is over {MAX_FILE_BYTES:,} bytes.")
        total += len(content)
        if total > MAX_TOTAL_BYTES:
            raise Invalid(f"{name}: the files are over {MAX_TOTAL_BYTES:,} bytes in all.")
        out[name] = content
    return out


def folder_texts(folder: Path) -> dict[str, str]:
    """An exercise folder's text files, {posix path: text}, for the editor to open."""
    texts = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and not path.name.startswith("."):
            try:
                texts[path.relative_to(folder).as_posix()] = path.read_text("utf-8")
            except UnicodeDecodeError:
                continue  # the editor edits text; a binary file stays as it is on disk
    return texts


def starting_files(catalog: Catalog, exercise_id: str | None) -> tuple[dict[str, str], str, str]:
    """What the editor opens: an existing exercise's files, or the skeleton of a new one.

    Returns (files, track, folder name)."""
    if exercise_id:
        exercise = catalog.get(exercise_id)
        if exercise is None:
            raise Invalid(f"There is no exercise {exercise_id!r} to edit.")
        return folder_texts(exercise.path), exercise.track, exercise.path.name
    track = next(iter(catalog.tracks), "")
    return folder_texts(SKELETON), track, "900-my-exercise"


@dataclass(frozen=True)
class Draft:
    """A draft loaded like a catalog folder: the exercise and the hash of its files."""

    exercise: Exercise
    digest: str


def load_draft(files: dict[str, bytes], track: str, folder_name: str, catalog: Catalog) -> Draft:
    """Load the draft with the catalog's loader; every problem names its file."""
    check_place(track, folder_name, catalog)
    with tempfile.TemporaryDirectory(prefix="draft-") as tmp:
        staged = Path(tmp) / folder_name
        for name, content in files.items():
            target = staged / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        try:
            exercise = load_exercise(staged, track, 0)
        except ExerciseInvalid as exc:
            raise Invalid(problem_at(Path(exc.path), staged, exc.message)) from exc
        digest = content_hash(staged)
    problems = static_problems(exercise, catalog)
    if problems:
        raise Invalid("; ".join(problems))
    return Draft(exercise=exercise, digest=digest)


def proof_jobs(draft: Draft) -> list[dict[str, Any]]:
    """The proof's cases as jobs the page runs in its Pyodide worker, in a fixed order."""
    limit = proof_time_limit(draft.exercise)
    return [
        {
            "label": case.label,
            "must_pass": case.must_pass,
            "expect": case.expect,
            "job": draft.exercise.job(case.files),
            "time_limit_ms": limit,
        }
        for case in cases_for(draft.exercise)
    ]


def judge_browser_proof(draft: Draft, verdicts: list[Any]) -> list[str]:
    """Judge the verdicts the page's Pyodide returned, with the CLI's rules; [] means proven."""
    cases = cases_for(draft.exercise)
    if len(verdicts) != len(cases):
        return [f"expected {len(cases)} verdicts (one per answer), received {len(verdicts)}"]
    problems = []
    for case, raw in zip(cases, verdicts, strict=True):
        try:
            verdict = Verdict.from_dict(raw)
        except (KeyError, TypeError, ValueError, AttributeError):
            problems.append(f"{case.label}: the browser sent a verdict that could not be read")
            continue
        if verdict.status == "aborted":
            problems.append(
                f"{case.label}: the run was stopped for a reason that is not the exercise's "
                "(the worker restarted or the computer was busy); press Prove again"
            )
            continue
        problem = judge(case, verdict, BROWSER)
        if problem:
            problems.append(problem)
    return problems


def proof_token(secret: str, user_id: int, track: str, folder_name: str, digest: str) -> str:
    """A signed note that this user proved exactly these files in their browser."""
    serializer = URLSafeTimedSerializer(secret, salt=PROOF_SALT)
    return serializer.dumps({"user": user_id, "track": track, "folder": folder_name, "d": digest})


def check_proof_token(
    secret: str, token: str, user_id: int, track: str, folder_name: str, digest: str
) -> None:
    """Refuse a publish whose files were not proven as they are now."""
    serializer = URLSafeTimedSerializer(secret, salt=PROOF_SALT)
    try:
        claim = serializer.loads(token or "", max_age=PROOF_MAX_AGE_S)
    except SignatureExpired:
        raise Invalid("The proof is over an hour old: press Prove again.") from None
    except BadSignature:
        raise Invalid("Press Prove first: publishing needs a proof of these files.") from None
    expected = {"user": user_id, "track": track, "folder": folder_name, "d": digest}
    if claim != expected:
        raise Invalid("The files changed since the proof: press Prove again, then Publish.")
