"""Server-rendered SVG for the journal page: a timeline strip per exercise and a progress chart.

No JavaScript. Every piece of text that goes into the SVG passes through `esc` (learners' words
can contain anything, `<script>` included). Pass and fail differ in colour AND shape (a filled
circle and a cross), every mark has a <title> tooltip, and each chart carries a <title>/<desc>;
the page puts the same data next to it as a list or a table.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import UTC
from datetime import datetime
from datetime import timedelta

from markupsafe import Markup
from markupsafe import escape

from ..friction.config import DEFAULTS
from .insights import EqPoint
from .insights import ExerciseTimeline
from .insights import SolvePoint
from .insights import TimelineItem
from .insights import plural

# Colours with at least 4.5:1 against white (text) and 3:1 (marks); shape carries meaning too.
TEXT = "#1f2328"
MUTED = "#57606a"
GRID = "#d0d7de"
PASS = "#1a7f37"
FAIL = "#b42318"
ENTRY = "#0b5cad"
EVENT = "#7a4d00"
EQ_COLOUR = "#6639ba"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
TOOLTIP_CHARS = 300


def esc(text: object, limit: int | None = None) -> str:
    """Text safe inside SVG markup: control characters dropped, shortened, then escaped."""
    value = _CONTROL.sub("", str(text))
    if limit is not None and len(value) > limit:
        value = value[: limit - 1].rstrip() + "…"
    return str(escape(value))


def when(at: datetime) -> str:
    """'27 Nov 2026, 10:02 UTC'."""
    return at.astimezone(UTC).strftime("%-d %b %Y, %H:%M UTC")


def num(value: float) -> str:
    """A coordinate, short."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


# ---- timeline strip ------------------------------------------------------------------------

STRIP_W = 760
LABEL_W = 84
PAD = 10
GAP_W = 22
LANES = (("check", "Checks", 24), ("event", "Cards", 50), ("entry", "Journal", 76))
AXIS_Y = 94
STRIP_H = 122


def segments(items: Sequence[TimelineItem], idle_s: float) -> list[list[TimelineItem]]:
    """Cut time-ordered items at every pause longer than idle_s (one segment per sitting)."""
    parts: list[list[TimelineItem]] = []
    for item in items:
        if parts and (item.at - parts[-1][-1].at).total_seconds() <= idle_s:
            parts[-1].append(item)
        else:
            parts.append([item])
    return parts


def segment_spans(
    parts: list[list[TimelineItem]], x0: float, x1: float
) -> list[tuple[float, float]]:
    """Horizontal room per segment: square-root of its duration (at least a minute) decides."""
    weights = [math.sqrt(max((p[-1].at - p[0].at).total_seconds(), 60.0)) for p in parts]
    room = (x1 - x0) - GAP_W * (len(parts) - 1)
    spans, x = [], x0
    total = sum(weights)
    for weight in weights:
        width = room * weight / total
        spans.append((x, x + width))
        x += width + GAP_W
    return spans


def mark(item: TimelineItem, x: float, y: float) -> str:
    """One mark with its tooltip: circle = pass, cross = fail, square = entry, triangle = card."""
    tip = f"{item.label} · {when(item.at)}"
    if item.detail:
        tip += f" — {item.detail}"
    title = f"<title>{esc(tip, TOOLTIP_CHARS)}</title>"
    if item.mark == "pass":
        shape = f'<circle cx="{num(x)}" cy="{num(y)}" r="7" fill="{PASS}"/>'
    elif item.mark == "fail":
        d = 6
        shape = (
            f'<path d="M{num(x - d)} {num(y - d)}L{num(x + d)} {num(y + d)}'
            f'M{num(x + d)} {num(y - d)}L{num(x - d)} {num(y + d)}" '
            f'stroke="{FAIL}" stroke-width="3.2" stroke-linecap="round" fill="none"/>'
        )
    elif item.mark in ("entry", "skip"):
        filled = item.mark == "entry"
        shape = f'<rect x="{num(x - 6)}" y="{num(y - 6)}" width="12" height="12" rx="2" ' + (
            f'fill="{ENTRY}"/>'
            if filled
            else f'fill="#ffffff" stroke="{MUTED}" stroke-width="2" stroke-dasharray="3 2"/>'
        )
    else:
        shape = (
            f'<path d="M{num(x)} {num(y - 7)}L{num(x + 7)} {num(y + 6)}'
            f'L{num(x - 7)} {num(y + 6)}Z" fill="{EVENT}"/>'
        )
    # A transparent hit area makes small marks easy to hover.
    hit = f'<circle cx="{num(x)}" cy="{num(y)}" r="10" fill="transparent"/>'
    return f'<g class="mark mark-{item.mark}">{title}{hit}{shape}</g>'


