"""The learner's journal page: queries and pure computations, every one scoped to ONE user id.

Nothing here can read another learner's rows: each query takes the user id and filters on it,
and the pure functions only ever see what those queries returned. Days and weeks are UTC days
(the server does not know the learner's time zone); the page says so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from ..exercises import Catalog
from ..extensions import db
from ..friction.config import DEFAULTS
from ..friction.metrics import CheckPoint
from ..friction.metrics import eq
from ..friction.metrics import error_signature
from ..friction.metrics import split_sessions
from ..friction.rules import Action
from ..friction.rules import Rule
from ..grading.verdict import ABORTED
from ..models import Attempt
from ..models import EntryKind
from ..models import Exercise as ExerciseRow
from ..models import FrictionEvent
from ..models import JournalEntry
from ..models import utcnow

# A solve that took more checks than this counts as "took more than N tries" in the summary.
MANY_TRIES = 3
WEEK = timedelta(days=7)

KIND_LABELS = {
    EntryKind.PLAN.value: "Plan",
    EntryKind.AFTER_FAILURE.value: "Reflection after a failed check",
    EntryKind.AFTER_SUCCESS.value: "Reflection after solving",
    EntryKind.BREAK.value: "Break",
    EntryKind.REENTRY.value: "Coming back",
    EntryKind.FREE.value: "Note",
}

RULE_LABELS = {
    Rule.PLAN: "plan card",
    Rule.REFLECT: "reflection card",
    Rule.COOLDOWN: "pause before the next check",  # its length is the course's to set
    Rule.FIRST_HINT: "hint",
    Rule.NEXT_HINT: "hint",
    Rule.BOTTOM_OUT: "bottom-out hint",
    Rule.BREAK: "break offer",
    Rule.REENTRY: "re-entry card",
    Rule.REFERENCE: "success reflection",
    Rule.FOLLOW_UP: "follow-up",
}

ACTION_LABELS = {
    Action.SHOWN: "{rule} shown",
    Action.FLAGGED: "Check sent while the {rule} was open (stored, flagged)",
    Action.BREAK_TAKEN: "Took a break",
    Action.WORKED_EXAMPLE: "Opened the worked example",
    Action.KEPT_GOING: "Chose to keep going",
    Action.WAITED: "Waited out the {rule}",
    Action.EXPLAINED: "Explained the {rule} in one line",
    Action.COMPLETED: "{rule} completed",
    Action.SKIPPED: "{rule} skipped",
}

STATUS_LABELS = {
    "failed": "Check failed",
    "error": "Check failed with an error",
    "timeout": "Check timed out",
}

# These events repeat what a journal entry already shows (record_entry logs both).
ENTRY_ECHO_ACTIONS = {Action.COMPLETED, Action.SKIPPED}


# ---- rows as the page sees them ------------------------------------------------------------


@dataclass(frozen=True)
class CheckRow:
    """One graded check (no file contents: the page does not need them)."""

    id: int
    exercise_id: str
    at: datetime
    passed: bool
    status: str
    tests_passed: int
    tests_total: int
    first_failure: str | None
    error_type: str | None
    gate: str | None = None
    code_hash: str = ""
    # The server's re-check confirmed a claimed pass (app/recheck): "solved" follows it, so the
    # journal and the track page count alike.
    verified: bool = True

    @property
    def signature(self) -> str | None:
        """What makes two failures 'the same error' (app.friction.metrics.error_signature)."""
        return None if self.passed else error_signature(self.error_type, self.first_failure)

    def point(self) -> CheckPoint:
        """The check as the struggle metrics see it."""
        return CheckPoint(
            at=self.at, passed=self.passed, signature=self.signature, code_hash=self.code_hash
        )


@dataclass(frozen=True)
class TimelineItem:
    """One mark on an exercise's timeline: a check, a journal entry, or a friction event."""

    at: datetime
    lane: str  # "check" | "entry" | "event"
    mark: str  # "pass" | "fail" | "entry" | "skip" | "event"
    label: str  # short, e.g. "Check failed"
    detail: str = ""  # the longer text: tests, the learner's words, ...
    kind: str | None = None  # the entry kind, for entries


@dataclass
class ExerciseTimeline:
    """Everything that happened on one exercise, oldest first."""

    exercise_id: str
    title: str
    track: str
    items: list[TimelineItem] = field(default_factory=list)
    checks: int = 0
    failed: int = 0
    checks_to_solve: int | None = None
    solved_at: datetime | None = None

    @property
    def last_at(self) -> datetime | None:
        """When something last happened here."""
        return self.items[-1].at if self.items else None


