"""Shape and length rules for journal entries (pydantic)."""

from __future__ import annotations

from typing import Annotated
from typing import Literal

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import StringConstraints

# Short on purpose: two required fields at most, a sentence or two each (PEDAGOGY.md).
Line = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
Paragraph = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]

EMOTIONS = ("confused", "frustrated", "anxious", "bored", "curious", "focused", "calm", "proud")


class EntryIn(BaseModel):
    """A journal entry posted by a card on the exercise page."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["plan", "after_failure", "after_success", "break", "reentry", "free"]
    exercise_id: Annotated[str, StringConstraints(max_length=80)] | None = None
    attempt_id: Annotated[str, StringConstraints(max_length=36)] | None = None  # client id
    skipped: bool = False
    goal: Line | None = None
    prediction: Line | None = None
    confidence: int | None = Field(default=None, ge=1, le=5)
    expected_tries: int | None = Field(default=None, ge=1, le=100)
    error_in_own_words: Line | None = None
    cause_guess: Line | None = None
    stage: Literal["understand", "plan", "code", "test"] | None = None
    attribution: Literal["approach", "detail", "knowledge", "effort"] | None = None
    emotions: list[Literal[EMOTIONS]] | None = Field(default=None, max_length=4)  # type: ignore[valid-type]
    intensity: int | None = Field(default=None, ge=1, le=5)
    next_change: Line | None = None
    what_worked: Line | None = None
    explanation: Line | None = None
    text: Paragraph | None = None


REQUIRED = {
    "plan": ("goal",),
    "after_failure": ("error_in_own_words", "cause_guess"),
    "after_success": ("what_worked",),
    "break": (),
    "reentry": (),
    "free": ("text",),
}