def timeline_description(timeline: ExerciseTimeline) -> str:
    """The strip in one sentence (its <desc>)."""
    checks = [i for i in timeline.items if i.lane == "check"]
    passed = sum(i.mark == "pass" for i in checks)
    entries = sum(i.lane == "entry" for i in timeline.items)
    events = sum(i.lane == "event" for i in timeline.items)
    text = (
        f"{plural(len(checks), 'check')} ({passed} passed, {len(checks) - passed} failed), "
        f"{plural(entries, 'journal entry', 'journal entries')}, "
        f"{plural(events, 'card or friction event', 'cards or friction events')}"
    )
    if timeline.items:
        text += f", from {when(timeline.items[0].at)} to {when(timeline.items[-1].at)}"
    return text + "."


def label_text(at: datetime) -> str:
    """'27 Nov 10:02' (UTC): where a sitting starts on the strip's axis."""
    return at.astimezone(UTC).strftime("%-d %b %H:%M")


def timeline_svg(
    timeline: ExerciseTimeline, svg_id: str, idle_s: float = DEFAULTS.session_idle_s
) -> Markup:
    """The strip for one exercise: lanes for checks, cards and journal entries on a time axis.

    Long pauses (over idle_s) are cut out of the axis and drawn as a break, so a week's gap
    does not squash one sitting's checks into a single dot.
    """
    sid = esc(svg_id)
    x0, x1 = LABEL_W + PAD, STRIP_W - PAD
    out = [
        f'<svg class="timeline-strip" viewBox="0 0 {STRIP_W} {STRIP_H}" role="img" '
        f'aria-labelledby="{sid}-title {sid}-desc" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="{sid}-title">Timeline of {esc(timeline.title)}</title>',
        f'<desc id="{sid}-desc">{esc(timeline_description(timeline))}</desc>',
        f'<rect x="0" y="0" width="{STRIP_W}" height="{STRIP_H}" fill="#ffffff"/>',
    ]
    for _, label, y in LANES:
        out.append(
            f'<text x="{LABEL_W - 6}" y="{y + 4}" text-anchor="end" fill="{MUTED}">{label}</text>'
            f'<line x1="{x0}" y1="{y}" x2="{x1}" y2="{y}" stroke="#eaeef2" stroke-width="1"/>'
        )
    parts = segments(timeline.items, idle_s)
    spans = segment_spans(parts, x0, x1) if parts else []
    lane_y = {lane: y for lane, _, y in LANES}
    last_label_end = -1e9
    for index, (part, (left, right)) in enumerate(zip(parts, spans, strict=True)):
        out.append(
            f'<line x1="{num(left)}" y1="{AXIS_Y}" x2="{num(right)}" y2="{AXIS_Y}" '
            f'stroke="{MUTED}" stroke-width="1.5"/>'
        )
        if index:
            gx = left - GAP_W / 2
            out.append(
                f'<path d="M{num(gx - 5)} {AXIS_Y + 5}L{num(gx - 1)} {AXIS_Y - 5}'
                f'M{num(gx + 1)} {AXIS_Y + 5}L{num(gx + 5)} {AXIS_Y - 5}" stroke="{MUTED}" '
                f'stroke-width="1.5"/>'
            )
        start, end = part[0].at, part[-1].at
        duration = (end - start).total_seconds()
        inner_l, inner_r = left + 8, right - 8
        if left >= last_label_end + 6:
            label = label_text(start)
            out.append(
                f'<line x1="{num(left)}" y1="{AXIS_Y}" x2="{num(left)}" y2="{AXIS_Y + 5}" '
                f'stroke="{MUTED}"/>'
                f'<text x="{num(left)}" y="{AXIS_Y + 18}" fill="{MUTED}">{esc(label)}</text>'
            )
            last_label_end = left + 7 * len(label)
        end_label = end.astimezone(UTC).strftime(
            "%H:%M" if end.date() == start.date() else "%-d %b %H:%M"
        )
        if duration > 0 and right - left >= 7 * (len(label_text(start)) + len(end_label)) + 16:
            out.append(
                f'<line x1="{num(right)}" y1="{AXIS_Y}" x2="{num(right)}" y2="{AXIS_Y + 5}" '
                f'stroke="{MUTED}"/>'
                f'<text x="{num(right)}" y="{AXIS_Y + 18}" text-anchor="end" fill="{MUTED}">'
                f"{esc(end_label)}</text>"
            )
        for item in part:
            if duration <= 0 or inner_r <= inner_l:
                x = (left + right) / 2
            else:
                x = inner_l + (inner_r - inner_l) * (item.at - start).total_seconds() / duration
            out.append(mark(item, x, lane_y[item.lane]))
    out.append("</svg>")
    return Markup("".join(out))


# ---- progress chart ------------------------------------------------------------------------
# Drawn in the browser by Chart.js (static/src/journal.js, the library the instructor dashboard
# uses); the server decides the axis (span and round, labelled ticks) so it is tested here, and
# the page keeps the same numbers as tables for readers without the picture.

