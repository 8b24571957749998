"""Shape rules for the learner's responses to friction cards (pydantic)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator
from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import StringConstraints

from ..friction.rules import PAGE_ACTIONS
from ..friction.rules import PAGE_RULES
from ..friction.rules import Action
from ..friction.rules import Rule


def one_of[E: StrEnum](allowed: frozenset[E]) -> AfterValidator:
    """Accept only these members of the enum (the page may post a subset of the ids)."""
    listed = ", ".join(repr(str(member)) for member in sorted(allowed))

    def check(value: E) -> E:
        if value not in allowed:
            raise ValueError(f"Input should be one of {listed}")
        return value

    return AfterValidator(check)


class FrictionEventIn(BaseModel):
    """The learner's response to a card (a break taken, a card skipped, ...)."""

    model_config = ConfigDict(extra="forbid")

    exercise_id: Annotated[str, StringConstraints(max_length=80)]
    rule: Annotated[Rule, one_of(PAGE_RULES)]
    action: Annotated[Action, one_of(PAGE_ACTIONS)]
    details: dict[str, str | int | float | bool | None] | None = Field(default=None, max_length=10)
