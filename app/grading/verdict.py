"""The verdict a grading run produces, as plain dataclasses that round-trip through JSON."""

from __future__ import annotations

from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from typing import Any

# Statuses of a whole run. "error" means the code could not be tested at all (syntax error,
# failed import, crash outside a test); "timeout" means the time limit (or the learner's Stop)
# stopped it; "aborted" means the runner stopped it for a reason that is not the learner's (its
# interpreter crashed, or the code never got to start): the runner sets it, never the harness,
# and nothing that judges the learner (friction rules, journal, progress) counts it.
ABORTED = "aborted"
STATUSES = ("passed", "failed", "error", "timeout", ABORTED)
OUTCOMES = ("passed", "failed", "error", "skipped")


@dataclass
class TestResult:
    """One test's outcome with a short, readable message (never a full traceback)."""

    __test__ = False  # not a pytest test class, despite the name

    name: str
    outcome: str
    message: str = ""
    description: str = ""
    line: int | None = None
    duration_ms: float = 0.0
    # The hops of the failing request or deploy (grading.traces), for the results panel.
    trace: dict[str, Any] | None = None


@dataclass
class ErrorInfo:
    """Why the code could not be tested: exception type, message, and where, if known."""

    type: str
    message: str
    file: str | None = None
    line: int | None = None


@dataclass
class Verdict:
    """The result of one Run or Check."""

    status: str
    kind: str = "check"
    tests: list[TestResult] = field(default_factory=list)
    error: ErrorInfo | None = None
    stdout: str = ""
    stdout_truncated: bool = False
    duration_ms: float = 0.0

    @property
    def passed(self) -> int:
        """Count the tests that passed."""
        return sum(t.outcome == "passed" for t in self.tests)

    @property
    def total(self) -> int:
        """Count the tests that ran (skipped ones excluded)."""
        return sum(t.outcome != "skipped" for t in self.tests)

    @property
    def first_failure(self) -> TestResult | None:
        """Return the first test that did not pass, if any."""
        return next((t for t in self.tests if t.outcome in ("failed", "error")), None)

    def to_dict(self) -> dict[str, Any]:
        """Serialise, adding the derived totals the browser and the server read."""
        data = asdict(self)
        data["passed"] = self.passed
        data["total"] = self.total
        data["failed"] = self.total - self.passed
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Verdict:
        """Rebuild a verdict from its JSON form (derived totals are ignored)."""
        error = data.get("error")
        return cls(
            status=data["status"],
            kind=data.get("kind", "check"),
            tests=[TestResult(**t) for t in data.get("tests", [])],
            error=ErrorInfo(**error) if error else None,
            stdout=data.get("stdout", ""),
            stdout_truncated=bool(data.get("stdout_truncated", False)),
            duration_ms=float(data.get("duration_ms", 0.0)),
        )
