"""The journal's pure computations and SVG charts, on hand-built data with fixed datetimes."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest

from app.friction.rules import Action
from app.friction.rules import Rule
from app.journal.charts import esc
from app.journal.charts import progress_chart_data
from app.journal.charts import time_ticks
from app.journal.charts import timeline_svg
from app.journal.insights import CheckRow
from app.journal.insights import EqPoint
from app.journal.insights import ExerciseTimeline
from app.journal.insights import SolvePoint
from app.journal.insights import eq_series
from app.journal.insights import event_label
from app.journal.insights import merge_timeline
from app.journal.insights import parse_filters
from app.journal.insights import practice_streaks
from app.journal.insights import solve_series
from app.journal.insights import stuck_point
from app.journal.insights import weekly_summary
from app.models import FrictionEvent
from app.models import JournalEntry

NOW = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)  # a Friday
SVG = "{http://www.w3.org/2000/svg}"


class Checks:
    """Build CheckRows: 'P' passes, any other letter fails with that test as its first failure."""

    def __init__(self) -> None:
        self.next_id = 1

    def __call__(
        self, exercise: str, spec: str, start: datetime, gap_s: float = 60
    ) -> list[CheckRow]:
        rows = []
        for i, s in enumerate(spec):
            rows.append(
                CheckRow(
                    id=self.next_id,
                    exercise_id=exercise,
                    at=start + timedelta(seconds=i * gap_s),
                    passed=s == "P",
                    status="passed" if s == "P" else "failed",
                    tests_passed=2 if s == "P" else 1,
                    tests_total=2,
                    first_failure=None if s == "P" else f"test {s}",
                    error_type=None,
                    code_hash=f"h{self.next_id}",
                )
            )
            self.next_id += 1
        return rows


@pytest.fixture
def make():
    return Checks()


# ---- streaks -------------------------------------------------------------------------------


def days(*numbers: int) -> list[date]:
    return [date(2026, 11, n) for n in numbers]


def test_streak_counts_back_from_today():
    streaks = practice_streaks(days(1, 2, 3, 5, 6, 6), today=date(2026, 11, 6))
    assert (streaks.current, streaks.longest, streaks.practised_today) == (2, 3, True)
    assert streaks.days == 5


def test_streak_is_still_alive_the_day_after():
    streaks = practice_streaks(days(4, 5, 6), today=date(2026, 11, 7))
    assert (streaks.current, streaks.longest, streaks.practised_today) == (3, 3, False)


def test_streak_is_broken_after_a_day_off():
    streaks = practice_streaks(days(4, 5, 6), today=date(2026, 11, 8))
    assert (streaks.current, streaks.longest) == (0, 3)


def test_no_practice_no_streak():
    streaks = practice_streaks([], today=date(2026, 11, 8))
    assert (streaks.current, streaks.longest, streaks.days) == (0, 0, 0)


def test_streak_crosses_a_month_end():
    streaks = practice_streaks(
        [date(2026, 10, 30), date(2026, 10, 31), date(2026, 11, 1)], today=date(2026, 11, 1)
    )
    assert (streaks.current, streaks.longest) == (3, 3)


# ---- checks to solve, EQ, stuck point -----------------------------------------------------


def test_checks_to_solve_counts_up_to_the_first_pass(make):
    rows = make("a", "XXP", NOW - timedelta(days=3)) + make("b", "P", NOW - timedelta(days=1))
    rows += make("c", "XX", NOW)  # not solved: no point
    rows += make("b", "XP", NOW)  # checks after the first pass do not change it
    series = solve_series(rows)
    assert [(p.exercise_id, p.checks) for p in series] == [("a", 3), ("b", 1)]
    assert series[0].at == NOW - timedelta(days=3) + timedelta(seconds=120)


def test_eq_per_session_worked_by_hand(make):
    # One session A A B P: (1 + 8/11 + 0) / 3 = 19/33. Then 30 minutes idle: a new session
    # A A -> 1. A lone check later is no session score at all.
    start = NOW - timedelta(hours=3)
    rows = make("e", "AABP", start) + make("e", "AA", start + timedelta(minutes=33))
    rows += make("e", "A", start + timedelta(hours=2))
    series = eq_series(rows, idle_s=20 * 60)
    assert [p.eq for p in series] == pytest.approx([19 / 33, 1.0])
    assert [p.checks for p in series] == [4, 2]


def test_stuck_point_is_the_most_frequent_failure_and_a_tie_goes_to_the_latest(make):
    rows = make("a", "XXY", NOW - timedelta(hours=2)) + make("b", "Y", NOW)
    stuck = stuck_point(rows)
    assert (stuck.description, stuck.count) == ("test Y", 2)
    rows = make("a", "XXXY", NOW - timedelta(hours=2))
    assert stuck_point(rows).description == "test X"
    assert stuck_point(make("a", "PP", NOW)) is None


def test_stuck_point_names_an_unusual_error_type():
    row = CheckRow(1, "a", NOW, False, "error", 0, 0, None, "SyntaxError")
    assert stuck_point([row]).description == "SyntaxError"
    row = CheckRow(2, "a", NOW, False, "failed", 0, 2, "adds 2 and 3", "TypeError")
    assert stuck_point([row]).description == "adds 2 and 3 (TypeError)"


# ---- the weekly summary --------------------------------------------------------------------


def test_weekly_summary_in_plain_words(make):
    day = NOW - timedelta(days=2)
    rows = (
        make("a", "XXXXP", day)  # 5 checks
        + make("b", "P", day + timedelta(hours=1))  # 1
        + make("c", "XYP", day + timedelta(hours=2))  # 3: not more than 3
        + make("d", "XXXP", day + timedelta(hours=3))  # 4
    )
    summary = weekly_summary(rows, NOW)
    assert summary.text == (
        "This week you solved 4 exercises; 2 took more than 3 tries; "
        "your most common stuck point was “test X” (8 times)."
    )
    assert (summary.solved, summary.hard, summary.checks) == (4, 2, 13)


def test_weekly_summary_is_honest_when_there_is_nothing(make):
    old = make("a", "XXP", NOW - timedelta(days=9))
    assert weekly_summary([], NOW).text == "No checks this week yet."
    assert weekly_summary(old, NOW).text == "No checks this week yet."


def test_a_solve_counts_in_the_week_of_its_first_pass(make):
    # Two failures last week, the pass this week: solved this week, in 3 checks.
    rows = make("a", "XX", NOW - timedelta(days=8)) + make("a", "P", NOW - timedelta(hours=1))
    summary = weekly_summary(rows, NOW)
    assert summary.text == "This week you solved 1 exercise; it took 3 checks; no check failed."
    # Solved last week and checked again this week: not a solve of this week.
    rows = make("b", "P", NOW - timedelta(days=8)) + make("b", "P", NOW - timedelta(hours=1))
    assert weekly_summary(rows, NOW).solved == 0


def test_weekly_summary_without_a_solve(make):
    rows = make("a", "XX", NOW - timedelta(hours=1))
    assert weekly_summary(rows, NOW).text == (
        "This week you made 2 checks on 1 exercise and have not solved one yet; "
        "your most common stuck point was “test X” (2 times)."
    )


def test_weekly_summary_when_none_was_hard(make):
    rows = make("a", "P", NOW - timedelta(hours=3)) + make("b", "XP", NOW - timedelta(hours=1))
    assert weekly_summary(rows, NOW).text == (
        "This week you solved 2 exercises; none took more than 3 tries; "
        "your most common stuck point was “test X” (once)."
    )


# ---- filters and the merged timeline -------------------------------------------------------


def test_unknown_filters_are_said_and_ignored():
    filters = parse_filters("nope", "poems", ["basics"])
    assert (filters.track, filters.kind) == (None, None)
    assert len(filters.notes) == 2
    filters = parse_filters("basics", "plan", ["basics"])
    assert (filters.track, filters.kind, filters.notes) == ("basics", "plan", ())


def entry(kind="after_failure", at=NOW, skipped=False, **fields) -> JournalEntry:
    return JournalEntry(
        kind=kind, created_at=at, skipped=skipped, exercise_id="a", user_id=1, **fields
    )


def event(rule, action, at, id_) -> FrictionEvent:
    return FrictionEvent(
        id=id_, rule=rule, action=action, created_at=at, exercise_id="a", user_id=1
    )


def test_timeline_merges_checks_entries_and_events_in_time_order(make):
    start = NOW - timedelta(minutes=10)
    rows = make("a", "XXP", start)
    items = merge_timeline(
        rows,
        [entry(at=start + timedelta(seconds=90), error_in_own_words="minus", cause_guess="sign")],
        [
            event("F1", "shown", start + timedelta(seconds=70), 1),
            event("F1", "shown", start + timedelta(seconds=80), 2),  # same card again: one mark
            event("F1", "completed", start + timedelta(seconds=90), 3),  # echoes the entry
            event("F6", "break_taken", start + timedelta(seconds=100), 4),
        ],
    )
    assert [(i.lane, i.mark) for i in items] == [
        ("check", "fail"),
        ("check", "fail"),
        ("event", "event"),
        ("entry", "entry"),
        ("event", "event"),
        ("check", "pass"),
    ]
    assert items[3].detail == "The error: minus; Cause, I guess: sign"
    assert items[4].label == "Took a break"


def test_a_skip_is_a_mark_of_its_own():
    items = merge_timeline([], [entry(kind="plan", skipped=True)], [])
    assert (items[0].mark, items[0].label, items[0].detail) == (
        "skip",
        "Plan (skipped)",
        "Skipped.",
    )


# ---- SVG -----------------------------------------------------------------------------------


def timeline_of(items, title="Add two numbers") -> ExerciseTimeline:
    return ExerciseTimeline(exercise_id="a", title=title, track="basics", items=items)


def test_timeline_svg_escapes_learner_text_and_is_well_formed(make):
    nasty = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    items = merge_timeline(
        make("a", "XP", NOW), [entry(error_in_own_words=nasty, cause_guess="\x00\x1b odd")], []
    )
    svg = str(timeline_svg(timeline_of(items, title="<b>bold</b>"), "tl-0"))
    assert "<script" not in svg and "<img" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg and "&lt;b&gt;bold&lt;/b&gt;" in svg
    root = ET.fromstring(svg)  # parses: nothing broke out of its element
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert any(t and nasty in t for t in titles)
    assert not root.findall(f".//{SVG}script")


def test_timeline_svg_shape_differs_for_pass_and_fail(make):
    items = merge_timeline(make("a", "XP", NOW), [], [])
    root = ET.fromstring(str(timeline_svg(timeline_of(items), "tl-1")))
    groups = {g.get("class"): g for g in root.iter(f"{SVG}g")}
    fail, passed = groups["mark mark-fail"], groups["mark mark-pass"]
    assert (
        fail.find(f"{SVG}path") is not None and fail.find(f"{SVG}path").get("stroke") == "#b42318"
    )
    assert [c.get("fill") for c in passed.findall(f"{SVG}circle")] == ["transparent", "#1a7f37"]
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "tl-1-title tl-1-desc"
    desc = root.find(f"{SVG}desc").text
    assert desc.startswith("2 checks (1 passed, 1 failed), 0 journal entries")


def test_timeline_svg_cuts_long_pauses_out_of_the_axis(make):
    rows = make("a", "XX", NOW - timedelta(days=3)) + make("a", "XP", NOW)
    root = ET.fromstring(str(timeline_svg(timeline_of(merge_timeline(rows, [], [])), "tl-2")))
    labels = [t.text for t in root.iter(f"{SVG}text")][3:]  # after the three lane names
    # Each sitting is labelled with its start and end.
    assert labels == ["24 Nov 18:00", "18:01", "27 Nov 18:00", "18:01"]
    xs = [float(c.get("cx")) for c in root.iter(f"{SVG}circle") if c.get("r") == "10"]
    # Three days of pause take a small break mark; the minute between two checks gets room.
    assert xs[2] - xs[1] < 60 < xs[1] - xs[0]


def test_progress_chart_data_names_each_point_and_the_break_threshold():
    solves = [
        SolvePoint(NOW - timedelta(days=2), "a", 5),
        SolvePoint(NOW - timedelta(days=1), "b", 2),
    ]
    eqs = [EqPoint(NOW - timedelta(days=2), "a", 0.72, 6)]
    data = progress_chart_data(solves, eqs, {"a": "<script>x</script>", "b": "Bee"}, 0.6)
    assert [p["y"] for p in data["solves"]] == [5, 2]
    assert data["solves"][1]["label"].startswith("Bee: solved in 2 checks")
    assert data["eqs"][0]["y"] == 0.72 and "over 6 checks" in data["eqs"][0]["label"]
    assert data["threshold"] == 0.6
    assert "0.72" in data["description"]
    # Every point sits inside the axis, and every tick too.
    xs = [p["x"] for p in data["solves"] + data["eqs"]]
    assert data["axis"]["min"] < min(xs) and max(xs) < data["axis"]["max"]
    axis = data["axis"]
    assert all(axis["min"] <= tick["value"] <= axis["max"] for tick in axis["ticks"])


def test_progress_chart_data_is_none_without_data():
    assert progress_chart_data([], [], {}) is None


def test_time_ticks_are_round_and_few():
    ticks = time_ticks(datetime(2026, 11, 1, 9, 17, tzinfo=UTC), datetime(2026, 11, 20, tzinfo=UTC))
    assert 2 <= len(ticks) <= 6
    assert all(t.hour == 0 and t.minute == 0 for t in ticks)
    ticks = time_ticks(
        datetime(2026, 11, 1, 9, 17, tzinfo=UTC), datetime(2026, 11, 1, 14, tzinfo=UTC)
    )
    assert [t.hour for t in ticks] == [10, 11, 12, 13, 14]


def test_esc_drops_control_characters_and_shortens():
    assert esc("a\x00b<", limit=None) == "ab&lt;"
    assert esc("x" * 10, limit=5) == "xxxx…"


def test_progress_axis_fits_a_short_session_in_minutes():
    # 25 minutes of practice: the axis spans those minutes, not most of a day.
    start = datetime(2026, 11, 27, 10, 3, tzinfo=UTC)
    solves = [SolvePoint(start + timedelta(minutes=m), f"e{m}", 2 + m % 3) for m in (0, 11, 25)]
    eqs = [EqPoint(start + timedelta(minutes=20), "e11", 0.4, 5)]
    axis = progress_chart_data(solves, eqs, {})["axis"]
    assert axis["max"] - axis["min"] <= 30 * 60 * 1000
    labels = [t["label"] for t in axis["ticks"]]
    assert labels[0] == "27 Nov 10:05" and all(len(label) == 5 for label in labels[1:])
    assert len(labels) >= 3 and len(set(labels)) == len(labels)


def test_progress_axis_names_the_new_day():
    start = datetime(2026, 11, 27, 23, 40, tzinfo=UTC)
    solves = [
        SolvePoint(start + timedelta(seconds=20 * i), f"e{i}", 3 + (i % 2)) for i in range(12)
    ] + [SolvePoint(start + timedelta(hours=1), "late", 4)]
    labels = [t["label"] for t in progress_chart_data(solves, [], {})["axis"]["ticks"]]
    assert "28 Nov 00:00" in labels
    assert 2 <= len(labels) <= 6


def test_the_cooldown_is_named_without_a_length_a_course_may_change():
    # A course sets its own wait (cooldown_s); the journal must not claim the default's 20 s.
    for action in (Action.SHOWN, Action.WAITED, Action.FLAGGED):
        label = event_label(FrictionEvent(rule=Rule.COOLDOWN, action=action))
        assert "pause before the next check" in label.lower()
        assert not re.search(r"\d", label)
