"""Traces: the steps a modelled deploy or request went through, as text a learner can read.

Every answer the model gives (a request's response, a health check, a redeploy) carries the
steps that led to it, so a failing test can show *where* the path broke, not only that it did.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field


class DeployError(Exception):
    """Input the model cannot read: which file, which line, and why."""

    def __init__(self, message: str, line: int = 0, source: str = "") -> None:
        where = f"{source} line {line}: " if source and line else (f"{source}: " if source else "")
        super().__init__(f"{where}{message}")
        self.message = message
        self.line = line
        self.source = source


@dataclass
class Trace:
    """An ordered list of steps ("what happened, and why") for one modelled action."""

    steps: list[str] = field(default_factory=list)

    def add(self, step: str) -> None:
        """Record one step."""
        self.steps.append(step)

    def extend(self, other: Trace) -> None:
        """Append the steps of another trace (a sub-action)."""
        self.steps.extend(other.steps)

    def text(self, indent: str = "  ") -> str:
        """The steps as numbered lines."""
        return "\n".join(f"{indent}{i}. {step}" for i, step in enumerate(self.steps, 1))


@dataclass
class Outcome:
    """The result of a modelled action: did it work, a one-line reason, and the trace."""

    ok: bool
    reason: str
    trace: Trace = field(default_factory=Trace)

    def __bool__(self) -> bool:
        return self.ok

    def explain(self) -> str:
        """The reason followed by the numbered trace (what a failing test shows)."""
        if not self.trace.steps:
            return self.reason
        return f"{self.reason}\nWhat the model did:\n{self.trace.text()}"
