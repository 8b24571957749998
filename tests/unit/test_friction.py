"""The friction rules and struggle metrics, against hand-worked examples."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest

from app.friction.config import DEFAULTS
from app.friction.config import with_overrides
from app.friction.engine import LearnerState
from app.friction.engine import decide
from app.friction.metrics import CheckPoint
from app.friction.metrics import eq
from app.friction.metrics import error_signature
from app.friction.metrics import red
from app.friction.metrics import split_sessions

T0 = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def checks(*spec: str, gap_s: float = 60, start: datetime = T0) -> list[CheckPoint]:
    """Checks from a compact spec: 'P' passes, any other letter fails with that signature."""
    return [
        CheckPoint(
            at=start + timedelta(seconds=i * gap_s),
            passed=s == "P",
            signature=None if s == "P" else s,
            code_hash=f"code{i}",
        )
        for i, s in enumerate(spec)
    ]


# ---- EQ and RED, worked by hand ------------------------------------------------------------


def test_eq_of_a_mixed_session_worked_by_hand():
    # pairs: (A,A) = (8+3)/11 = 1; (A,B) = 8/11; (B,pass) = 0  ->  mean = (1 + 8/11) / 3 = 19/33
    assert eq(checks("A", "A", "B", "P")) == pytest.approx(19 / 33)


def test_eq_is_zero_for_passes_and_undefined_for_one_check():
    assert eq(checks("P", "P", "P")) == 0
    assert eq(checks("A")) is None


def test_eq_is_one_for_the_same_error_again_and_again():
    assert eq(checks("A", "A", "A", "A")) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("AAB", 1 / 2),  # one run of r=1 -> 1/2
        ("AAAA", 9 / 4),  # r=3 -> 9/4
        ("AABB", 1 / 2 + 1 / 2),  # two runs of 1
        ("AAPAA", 1 / 2 + 1 / 2),  # a pass breaks the run
        ("ABAB", 0.0),
        ("AAAAA", 16 / 5),  # r=4 -> 3.2
    ],
)
def test_red_worked_by_hand(spec, expected):
    assert red(checks(*spec)) == pytest.approx(expected)


def test_sessions_split_after_twenty_idle_minutes():
    early = checks("A", "A", gap_s=60)
    late = checks("B", gap_s=60, start=T0 + timedelta(minutes=30))
    assert [len(s) for s in split_sessions(early + late, DEFAULTS.session_idle_s)] == [2, 1]


def test_error_signature_joins_type_and_failing_test():
    assert error_signature("ImportError", None) == "ImportError:"
    assert error_signature(None, "test_price") == "AssertionError:test_price"


# ---- the rules -------------------------------------------------------------------------------


def state(spec: str, gap_s: float = 60, after_s: float = 30, **extra) -> LearnerState:
    history = checks(*spec, gap_s=gap_s) if spec else []
    now = (history[-1].at if history else T0) + timedelta(seconds=after_s)
    return LearnerState(checks=history, now=now, **extra)


def test_f0_plan_card_on_a_fresh_exercise_only():
    assert decide(state("")).plan
    assert not decide(state("", planned=True)).plan
    assert not decide(state("A")).plan


def test_f1_reflection_after_two_failures_in_a_row():
    assert not decide(state("A")).reflect
    decision = decide(state("AB"))
    assert decision.reflect and "F1" in decision.rules and decision.gated
    assert not decide(state("APA")).reflect  # a pass in between resets the streak


def test_f1_a_reflection_lifts_the_gate_until_two_more_failures():
    history = checks("A", "B")
    reflected = [history[-1].at + timedelta(seconds=10)]
    assert not decide(
        LearnerState(history, history[-1].at + timedelta(seconds=20), reflections=reflected)
    ).reflect
    longer = checks("A", "B", "C")
    assert not decide(
        LearnerState(longer, longer[-1].at + timedelta(seconds=5), reflections=reflected)
    ).reflect
    longest = checks("A", "B", "C", "D")
    assert decide(
        LearnerState(longest, longest[-1].at + timedelta(seconds=5), reflections=reflected)
    ).reflect


def test_f2_unchanged_code_after_a_failure_waits_twenty_seconds():
    s = state("A", after_s=5)
    decision = decide(s, code_hash=s.checks[-1].code_hash)
    assert decision.wait_reason == "unchanged"
    assert decision.wait_until == s.checks[-1].at + timedelta(seconds=20)
    assert decide(s, code_hash="something new").wait_until is None
    assert decide(state("A", after_s=25), code_hash="code0").wait_until is None  # already waited


def test_f2_rapid_fire_failures_wait():
    decision = decide(state("ABC", gap_s=5, after_s=2), code_hash="new")
    assert decision.wait_reason == "rapid" and "F2" in decision.rules
    assert decide(state("ABC", gap_s=30, after_s=2), code_hash="new").wait_until is None


def test_f6_break_offered_when_eq_is_high_over_enough_checks():
    decision = decide(state("AAAAAAAA", gap_s=60))  # 8 checks, EQ = 1
    assert decision.offer_break and decision.eq == pytest.approx(1.0)
    assert not decide(state("ABCDEFG", gap_s=60)).offer_break  # 7 checks, different errors


def test_f6_break_offered_when_red_reaches_three():
    assert decide(state("AAAAA", gap_s=60)).offer_break  # RED 3.2 with only 5 checks


def test_f6_break_is_offered_once_per_session():
    s = state("AAAAA", gap_s=60)
    shown = [s.checks[-1].at]
    assert not decide(LearnerState(s.checks, s.now, break_offers=shown)).offer_break


def test_f7_reentry_after_a_long_pause_following_a_failure():
    assert decide(state("A", after_s=11 * 60)).reentry
    assert not decide(state("P", after_s=11 * 60)).reentry
    assert not decide(state("A", after_s=5 * 60)).reentry


def test_instructor_overrides_change_thresholds_and_refuse_typos():
    strict = with_overrides({"reflect_after_failures": 3, "cooldown_s": 40})
    assert not decide(state("AB"), strict).reflect
    assert decide(state("ABC"), strict).reflect
    with pytest.raises(ValueError, match="unknown friction setting"):
        with_overrides({"reflect_after_falures": 3})
    with pytest.raises(ValueError, match="number of 0 or more"):
        with_overrides({"cooldown_s": "soon"})


# ---- F3-F5: hints unlock by effort --------------------------------------------------------

from app.friction.engine import hint_status  # noqa: E402


def test_f3_first_hint_needs_two_genuine_failures_and_a_reflection():
    s = state("AB", after_s=5)
    assert not hint_status(s, [], levels=3).available
    reflected = LearnerState(s.checks, s.now, reflections=[s.checks[-1].at])
    status = hint_status(reflected, [], levels=3)
    assert status.available and status.next_level == 1 and status.rule == "F3"


def test_f3_a_resubmission_is_not_a_genuine_failure():
    history = checks("A", "A")
    same = [CheckPoint(c.at, c.passed, c.signature, code_hash="same") for c in history]
    s = LearnerState(same, same[-1].at + timedelta(seconds=5), reflections=[same[-1].at])
    status = hint_status(s, [], levels=3)
    assert not status.available and "1 to go" in status.reason


def test_f4_next_level_needs_a_new_genuine_check_and_a_cooldown():
    history = checks("A", "B", "C")
    first_hint = history[-1].at - timedelta(seconds=10)  # then check C, with changed code
    soon = LearnerState(history, history[-1].at + timedelta(seconds=5), reflections=[history[1].at])
    status = hint_status(soon, [(1, first_hint)], levels=3)
    assert not status.available and status.wait_until == first_hint + timedelta(seconds=60)
    later = LearnerState(history, first_hint + timedelta(seconds=61), reflections=[history[1].at])
    assert hint_status(later, [(1, first_hint)], levels=3).available
    no_new_check = LearnerState(history, history[-1].at + timedelta(minutes=5))
    assert not hint_status(
        no_new_check, [(1, history[-1].at + timedelta(seconds=1))], levels=3
    ).available


def test_f5_the_last_level_is_the_bottom_out_and_everything_opens_after_a_pass():
    history = checks("A", "B", "P")
    status = hint_status(LearnerState(history, history[-1].at), [(1, T0), (2, T0)], levels=3)
    assert status.available and status.rule == "F5"
    assert (
        hint_status(
            LearnerState(history, history[-1].at), [(1, T0), (2, T0), (3, T0)], 3
        ).next_level
        is None
    )
