"""The trace of one request: the hops it took, and where and why it stopped."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Any

from ..traces import panel

MAX_VALUE_CHARS = 80


def bounded(value: Any, limit: int = MAX_VALUE_CHARS) -> str:
    """A value for a message, cut to `limit` characters (a learner's YAML can be huge)."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class Hop:
    """One step of a request: what handled it, what it decided, and the line that decided it."""

    what: str  # "Traefik", "Ingress 'shop'", "Service shop/web:80", "pod web-7c9d-0"...
    detail: str = ""  # "host shop.example.com, path / (Prefix)"
    where: str = ""  # "service-ingress.yaml line 14", when a line of the learner's decided it

    def __str__(self) -> str:
        text = self.what + (f" ({self.detail})" if self.detail else "")
        return text + (f" [{self.where}]" if self.where else "")


@dataclass
class Trace:
    """Where a request went: the hops, the final status, and the pod and port it reached."""

    url: str
    hops: list[Hop] = field(default_factory=list)
    status: int = 0  # HTTP status the client sees (0: no answer at all, e.g. refused)
    stop: str = ""  # why it stopped before a pod ("" when it reached one)
    stop_where: str = ""  # the file and line to blame, when there is one
    pod: Any = None  # the Pod that answered
    port: int | None = None  # the container port it reached
    path: str = ""  # the path as the pod receives it (after rewrites)
    host: str = ""  # the Host header as the pod receives it
    shares: dict[str, float] = field(default_factory=dict)  # "svc" or "svc/subset" -> fraction
    workload_shares: dict[str, float] = field(default_factory=dict)  # workload -> fraction
    notes: dict[str, Any] = field(default_factory=dict)  # rate limits, headers, redirects...

    @property
    def ok(self) -> bool:
        """True when a pod received the request."""
        return self.pod is not None and not self.stop

    def add(self, what: str, detail: str = "", where: str = "") -> None:
        """Append a hop."""
        self.hops.append(Hop(what, detail, where))

    def fail(self, status: int, reason: str, where: str = "") -> Trace:
        """Stop here with an HTTP status (0 for no answer) and the reason."""
        self.status, self.stop, self.stop_where = status, reason, where
        return self

    def row(self) -> str:
        """The hops as one row: a -> b -> c, and the failing step marked with ✗."""
        parts = [str(h) for h in self.hops]
        if self.stop:
            status = f"{self.status} " if self.status else ""
            where = f" [{self.stop_where}]" if self.stop_where else ""
            parts.append(f"✗ {status}{self.stop}{where}")
        return " -> ".join(parts)

    def __str__(self) -> str:
        return f"{self.url}: {self.row()}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (for a results panel that draws the hops)."""
        return {
            "url": self.url,
            "hops": [{"what": h.what, "detail": h.detail, "where": h.where} for h in self.hops],
            "status": self.status,
            "stop": self.stop,
            "stop_where": self.stop_where,
        }

    def panel(self, problem: str = "") -> dict[str, Any]:
        """The trace for the results panel: the hops, with the stop as the failing hop, or, when
        the request arrived somewhere it should not, the last hop marked with `problem`."""
        hops = [(h.what, h.detail, h.where) for h in self.hops]
        if self.stop:
            status = f"{self.status}" if self.status else "no answer"
            return panel(self.url, hops,
                         failure=(f"Stopped ({status})", self.stop, self.stop_where))
        if problem and hops:
            label, detail, where = hops[-1]
            detail = f"{detail}; {problem}" if detail else problem
            return panel(self.url, [*hops[:-1], (label, detail, where)],
                         failed_index=len(hops) - 1)
        return panel(self.url, hops)