STEPS = (
    [timedelta(minutes=m) for m in (1, 2, 5, 10, 15, 30)]
    + [timedelta(hours=h) for h in (1, 2, 3, 6, 12)]
    + [timedelta(days=d) for d in (1, 2, 7, 14, 30, 91, 182, 365)]
)
# The axis spans the data plus a margin, and at least this much (one check is not a day).
MIN_SPAN = timedelta(minutes=20)


def axis_range(times: Sequence[datetime]) -> tuple[datetime, datetime]:
    """The time axis for these points: their span plus a small margin, never under MIN_SPAN."""
    start, end = min(times), max(times)
    if end - start < MIN_SPAN:
        middle = start + (end - start) / 2
        return middle - MIN_SPAN / 2, middle + MIN_SPAN / 2
    pad = max((end - start) * 0.05, timedelta(minutes=1))
    return start - pad, end + pad


def tick_step(start: datetime, end: datetime, most: int = 6) -> timedelta:
    """The smallest round step that puts at most `most` ticks between start and end."""
    span = (end - start).total_seconds()
    return next((s for s in STEPS if span / s.total_seconds() <= most), STEPS[-1])


def time_ticks(start: datetime, end: datetime, most: int = 6) -> list[datetime]:
    """Round times between start and end, at most `most` of them."""
    step = tick_step(start, end, most)
    midnight = start.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if step < timedelta(days=1):
        tick = midnight + step * math.ceil((start - midnight) / step)
    else:
        tick = midnight if midnight >= start else midnight + timedelta(days=1)
    ticks = []
    while tick <= end:
        ticks.append(tick)
        tick += step
    return ticks


def tick_label(
    tick: datetime, step: timedelta, years: bool, previous: datetime | None = None
) -> str:
    """'27 Nov' for days (with the year when the axis crosses one); for hours and minutes
    '10:30', with the date in front on the first tick and wherever the day changes."""
    at = tick.astimezone(UTC)
    day = "%-d %b" + (" %Y" if years else "")
    if step >= timedelta(days=1):
        return at.strftime(day)
    new_day = previous is None or previous.astimezone(UTC).date() != at.date()
    return at.strftime(f"{day} %H:%M" if new_day else "%H:%M")


def progress_description(solves: Sequence[SolvePoint], eqs: Sequence[EqPoint]) -> str:
    """The chart in one or two sentences (the canvas's accessible name says it)."""
    text = []
    if solves:
        counts = [p.checks for p in solves]
        text.append(
            f"{plural(len(solves), 'exercise')} solved, taking {min(counts)} to "
            f"{max(counts)} checks; the latest took {counts[-1]}."
        )
    if eqs:
        text.append(
            f"Struggle score (EQ) over {plural(len(eqs), 'session')}, from "
            f"{min(p.eq for p in eqs):.2f} to {max(p.eq for p in eqs):.2f}; "
            f"the latest was {eqs[-1].eq:.2f}."
        )
    return " ".join(text)


def epoch_ms(at: datetime) -> int:
    """Milliseconds since 1970 (Chart.js's linear axis takes plain numbers)."""
    return round(at.timestamp() * 1000)


def progress_chart_data(
    solves: Sequence[SolvePoint],
    eqs: Sequence[EqPoint],
    titles: dict[str, str],
    eq_threshold: float = DEFAULTS.eq_threshold,
) -> dict | None:
    """What journal.js draws: checks-to-solve and EQ per session on one time axis; None empty.

    Titles go into JSON and are drawn on a canvas as text, never parsed as HTML."""
    if not solves and not eqs:
        return None
    start, end = axis_range([p.at for p in solves] + [p.at for p in eqs])
    step = tick_step(start, end)
    years = start.year != end.year
    ticks, previous = [], None
    for tick in time_ticks(start, end):
        ticks.append({"value": epoch_ms(tick), "label": tick_label(tick, step, years, previous)})
        previous = tick
    return {
        "axis": {"min": epoch_ms(start), "max": epoch_ms(end), "ticks": ticks},
        "solves": [
            {
                "x": epoch_ms(p.at),
                "y": p.checks,
                "label": f"{titles.get(p.exercise_id, p.exercise_id)[:TOOLTIP_CHARS]}: solved in "
                f"{plural(p.checks, 'check')} · {when(p.at)}",
            }
            for p in solves
        ],
        "eqs": [
            {
                "x": epoch_ms(p.at),
                "y": round(p.eq, 3),
                "label": f"{titles.get(p.exercise_id, p.exercise_id)[:TOOLTIP_CHARS]}: EQ "
                f"{p.eq:.2f} over {plural(p.checks, 'check')} · session ending {when(p.at)}",
            }
            for p in eqs
        ],
        "threshold": eq_threshold,
        "description": progress_description(solves, eqs),
    }
