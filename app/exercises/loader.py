"""Read the exercises/ folder into a validated, versioned catalog.

Layout: exercises/<track>/track.toml and exercises/<track>/<NNN-slug>/ folders holding
exercise.toml, prompt.md, starter/, solution/, tests/test_*.py, right/<name>/ and wrong/<name>/.
A broken folder becomes a LoadError naming the file and the problem; the rest still loads.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from pathlib import Path
from typing import Any

from ..friction.config import with_overrides
from .schema import KINDS
from .schema import Catalog
from .schema import Exercise
from .schema import LoadError
from .schema import Predict
from .schema import RightAnswer
from .schema import Track
from .schema import WrongAnswer

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{2,79}$")
MAX_FILE_BYTES = 200_000
MIN_TIME_LIMIT_MS, MAX_TIME_LIMIT_MS = 200, 30_000
DEFAULT_TIME_LIMIT_MS = 3_000


class ExerciseInvalid(Exception):
    """An exercise folder breaks the format; `path` is the file at fault."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def read_text(path: Path) -> str:
    """Read an authored text file, refusing binary, huge or non-UTF-8 files."""
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ExerciseInvalid(path, f"file is larger than {MAX_FILE_BYTES} bytes")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ExerciseInvalid(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def read_tree(folder: Path) -> dict[str, str]:
    """Read every file below a folder as {relative posix path: text}."""
    return {
        p.relative_to(folder).as_posix(): read_text(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, turning syntax errors into a message with the line."""
    try:
        return tomllib.loads(read_text(path))
    except tomllib.TOMLDecodeError as exc:
        raise ExerciseInvalid(path, f"TOML syntax error: {exc}") from exc


def content_hash(folder: Path) -> str:
    """Hash every file's path and bytes: the exercise version that attempts keep."""
    digest = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts:
            digest.update(p.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(p.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def require(meta: dict[str, Any], key: str, kind: type, path: Path) -> Any:
    """Fetch a required key of the right type from exercise.toml."""
    if key not in meta:
        raise ExerciseInvalid(path, f"missing required key '{key}'")
    value = meta[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise ExerciseInvalid(path, f"'{key}' must be a {kind.__name__}, not {value!r}")
    return value


def load_wrong_answers(
    folder: Path, meta: dict[str, Any], toml_path: Path, editable: set[str]
) -> tuple[WrongAnswer, ...]:
    """Read wrong/<name>/ folders and pair each with its [wrong.<name>] entry."""
    declared = meta.get("wrong", {})
    if not isinstance(declared, dict):
        raise ExerciseInvalid(toml_path, "'wrong' must be a table of [wrong.<name>] entries")
    wrong_dir = folder / "wrong"
    found = sorted(p.name for p in wrong_dir.iterdir() if p.is_dir()) if wrong_dir.is_dir() else []
    for name in sorted(set(declared) - set(found)):
        raise ExerciseInvalid(
            wrong_dir / name, f"[wrong.{name}] is declared but the folder is missing"
        )
    answers = []
    for name in found:
        entry = declared.get(name)
        if not isinstance(entry, dict) or not str(entry.get("expect", "")).strip():
            raise ExerciseInvalid(
                toml_path,
                f"wrong answer '{name}' needs a [wrong.{name}] entry with 'expect' (text its "
                "failure message must contain) and 'misconception'",
            )
        files = read_tree(wrong_dir / name)
        stray = set(files) - editable
        if stray:
            raise ExerciseInvalid(
                wrong_dir / name, f"files {sorted(stray)} are not among the learner's files"
            )
        if not files:
            raise ExerciseInvalid(wrong_dir / name, "wrong answer folder is empty")
        answers.append(
            WrongAnswer(
                name=name,
                files=files,
                expect=str(entry["expect"]),
                misconception=str(entry.get("misconception", "")),
            )
        )
    return tuple(answers)


def load_right_answers(
    folder: Path, meta: dict[str, Any], toml_path: Path, editable: set[str]
) -> tuple[RightAnswer, ...]:
    """Read right/<name>/ folders (correct answers in another style); notes are optional."""
    declared = meta.get("right", {})
    if not isinstance(declared, dict) or not all(isinstance(v, dict) for v in declared.values()):
        raise ExerciseInvalid(toml_path, "'right' must be a table of [right.<name>] entries")
    right_dir = folder / "right"
    found = sorted(p.name for p in right_dir.iterdir() if p.is_dir()) if right_dir.is_dir() else []
    for name in sorted(set(declared) - set(found)):
        raise ExerciseInvalid(
            right_dir / name, f"[right.{name}] is declared but the folder is missing"
        )
    answers = []
    for name in found:
        files = read_tree(right_dir / name)
        if not files:
            raise ExerciseInvalid(right_dir / name, "right answer folder is empty")
        stray = set(files) - editable
        if stray:
            raise ExerciseInvalid(
                right_dir / name, f"files {sorted(stray)} are not among the learner's files"
            )
        note = str(declared.get(name, {}).get("note", ""))
        answers.append(RightAnswer(name=name, files=files, note=note))
    return tuple(answers)


def load_exercise(folder: Path, track: str, order: int) -> Exercise:
    """Validate and load one exercise folder, or raise ExerciseInvalid."""
    toml_path = folder / "exercise.toml"
    if not toml_path.is_file():
        raise ExerciseInvalid(toml_path, "missing: every exercise folder needs an exercise.toml")
    meta = read_toml(toml_path)
    exercise_id = require(meta, "id", str, toml_path)
    if not ID_PATTERN.match(exercise_id):
        raise ExerciseInvalid(
            toml_path, f"id {exercise_id!r} must be 3-80 lowercase letters, digits and dashes"
        )
    title = require(meta, "title", str, toml_path).strip()
    if meta.get("track", track) != track:
        raise ExerciseInvalid(
            toml_path, f"track {meta['track']!r} does not match the folder it is in ({track!r})"
        )
    kind = require(meta, "kind", str, toml_path)
    if kind not in KINDS:
        raise ExerciseInvalid(toml_path, f"kind {kind!r} is not one of {', '.join(KINDS)}")
    difficulty = meta.get("difficulty", 1)
    if not isinstance(difficulty, int) or not 1 <= difficulty <= 5:
        raise ExerciseInvalid(toml_path, "difficulty must be a whole number from 1 to 5")
    time_limit = meta.get("time_limit_ms", DEFAULT_TIME_LIMIT_MS)
    if not isinstance(time_limit, int) or not MIN_TIME_LIMIT_MS <= time_limit <= MAX_TIME_LIMIT_MS:
        raise ExerciseInvalid(
            toml_path,
            f"time_limit_ms must be a whole number from {MIN_TIME_LIMIT_MS} to {MAX_TIME_LIMIT_MS}",
        )
    editable = require(meta, "files", list, toml_path)
    readonly_names = meta.get("readonly", [])
    if not editable or not all(isinstance(n, str) and n for n in editable + readonly_names):
        raise ExerciseInvalid(toml_path, "'files' must list the learner's files by name")

    hints = meta.get("hints", [])
    if (
        not isinstance(hints, list)
        or not hints
        or not all(isinstance(h, str) and h.strip() for h in hints)
    ):
        raise ExerciseInvalid(
            toml_path, "'hints' must be a non-empty list of hint texts, gentlest first"
        )

    prompt_path = folder / "prompt.md"
    if not prompt_path.is_file():
        raise ExerciseInvalid(prompt_path, "missing: the learner needs a prompt")
    prompt_md = read_text(prompt_path)
    if not prompt_md.strip():
        raise ExerciseInvalid(prompt_path, "the prompt is empty")

    starter_all = read_tree(folder / "starter") if (folder / "starter").is_dir() else {}
    solution = read_tree(folder / "solution") if (folder / "solution").is_dir() else {}
    for name in editable + readonly_names:
        if name not in starter_all:
            raise ExerciseInvalid(folder / "starter" / name, "listed in exercise.toml but missing")
    for name in editable:
        if name not in solution:
            raise ExerciseInvalid(folder / "solution" / name, "listed in 'files' but no reference")

    tests = read_tree(folder / "tests") if (folder / "tests").is_dir() else {}
    if not any(Path(n).name.startswith("test_") and n.endswith(".py") for n in tests):
        raise ExerciseInvalid(folder / "tests", "no tests: add at least one tests/test_*.py")
    for name, source in tests.items():
        if name.endswith(".py"):
            try:
                compile(source, name, "exec")
            except SyntaxError as exc:
                raise ExerciseInvalid(
                    folder / "tests" / name, f"syntax error on line {exc.lineno}: {exc.msg}"
                ) from exc

    predict = meta.get("predict")
    if predict is not None:
        if not isinstance(predict, dict) or not predict.get("question") or "answer" not in predict:
            raise ExerciseInvalid(toml_path, "[predict] needs 'question' and 'answer'")
        predict = Predict(question=str(predict["question"]), answer=str(predict["answer"]))

    friction = meta.get("friction", {})
    try:
        with_overrides(friction)
    except (ValueError, TypeError) as exc:
        raise ExerciseInvalid(toml_path, f"[friction]: {exc}") from exc

    entry = meta.get("entry", editable[0])
    if entry not in editable + readonly_names:
        raise ExerciseInvalid(toml_path, f"entry {entry!r} is not one of the exercise's files")

    return Exercise(
        id=exercise_id,
        title=title,
        track=track,
        kind=kind,
        difficulty=difficulty,
        time_limit_ms=time_limit,
        order=order,
        path=folder,
        version=content_hash(folder),
        prompt_md=prompt_md,
        starter={n: starter_all[n] for n in editable},
        readonly={n: starter_all[n] for n in readonly_names},
        solution={n: solution[n] for n in editable},
        tests=tests,
        wrong=load_wrong_answers(folder, meta, toml_path, set(editable)),
        right=load_right_answers(folder, meta, toml_path, set(editable)),
        hints=tuple(h.strip() for h in hints),
        entry=entry,
        predict=predict,
        follow_up=meta.get("follow_up"),
        summary=str(meta.get("summary", "")),
        friction=dict(friction),
    )


def load_track_meta(folder: Path, order: int) -> Track:
    """Read a track's track.toml (title and summary); the folder name is its slug."""
    path = folder / "track.toml"
    meta = read_toml(path) if path.is_file() else {}
    return Track(
        slug=folder.name,
        title=str(meta.get("title", folder.name.replace("-", " ").title())),
        summary=str(meta.get("summary", "")),
        order=int(meta.get("order", order)),
    )


def load_catalog(root: Path) -> Catalog:
    """Load every track and exercise below root; collect errors instead of stopping."""
    catalog = Catalog(root=root)
    if not root.is_dir():
        catalog.errors.append(LoadError(str(root), "exercise folder not found"))
        return catalog
    seen_at: dict[str, Path] = {}
    for track_order, track_dir in enumerate(sorted(p for p in root.iterdir() if p.is_dir())):
        if track_dir.name.startswith((".", "_")):
            continue
        try:
            track = load_track_meta(track_dir, track_order)
        except ExerciseInvalid as exc:
            catalog.errors.append(LoadError(str(exc.path), exc.message))
            continue
        ids = []
        folders = sorted(
            p for p in track_dir.iterdir() if p.is_dir() and not p.name.startswith(".")
        )
        for order, folder in enumerate(folders):
            try:
                exercise = load_exercise(folder, track.slug, order)
            except ExerciseInvalid as exc:
                catalog.errors.append(LoadError(str(exc.path), exc.message))
                continue
            except OSError as exc:
                catalog.errors.append(LoadError(str(folder), f"could not be read: {exc}"))
                continue
            if exercise.id in seen_at:
                catalog.errors.append(
                    LoadError(
                        str(folder / "exercise.toml"),
                        f"id {exercise.id!r} is already used by {seen_at[exercise.id]}; "
                        "ids are permanent, give this exercise a new one",
                    )
                )
                continue
            seen_at[exercise.id] = folder
            catalog.exercises[exercise.id] = exercise
            ids.append(exercise.id)
        catalog.tracks[track.slug] = Track(
            track.slug, track.title, track.summary, track.order, tuple(ids)
        )
    catalog.tracks = dict(sorted(catalog.tracks.items(), key=lambda kv: kv[1].order))
    return catalog