@dataclass(frozen=True)
class SolvePoint:
    """An exercise solved: when, and how many checks it took (up to and including the pass)."""

    at: datetime
    exercise_id: str
    checks: int


@dataclass(frozen=True)
class EqPoint:
    """The struggle score (EQ) of one study session on one exercise."""

    at: datetime  # the session's last check
    exercise_id: str
    eq: float
    checks: int


@dataclass(frozen=True)
class Streaks:
    """Days practised in a row (UTC days)."""

    current: int
    longest: int
    practised_today: bool
    days: int  # days practised in all


@dataclass(frozen=True)
class StuckPoint:
    """The most frequent failure: its signature, what the learner read, and how often."""

    signature: str
    description: str
    count: int


@dataclass(frozen=True)
class WeeklySummary:
    """The last seven days in plain words."""

    text: str
    checks: int
    solved: int
    hard: int
    stuck: StuckPoint | None


@dataclass(frozen=True)
class Filters:
    """The page's filters, checked against what exists; problems are said, not raised."""

    track: str | None = None
    kind: str | None = None
    notes: tuple[str, ...] = ()


@dataclass
class JournalPage:
    """Everything the journal page shows."""

    filters: Filters
    tracks: list[tuple[str, str]]  # (slug, title) of the tracks the learner has worked on
    kinds: list[tuple[str, str]]
    timelines: list[ExerciseTimeline]
    entries: list[JournalEntry]
    titles: dict[str, str]
    solves: list[SolvePoint]
    eqs: list[EqPoint]
    streaks: Streaks
    summary: WeeklySummary
    has_data: bool


# ---- pure computations ---------------------------------------------------------------------


def by_exercise(checks: Iterable[CheckRow]) -> dict[str, list[CheckRow]]:
    """Group checks per exercise, each group oldest first."""
    groups: dict[str, list[CheckRow]] = {}
    for check in sorted(checks, key=lambda c: (c.at, c.id)):
        groups.setdefault(check.exercise_id, []).append(check)
    return groups


def first_solve(checks: Sequence[CheckRow]) -> tuple[int, datetime] | None:
    """(checks up to and including the first verified pass, when) for one exercise, or None."""
    for index, check in enumerate(checks):
        if check.passed and check.verified:
            return index + 1, check.at
    return None


def solve_series(checks: Iterable[CheckRow]) -> list[SolvePoint]:
    """Checks-to-solve for every solved exercise, in the order they were solved."""
    points = []
    for exercise_id, group in by_exercise(checks).items():
        solved = first_solve(group)
        if solved:
            points.append(SolvePoint(at=solved[1], exercise_id=exercise_id, checks=solved[0]))
    return sorted(points, key=lambda p: p.at)


def eq_series(checks: Iterable[CheckRow], idle_s: float = DEFAULTS.session_idle_s) -> list[EqPoint]:
    """EQ per study session per exercise (sessions end after idle_s), in time order."""
    points = []
    for exercise_id, group in by_exercise(checks).items():
        for session in split_sessions([c.point() for c in group], idle_s):
            value = eq(session)
            if value is not None:
                points.append(
                    EqPoint(
                        at=session[-1].at, exercise_id=exercise_id, eq=value, checks=len(session)
                    )
                )
    return sorted(points, key=lambda p: p.at)


def practice_streaks(days: Iterable[date], today: date) -> Streaks:
    """Current and longest runs of consecutive practice days.

    The current streak counts back from today, or from yesterday when today has no practice
    yet (the streak is still alive: practising today keeps it going).
    """
    unique = sorted(set(days))
    longest = run = 0
    previous: date | None = None
    for day in unique:
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    practised = set(unique)
    start = today if today in practised else today - timedelta(days=1)
    current = 0
    while start - timedelta(days=current) in practised:
        current += 1
    return Streaks(
        current=current, longest=longest, practised_today=today in practised, days=len(unique)
    )


def stuck_point(failures: Iterable[CheckRow]) -> StuckPoint | None:
    """The most frequent failing test (error signature); a tie goes to the most recent one."""
    counts: Counter[str] = Counter()
    latest: dict[str, CheckRow] = {}
    for check in failures:
        if check.passed or check.signature is None:
            continue
        counts[check.signature] += 1
        if check.signature not in latest or (check.at, check.id) >= (
            latest[check.signature].at,
            latest[check.signature].id,
        ):
            latest[check.signature] = check
    if not counts:
        return None
    signature = max(counts, key=lambda s: (counts[s], latest[s].at, latest[s].id))
    return StuckPoint(
        signature=signature,
        description=describe_failure(latest[signature]),
        count=counts[signature],
    )


