"""Decide which friction rule applies before a learner's next check (PEDAGOGY.md, F0-F8).

The engine never loses work and never locks anyone out: it returns what to show and, for the
two gates (F1 reflection, F2 cooldown), why they are there and when they lift. The server stores
a check made while a gate is open, flagged, so the page and the server agree on the rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from .config import DEFAULTS
from .config import FrictionConfig
from .metrics import CheckPoint
from .metrics import eq
from .metrics import red
from .metrics import split_sessions
from .rules import Rule


@dataclass(frozen=True)
class LearnerState:
    """What the engine knows about one learner on one exercise, all times UTC."""

    checks: Sequence[CheckPoint]
    now: datetime
    planned: bool = False  # a plan was written or skipped (F0 done)
    reflections: Sequence[datetime] = ()  # failure reflections, written or skipped (F1)
    break_offers: Sequence[datetime] = ()  # break cards shown (F6)
    reentries: Sequence[datetime] = ()  # re-entry cards shown (F7)
    # Failed checks older than `checks` in the same trailing streak, when `checks` holds only
    # the newest ones (the gates need no more: see gate_window); 0 when `checks` is everything.
    earlier_failures: int = 0


@dataclass(frozen=True)
class Decision:
    """What the page must do before the next check, and the rules behind it."""

    rules: tuple[Rule, ...] = ()
    reflect: bool = False  # F1: ask for a failure reflection first
    wait_until: datetime | None = None  # F2: the next check waits until then
    wait_reason: str = ""
    offer_break: bool = False  # F6
    reentry: bool = False  # F7
    plan: bool = False  # F0
    eq: float | None = None
    red: float = 0.0

    @property
    def gated(self) -> bool:
        """True when the next check should not run yet (it is still stored if it does)."""
        return self.reflect or self.wait_until is not None


def failure_streak(checks: Sequence[CheckPoint]) -> list[CheckPoint]:
    """The trailing run of failed checks, oldest first."""
    streak: list[CheckPoint] = []
    for check in reversed(checks):
        if check.passed:
            break
        streak.append(check)
    return streak[::-1]


def gate_window(config: FrictionConfig) -> int:
    """How many of the newest checks the two gates (F1, F2) read, given the streak's length."""
    return max(config.reflect_after_failures, config.rapid_failures, 1)


def needs_reflection(state: LearnerState, config: FrictionConfig) -> bool:
    """F1: one reflection per `reflect_after_failures` failures in a row."""
    streak = failure_streak(state.checks)
    length = len(streak)
    if length == len(state.checks):  # the streak may go on before the checks we were given
        length += state.earlier_failures
    n = config.reflect_after_failures
    if n <= 0 or length < n:
        return False
    # The failure that made it due is failure number (length // n) * n of the streak, oldest
    # first: counted from the newest, it is the (length % n)-th, always among the newest n.
    due_after = streak[-1 - length % n].at
    return not any(r >= due_after for r in state.reflections)


def cooldown(
    state: LearnerState, config: FrictionConfig, code_hash: str | None
) -> tuple[datetime | None, str]:
    """F2: unchanged code after a failure, or rapid-fire failures, make the next check wait."""
    if not state.checks or state.checks[-1].passed:
        return None, ""
    last = state.checks[-1]
    until = last.at + timedelta(seconds=config.cooldown_s)
    if until <= state.now:
        return None, ""
    if code_hash is not None and code_hash == last.code_hash:
        return until, "unchanged"
    recent = state.checks[-config.rapid_failures :]
    if (
        config.rapid_failures >= 2
        and len(recent) == config.rapid_failures
        and all(not c.passed for c in recent)
    ):
        gaps = [(b.at - a.at).total_seconds() for a, b in zip(recent, recent[1:], strict=False)]
        if all(g < config.rapid_window_s for g in gaps):
            return until, "rapid"
    return None, ""


def struggle(state: LearnerState, config: FrictionConfig) -> tuple[float | None, float, bool]:
    """F6: EQ and RED over the current session's recent checks; whether a break is due."""
    if not state.checks:
        return None, 0.0, False
    session = split_sessions(state.checks, config.session_idle_s)[-1]
    if (state.now - session[-1].at).total_seconds() > config.session_idle_s:
        return None, 0.0, False  # that session is over
    window_start = state.now - timedelta(seconds=config.eq_window_s)
    recent = [c for c in session if c.at >= window_start]
    quotient = eq(recent)
    density = red(session)
    high = (
        quotient is not None
        and len(recent) >= config.eq_min_checks
        and quotient >= config.eq_threshold
    )
    due = high or density >= config.red_threshold
    already_offered = any(o >= session[0].at for o in state.break_offers)
    return quotient, density, due and not already_offered


