"""Structured traces for the results panel: the hops a failing request (or deploy) went through.

A test fails with `traces.fail(message, trace)`; the harness finds the trace on the assertion and
puts it, bounded, into that test's verdict entry, and the page draws it as an ordered list of hops
with the failing one marked:

    from grading import traces
    hops = [("Traefik", "entry point web", ""),
            ("Ingress shop/shop", "host shop.example.com", "ingress.yaml line 9")]
    stop = ("Stopped (404)", "no path matches /api", "ingress.yaml line 14")
    traces.fail("https://shop.example.com/api should reach the shop pods",
                traces.panel("https://shop.example.com/api", hops, failure=stop))

The message stays the whole explanation (the Node runner, `flask exercises check` and the
server's re-check read only messages); the trace is the same story drawn as a row.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from typing import Any
from typing import NoReturn

MAX_HOPS = 12
MAX_TEXT = 160
TRACE_KINDS = ("request", "deploy", "start")


class TracedAssertion(AssertionError):
    """A failed check that carries the trace of what went wrong (`.trace`, a panel dict)."""

    def __init__(self, message: str, trace: Mapping[str, Any] | None) -> None:
        super().__init__(message)
        self.trace = trace


def cut(value: Any, limit: int = MAX_TEXT) -> str:
    """A value as text of at most `limit` characters."""
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def hop(label: Any, detail: Any = "", where: Any = "", failed: bool = False) -> dict[str, Any]:
    """One hop of a panel trace: what handled the request, what it decided, the line behind it."""
    return {"label": cut(label), "detail": cut(detail), "where": cut(where), "failed": failed}


def panel(subject: str, hops: Iterable[tuple[Any, Any, Any]],
          failure: tuple[Any, Any, Any] | None = None, kind: str = "request",
          failed_index: int | None = None) -> dict[str, Any]:
    """A panel trace: `hops` as (label, detail, where); `failure` appended as the failed hop, or
    `failed_index` marks one of the hops as the one that went wrong."""
    items = [hop(label, detail, where, failed=i == failed_index)
             for i, (label, detail, where) in enumerate(hops)]
    if failure is not None:
        items.append(hop(*failure, failed=True))
    return {"kind": kind, "subject": cut(subject), "hops": items}


def fail(message: str, trace: Mapping[str, Any] | None) -> NoReturn:
    """Fail the test with this message and attach the trace for the results panel."""
    raise TracedAssertion(message, trace)


def bounded(trace: Any) -> dict[str, Any] | None:
    """A trace as the verdict may carry it: the known keys, text cut, at most MAX_HOPS hops.

    Anything that is not a panel trace gives None (a learner's code can raise an assertion with
    a `trace` attribute too; the page must only ever receive this shape). When there are too
    many hops the first ones and the failed one are kept, with a hop saying how many were left
    out, so the failing hop is never cut away.
    """
    if not isinstance(trace, Mapping) or not isinstance(trace.get("hops"), list | tuple):
        return None
    hops = [h for h in trace["hops"] if isinstance(h, Mapping)]
    if not hops:
        return None
    clean = [hop(h.get("label", ""), h.get("detail", ""), h.get("where", ""),
                 failed=bool(h.get("failed"))) for h in hops]
    failed = [i for i, h in enumerate(clean) if h["failed"]]
    if failed:  # one failing hop at most: the first one
        for i in failed[1:]:
            clean[i]["failed"] = False
    if len(clean) > MAX_HOPS:
        keep = MAX_HOPS - 2
        tail = clean[failed[0]] if failed and failed[0] >= keep else clean[-1]
        left_out = len(clean) - keep - 1
        clean = [*clean[:keep], hop(f"… {left_out} more hops", ""), tail]
    kind = trace.get("kind")
    return {
        "kind": kind if kind in TRACE_KINDS else "request",
        "subject": cut(trace.get("subject", "")),
        "hops": clean,
    }