def describe_failure(check: CheckRow) -> str:
    """What the learner read when the check failed: the test's description and the error type."""
    what = (check.first_failure or "").strip()
    error = (check.error_type or "").strip()
    if what and error and error != "AssertionError":
        return f"{what} ({error})"
    return what or error or "a failing check with no test named"


def plural(count: int, one: str, many: str | None = None) -> str:
    """'1 exercise', '3 exercises'."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def weekly_summary(checks: Iterable[CheckRow], now: datetime) -> WeeklySummary:
    """The last seven days in plain words, honest when there is nothing to say.

    `checks` are all of one learner's checks (a solve counts this week when its first pass is
    in the window; its tries count every check before it, even from earlier weeks).
    """
    since = now - WEEK
    all_checks = list(checks)
    week = [c for c in all_checks if since < c.at <= now]
    if not week:
        return WeeklySummary("No checks this week yet.", 0, 0, 0, None)
    solves = [p for p in solve_series(all_checks) if since < p.at <= now]
    hard = sum(p.checks > MANY_TRIES for p in solves)
    stuck = stuck_point(c for c in week if not c.passed)
    exercises = len({c.exercise_id for c in week})
    if solves:
        parts = [f"This week you solved {plural(len(solves), 'exercise')}"]
        if len(solves) == 1:
            parts.append(f"it took {plural(solves[0].checks, 'check')}")
        elif hard:
            parts.append(f"{hard} took more than {MANY_TRIES} tries")
        else:
            parts.append(f"none took more than {MANY_TRIES} tries")
    else:
        parts = [
            f"This week you made {plural(len(week), 'check')} on {plural(exercises, 'exercise')} "
            "and have not solved one yet"
        ]
    if stuck:
        times = "once" if stuck.count == 1 else f"{stuck.count} times"
        parts.append(f"your most common stuck point was “{stuck.description}” ({times})")
    else:
        parts.append("no check failed")
    return WeeklySummary(
        text="; ".join(parts) + ".",
        checks=len(week),
        solved=len(solves),
        hard=hard,
        stuck=stuck,
    )


def check_item(check: CheckRow) -> TimelineItem:
    """A check as a timeline mark."""
    tests = f"{check.tests_passed} of {plural(check.tests_total, 'test')} passed"
    gate = (
        f" (sent while the {RULE_LABELS.get(check.gate, check.gate)} was open)"
        if check.gate
        else ""
    )
    if check.passed:
        return TimelineItem(check.at, "check", "pass", "Check passed", tests + gate)
    label = STATUS_LABELS.get(check.status, f"Check failed ({check.status})")
    detail = f"{tests}; first failure: {describe_failure(check)}{gate}"
    return TimelineItem(check.at, "check", "fail", label, detail)


def entry_text(entry: JournalEntry) -> str:
    """The learner's words in an entry, as one line (for tooltips and the text list)."""
    if entry.skipped:
        return "Skipped."
    parts = []
    for name, label in (
        ("goal", "Goal"),
        ("prediction", "Prediction"),
        ("error_in_own_words", "The error"),
        ("cause_guess", "Cause, I guess"),
        ("next_change", "Next change"),
        ("what_worked", "What worked"),
        ("explanation", "Explanation"),
        ("text", ""),
    ):
        value = getattr(entry, name)
        if value:
            parts.append(f"{label}: {value}" if label else value)
    if entry.confidence:
        parts.append(f"confidence {entry.confidence} of 5")
    if entry.expected_tries:
        parts.append(f"expected {plural(entry.expected_tries, 'try', 'tries')}")
    if entry.emotions:
        parts.append("felt " + ", ".join(entry.emotions))
    return "; ".join(parts)


def entry_item(entry: JournalEntry) -> TimelineItem:
    """A journal entry as a timeline mark."""
    label = KIND_LABELS.get(entry.kind, entry.kind)
    return TimelineItem(
        entry.created_at,
        "entry",
        "skip" if entry.skipped else "entry",
        f"{label} (skipped)" if entry.skipped else label,
        entry_text(entry),
        kind=entry.kind,
    )


def event_label(event: FrictionEvent) -> str:
    """'Took a break', 'Check sent while the reflection card was open (stored, flagged)', ..."""
    rule = RULE_LABELS.get(event.rule, event.rule)
    template = ACTION_LABELS.get(event.action, "{rule}: " + event.action)
    text = template.format(rule=rule)
    return text[0].upper() + text[1:]