def needs_reentry(state: LearnerState, config: FrictionConfig) -> bool:
    """F7: back after a long pause that followed a failure (once per pause)."""
    if not state.checks or state.checks[-1].passed:
        return False
    last = state.checks[-1]
    idle = (state.now - last.at).total_seconds()
    return idle > config.reentry_idle_s and not any(r > last.at for r in state.reentries)


def decide(
    state: LearnerState, config: FrictionConfig = DEFAULTS, code_hash: str | None = None
) -> Decision:
    """Decide what applies before the next check; `code_hash` is the code about to be checked."""
    rules: list[Rule] = []
    plan = not state.planned and not state.checks
    if plan:
        rules.append(Rule.PLAN)
    reflect = needs_reflection(state, config)
    if reflect:
        rules.append(Rule.REFLECT)
    wait_until, reason = cooldown(state, config, code_hash)
    if wait_until is not None:
        rules.append(Rule.COOLDOWN)
    quotient, density, offer_break = struggle(state, config)
    if offer_break:
        rules.append(Rule.BREAK)
    reentry = needs_reentry(state, config)
    if reentry:
        rules.append(Rule.REENTRY)
    return Decision(
        rules=tuple(rules),
        reflect=reflect,
        wait_until=wait_until,
        wait_reason=reason,
        offer_break=offer_break,
        reentry=reentry,
        plan=plan,
        eq=quotient,
        red=density,
    )


@dataclass(frozen=True)
class HintStatus:
    """Whether the next hint level can be asked for now, and if not, what unlocks it."""

    next_level: int | None  # None when every level is already shown
    available: bool
    reason: str = ""
    wait_until: datetime | None = None
    rule: Rule | None = None  # F3 first hint, F4 next level, F5 bottom-out (the last level)


def genuine_failures(checks: Sequence[CheckPoint]) -> list[CheckPoint]:
    """Failed checks whose code differs from the check before (a resubmission does not count)."""
    genuine, previous = [], None
    for check in checks:
        if not check.passed and (previous is None or check.code_hash != previous.code_hash):
            genuine.append(check)
        previous = check
    return genuine


def hint_status(
    state: LearnerState,
    hints_taken: Sequence[tuple[int, datetime]],
    levels: int,
    config: FrictionConfig = DEFAULTS,
) -> HintStatus:
    """F3-F5: hints unlock by effort. After a pass every level is open."""
    taken = sorted(level for level, _ in hints_taken)
    next_level = (taken[-1] + 1) if taken else 1
    if next_level > levels:
        return HintStatus(next_level=None, available=False, reason="You have seen every hint.")
    if next_level == levels and levels > 1:
        rule = Rule.BOTTOM_OUT
    else:
        rule = Rule.FIRST_HINT if next_level == 1 else Rule.NEXT_HINT
    if any(c.passed for c in state.checks):
        return HintStatus(next_level, True, rule=rule)
    genuine = genuine_failures(state.checks)
    if next_level == 1:
        need = config.hint_genuine_failures
        if len(genuine) < need:
            left = need - len(genuine)
            return HintStatus(
                next_level,
                False,
                rule=rule,
                reason=(
                    f"The first hint opens after {need} failed checks with changed code "
                    f"({left} to go): try first, the tests are the best hint."
                ),
            )
        if not state.reflections:
            return HintStatus(
                next_level,
                False,
                rule=rule,
                reason=("The first hint opens after a short reflection on what is failing."),
            )
        return HintStatus(next_level, True, rule=rule)
    last_at = max(at for _, at in hints_taken)
    if not any(c.at > last_at for c in genuine):
        return HintStatus(
            next_level,
            False,
            rule=rule,
            reason=("Use the last hint first: the next one opens after a check with changed code."),
        )
    cooldowns = (config.hint_cooldown_1_s, config.hint_cooldown_2_s, config.hint_cooldown_3_s)
    wait = cooldowns[min(next_level - 2, len(cooldowns) - 1)]
    until = last_at + timedelta(seconds=wait)
    if until > state.now:
        return HintStatus(
            next_level,
            False,
            rule=rule,
            wait_until=until,
            reason=(f"The next hint opens {int(wait)} s after the last one: give it a real try."),
        )
    return HintStatus(next_level, True, rule=rule)
