"""Shapes of the web editor's JSON requests (pydantic); sizes are checked again per file."""

from __future__ import annotations

from typing import Annotated
from typing import Any

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import StringConstraints

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]


class DraftIn(BaseModel):
    """A draft exercise folder: where it goes and its files as text."""

    model_config = ConfigDict(extra="forbid")

    track: Name
    folder: Name
    files: dict[Annotated[str, StringConstraints(max_length=300)], str] = Field(max_length=200)


class ProofIn(DraftIn):
    """The draft again, with the verdict of each proof job as the page's Pyodide returned it."""

    verdicts: list[dict[str, Any]] = Field(max_length=200)


class PublishIn(DraftIn):
    """The draft again, with the token its proof earned."""

    token: Annotated[str, StringConstraints(max_length=2000)]


class PreviewIn(BaseModel):
    """A prompt to render as learners will see it."""

    model_config = ConfigDict(extra="forbid")

    markdown: Annotated[str, StringConstraints(max_length=256 * 1024)]
    title: Annotated[str, StringConstraints(max_length=200)] = ""