def event_item(event: FrictionEvent) -> TimelineItem:
    """A friction event as a timeline mark."""
    detail = ""
    if event.details and event.rule == Rule.BREAK and "eq" in event.details:
        value = event.details.get("eq")
        if isinstance(value, int | float):
            detail = f"struggle score (EQ) {value:.2f}"
    elif event.details and event.action == "explained":
        detail = str(event.details.get("explanation") or "")
    return TimelineItem(event.created_at, "event", "event", event_label(event), detail)


def merge_timeline(
    checks: Sequence[CheckRow], entries: Sequence[JournalEntry], events: Sequence[FrictionEvent]
) -> list[TimelineItem]:
    """Checks, entries and events of one exercise, in time order.

    Events that only echo an entry (completed/skipped) are left out, and a card shown again
    and again with no check in between is one mark.
    """
    items = [check_item(c) for c in checks] + [entry_item(e) for e in entries]
    ordered_events = sorted(events, key=lambda e: (e.created_at, e.id or 0))
    check_times = sorted(c.at for c in checks)
    kept: list[FrictionEvent] = []
    for event in ordered_events:
        if event.action in ENTRY_ECHO_ACTIONS:
            continue
        if kept and (kept[-1].rule, kept[-1].action) == (event.rule, event.action):
            if not any(kept[-1].created_at < t <= event.created_at for t in check_times):
                continue
        kept.append(event)
    items += [event_item(e) for e in kept]
    lane_order = {"check": 0, "event": 1, "entry": 2}
    return sorted(items, key=lambda i: (i.at, lane_order[i.lane]))


# ---- queries, each scoped to one user ------------------------------------------------------


def user_checks(user_id: int, exercise_ids: Iterable[str] | None = None) -> list[CheckRow]:
    """The learner's graded checks (not runs), oldest first."""
    query = sa.select(
        Attempt.id,
        Attempt.exercise_id,
        Attempt.created_at,
        Attempt.passed,
        Attempt.status,
        Attempt.tests_passed,
        Attempt.tests_total,
        Attempt.first_failure,
        Attempt.error_type,
        Attempt.gate,
        Attempt.code_hash,
        Attempt.verified,
    ).where(
        Attempt.user_id == user_id,
        Attempt.kind == "check",
        Attempt.status != ABORTED,  # stopped by the runner, not the learner: never counted
    )
    if exercise_ids is not None:
        query = query.where(Attempt.exercise_id.in_(list(exercise_ids)))
    rows = db.session.execute(query.order_by(Attempt.created_at, Attempt.id))
    return [CheckRow(*row) for row in rows]


def user_entries(
    user_id: int, kind: str | None = None, exercise_ids: Iterable[str] | None = None
) -> list[JournalEntry]:
    """The learner's journal entries, newest first (optionally one kind, some exercises)."""
    query = sa.select(JournalEntry).where(JournalEntry.user_id == user_id)
    if kind:
        query = query.where(JournalEntry.kind == kind)
    if exercise_ids is not None:
        query = query.where(JournalEntry.exercise_id.in_(list(exercise_ids)))
    return list(
        db.session.scalars(query.order_by(JournalEntry.created_at.desc(), JournalEntry.id.desc()))
    )


def user_events(user_id: int, exercise_ids: Iterable[str] | None = None) -> list[FrictionEvent]:
    """The learner's friction events, oldest first."""
    query = sa.select(FrictionEvent).where(FrictionEvent.user_id == user_id)
    if exercise_ids is not None:
        query = query.where(FrictionEvent.exercise_id.in_(list(exercise_ids)))
    return list(db.session.scalars(query.order_by(FrictionEvent.created_at, FrictionEvent.id)))


def practice_days(user_id: int) -> set[date]:
    """UTC days with a Run, a Check or a written journal entry by this learner."""
    attempt_times = db.session.scalars(
        sa.select(Attempt.created_at).where(Attempt.user_id == user_id)
    )
    entry_times = db.session.scalars(
        sa.select(JournalEntry.created_at).where(
            JournalEntry.user_id == user_id, JournalEntry.skipped.is_(False)
        )
    )
    return {t.date() for t in [*attempt_times, *entry_times]}


