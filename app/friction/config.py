"""Friction thresholds in one place. An instructor overrides them per exercise in exercise.toml
([friction] table, same names); unknown names are refused so a typo cannot silently do nothing."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import fields
from dataclasses import replace
from typing import Any


@dataclass(frozen=True)
class FrictionConfig:
    """Starting values from PEDAGOGY.md; every rule logs its firing."""

    # F1: failed checks in a row before a failure reflection is asked for.
    reflect_after_failures: int = 2
    # F2: a resubmission of unchanged code after a failure, or this many failed checks each
    # closer than rapid_window_s to the previous one, makes the next check wait cooldown_s.
    rapid_failures: int = 3
    rapid_window_s: float = 15.0
    cooldown_s: float = 20.0
    # F6: offer a break when EQ over the session reaches this over at least eq_min_checks checks
    # within eq_window_s, or RED reaches red_threshold.
    eq_threshold: float = 0.6
    eq_min_checks: int = 8
    eq_window_s: float = 15 * 60
    red_threshold: float = 3.0
    break_minutes: int = 5
    # F7: a pause this long after a failure brings the re-entry card.
    reentry_idle_s: float = 10 * 60
    # A session ends after this long idle (EQ is computed per session).
    session_idle_s: float = 20 * 60
    # F3: genuine failed checks (the code changed) before the first hint unlocks (after an F1
    # reflection). F4: each further level needs a new genuine check and a wait that grows.
    hint_genuine_failures: int = 2
    hint_cooldown_1_s: float = 60.0
    hint_cooldown_2_s: float = 90.0
    hint_cooldown_3_s: float = 120.0


DEFAULTS = FrictionConfig()


def with_overrides(
    overrides: dict[str, Any] | None, base: FrictionConfig = DEFAULTS
) -> FrictionConfig:
    """Apply an exercise's [friction] overrides, checking names and types."""
    if not overrides:
        return base
    known = {f.name: f.type for f in fields(FrictionConfig)}
    unknown = sorted(set(overrides) - set(known))
    if unknown:
        raise ValueError(f"unknown friction setting(s): {', '.join(unknown)}")
    checked = {}
    for name, value in overrides.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ValueError(f"friction setting {name} must be a number of 0 or more")
        checked[name] = int(value) if known[name] == "int" else float(value)
    return replace(base, **checked)
