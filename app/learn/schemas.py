"""Shape and size rules for what the browser posts (validated with pydantic)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime
from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import StringConstraints

FileName = Annotated[str, StringConstraints(min_length=1, max_length=120, pattern=r"^[\w.\-/]+$")]
ShortText = Annotated[str, StringConstraints(max_length=2_000)]


class TestIn(BaseModel):
    """One test's outcome as the browser's grader reported it."""

    __test__ = False
    model_config = ConfigDict(extra="ignore")

    name: Annotated[str, StringConstraints(max_length=300)]
    outcome: Literal["passed", "failed", "error", "skipped"]
    message: ShortText = ""
    description: Annotated[str, StringConstraints(max_length=300)] = ""
    line: int | None = None
    duration_ms: float = 0.0


class ErrorIn(BaseModel):
    """Why the code could not be tested."""

    model_config = ConfigDict(extra="ignore")

    type: Annotated[str, StringConstraints(max_length=80)]
    message: ShortText = ""
    file: Annotated[str, StringConstraints(max_length=120)] | None = None
    line: int | None = None


class VerdictIn(BaseModel):
    """The verdict the browser computed (advisory: the learner controls the page)."""

    model_config = ConfigDict(extra="ignore")

    # "aborted": stopped for a reason that is not the learner's; stored, never counted.
    status: Literal["passed", "failed", "error", "timeout", "aborted"]
    kind: Literal["run", "check"] = "check"
    tests: list[TestIn] = Field(default_factory=list, max_length=200)
    error: ErrorIn | None = None
    stdout: Annotated[str, StringConstraints(max_length=64_000)] = ""
    stdout_truncated: bool = False
    duration_ms: float = Field(default=0.0, ge=0)


class AttemptIn(BaseModel):
    """A Run or Check, posted by the exercise page (or replayed from its offline queue)."""

    model_config = ConfigDict(extra="forbid")

    id: UUID
    exercise_id: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    exercise_version: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    kind: Literal["run", "check"]
    files: dict[FileName, str] = Field(min_length=1, max_length=20)
    verdict: VerdictIn
    duration_ms: int = Field(ge=0, le=600_000)
    client_time: AwareDatetime


def client_time_is_sane(value: datetime, now: datetime) -> bool:
    """Browsers' clocks drift; anything within a year is plausible enough to keep."""
    return abs((now - value).total_seconds()) < 365 * 24 * 3600