def worked_exercises(user_id: int) -> dict[str, ExerciseRow]:
    """The exercises this learner has checked, written about or met a card on, by id."""
    ids: set[str] = set()
    for model in (Attempt, JournalEntry, FrictionEvent):
        ids.update(
            i
            for i in db.session.scalars(
                sa.select(model.exercise_id).where(model.user_id == user_id).distinct()
            )
            if i
        )
    if not ids:
        return {}
    return {
        row.id: row
        for row in db.session.scalars(sa.select(ExerciseRow).where(ExerciseRow.id.in_(ids)))
    }


# ---- the page ------------------------------------------------------------------------------


def parse_filters(track: str | None, kind: str | None, known_tracks: Iterable[str]) -> Filters:
    """Keep filters that name something real; say which ones were ignored."""
    notes = []
    track = (track or "").strip() or None
    kind = (kind or "").strip() or None
    if track and track not in set(known_tracks):
        notes.append("You have no work on that track yet, so all tracks are shown.")
        track = None
    if kind and kind not in KIND_LABELS:
        notes.append("There is no such kind of entry, so all kinds are shown.")
        kind = None
    return Filters(track=track, kind=kind, notes=tuple(notes))


def build_journal(
    user_id: int,
    catalog: Catalog | None,
    track: str | None = None,
    kind: str | None = None,
    now: datetime | None = None,
) -> JournalPage:
    """Everything on one learner's journal page (filters apply to timelines, charts, entries;
    the weekly summary and the streaks are about all of the learner's practice)."""
    now = now or utcnow()
    exercises = worked_exercises(user_id)
    track_titles = {
        slug: (catalog.tracks[slug].title if catalog and slug in catalog.tracks else slug)
        for slug in {row.track for row in exercises.values()}
    }
    filters = parse_filters(track, kind, track_titles)
    titles = {ex_id: row.title for ex_id, row in exercises.items()}
    in_scope = [
        ex_id for ex_id, row in exercises.items() if not filters.track or row.track == filters.track
    ]
    scope = in_scope if filters.track else None

    all_checks = user_checks(user_id)
    checks = [c for c in all_checks if scope is None or c.exercise_id in in_scope]
    entries = user_entries(user_id, filters.kind, scope)
    events = user_events(user_id, scope)

    grouped = by_exercise(checks)
    timelines = []
    for ex_id in in_scope:
        ex_checks = grouped.get(ex_id, [])
        ex_entries = [e for e in entries if e.exercise_id == ex_id]
        ex_events = [e for e in events if e.exercise_id == ex_id]
        items = merge_timeline(ex_checks, ex_entries, ex_events)
        if not items:
            continue
        solved = first_solve(ex_checks)
        timelines.append(
            ExerciseTimeline(
                exercise_id=ex_id,
                title=titles[ex_id],
                track=exercises[ex_id].track,
                items=items,
                checks=len(ex_checks),
                failed=sum(not c.passed for c in ex_checks),
                checks_to_solve=solved[0] if solved else None,
                solved_at=solved[1] if solved else None,
            )
        )
    timelines.sort(key=lambda t: t.last_at or now, reverse=True)
    days = practice_days(user_id)
    return JournalPage(
        filters=filters,
        tracks=sorted(track_titles.items(), key=lambda kv: kv[1].lower()),
        kinds=list(KIND_LABELS.items()),
        timelines=timelines,
        entries=entries,
        titles=titles,
        solves=solve_series(checks),
        eqs=eq_series(checks),
        streaks=practice_streaks(days, now.date()),
        summary=weekly_summary(all_checks, now),
        has_data=bool(exercises or entries or days),
    )


def entry_fields(entry: JournalEntry) -> list[tuple[str, Any]]:
    """The filled-in fields of an entry, labelled, for the entries list (values unescaped)."""
    labels = (
        ("goal", "Goal"),
        ("prediction", "Prediction"),
        ("confidence", "Confidence (1–5)"),
        ("expected_tries", "Expected tries"),
        ("error_in_own_words", "The error, in my words"),
        ("cause_guess", "My guess at the cause"),
        ("stage", "Stage"),
        ("attribution", "Put down to"),
        ("emotions", "Feelings"),
        ("intensity", "Intensity (1–5)"),
        ("next_change", "Next change"),
        ("what_worked", "What worked"),
        ("explanation", "Explanation"),
    )
    fields_ = []
    for name, label in labels:
        value = getattr(entry, name)
        if value in (None, "", []):
            continue
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        fields_.append((label, value))
    if entry.prediction_correct is not None and entry.prediction:
        fields_.append(("Prediction was", "right" if entry.prediction_correct else "not right"))
    return fields_
