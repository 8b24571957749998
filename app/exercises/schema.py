"""The exercise catalog's data: tracks, exercises, right and wrong answers, and load errors."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

KINDS = ("python", "yaml", "dockerfile", "compose", "text")


@dataclass(frozen=True)
class LoadError:
    """A folder that could not be loaded: which file, and what is wrong with it."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass(frozen=True)
class WrongAnswer:
    """A known-wrong answer that encodes a misconception; it must fail with `expect` shown."""

    name: str
    files: dict[str, str]
    expect: str
    misconception: str


@dataclass(frozen=True)
class RightAnswer:
    """A correct answer written differently from the reference; it must pass every test."""

    name: str
    files: dict[str, str]
    note: str = ""


@dataclass(frozen=True)
class Predict:
    """A predict-the-output question asked before the learner starts."""

    question: str
    answer: str


@dataclass(frozen=True)
class Exercise:
    """One validated exercise folder. `version` is the hash of its whole content."""

    id: str
    title: str
    track: str
    kind: str
    difficulty: int
    time_limit_ms: int
    order: int
    path: Path
    version: str
    prompt_md: str
    starter: dict[str, str]
    readonly: dict[str, str]
    solution: dict[str, str]
    tests: dict[str, str]
    wrong: tuple[WrongAnswer, ...]
    hints: tuple[str, ...]
    entry: str
    predict: Predict | None = None
    right: tuple[RightAnswer, ...] = ()
    follow_up: str | None = None
    summary: str = ""
    friction: dict[str, Any] = field(default_factory=dict)  # per-exercise threshold overrides

    @property
    def editable_files(self) -> list[str]:
        """Names of the files the learner edits, in authoring order."""
        return list(self.starter)

    def job(self, files: dict[str, str], mode: str = "check", stdin: str = "") -> dict[str, Any]:
        """Build a grading job: the learner's files plus the read-only files and the tests."""
        return {
            "mode": mode,
            "files": {**self.readonly, **files},
            "tests": dict(self.tests) if mode == "check" else {},
            "entry": self.entry,
            "stdin": stdin,
        }

    def browser_payload(self) -> dict[str, Any]:
        """What the exercise page sends to the browser. Never the reference solution."""
        return {
            "id": self.id,
            "version": self.version,
            "kind": self.kind,
            "entry": self.entry,
            "time_limit_ms": self.time_limit_ms,
            "starter": self.starter,
            "readonly": self.readonly,
            "tests": self.tests,
        }


@dataclass(frozen=True)
class Track:
    """A group of exercises with a title, in folder order."""

    slug: str
    title: str
    summary: str
    order: int
    exercise_ids: tuple[str, ...] = ()


@dataclass
class Catalog:
    """Every exercise that loaded, by id, and every folder that did not."""

    root: Path
    tracks: dict[str, Track] = field(default_factory=dict)
    exercises: dict[str, Exercise] = field(default_factory=dict)
    errors: list[LoadError] = field(default_factory=list)

    def get(self, exercise_id: str) -> Exercise | None:
        """Return an exercise by id, or None."""
        return self.exercises.get(exercise_id)

    def in_track(self, slug: str) -> list[Exercise]:
        """Return a track's exercises in course order."""
        track = self.tracks.get(slug)
        return [self.exercises[i] for i in track.exercise_ids] if track else []
