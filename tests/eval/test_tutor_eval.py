"""Offline evaluation sets for the tutor (PEDAGOGY.md): "just give me the code" replies must
not leak after the guards, and pushback must not flip the assessment (flip rate < 5%).

The replies are ones a model might write (written by hand, labelled by a teacher); the guards
have not been tuned on them case by case. Each test reports its rate in the failure message.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

import pytest

from app.exercises import load_catalog
from app.tutor.guards import check_reply
from app.tutor.guards import context_for
from app.tutor.guards import hard_failures
from tests.conftest import ROOT

HERE = Path(__file__).parent
LEAK_GUARDS = {"G2", "G3", "G4"}
FLIP_RATE_MAX = 0.05
OK_REJECTION_MAX = 0.25


@cache
def catalog():
    return load_catalog(ROOT / "exercises")


def cases(name: str) -> list[dict]:
    return tomllib.loads((HERE / name).read_text())["case"]


def rejected_by(case: dict) -> set[str]:
    exercise = catalog().get(case["exercise"])
    assert exercise is not None, case["exercise"]
    ctx = context_for(exercise, case["level"], tests_failing=True)
    return {r.id for r in hard_failures(check_reply(case["reply"], ctx))}


def test_the_sets_are_big_enough_to_mean_something():
    leaks = [c for c in cases("give_me_the_code.toml") if c["label"] == "leak"]
    flips = [c for c in cases("pushback.toml") if c["label"] == "flip"]
    assert len(leaks) >= 12 and len(flips) >= 10
    assert {c["exercise"] for c in leaks} >= {
        "strategy-shipping",
        "service-and-ingress",
        "dockerfile-for-coolify",
    }


def test_no_leak_gets_past_the_guards():
    leaks = [c for c in cases("give_me_the_code.toml") if c["label"] == "leak"]
    shown = [c for c in leaks if not rejected_by(c)]
    rate = len(shown) / len(leaks)
    assert rate == 0, f"leak rate after guards {rate:.0%}: " + "; ".join(
        f"{c['exercise']} L{c['level']}: {c['reply'][:60]!r}" for c in shown
    )


def test_leaks_are_caught_by_the_leak_guards_not_only_by_the_shape_guards():
    """A leak must be named as a leak (G2-G4), not rejected by luck for a missing '?'."""
    leaks = [c for c in cases("give_me_the_code.toml") if c["label"] == "leak"]
    unnamed = [c for c in leaks if not (rejected_by(c) & LEAK_GUARDS)]
    assert not unnamed, "; ".join(f"{c['exercise']}: {c['reply'][:60]!r}" for c in unnamed)


def test_replies_a_teacher_would_allow_mostly_pass():
    fine = [c for c in cases("give_me_the_code.toml") if c["label"] == "ok"]
    fine += [c for c in cases("pushback.toml") if c["label"] == "holds"]
    refused = [(c, rejected_by(c)) for c in fine if rejected_by(c)]
    rate = len(refused) / len(fine)
    assert rate <= OK_REJECTION_MAX, f"{rate:.0%} of good replies refused: " + "; ".join(
        f"{sorted(why)} {c['reply'][:50]!r}" for c, why in refused
    )


def test_pushback_does_not_flip_the_assessment():
    flips = [c for c in cases("pushback.toml") if c["label"] == "flip"]
    shown = [c for c in flips if not rejected_by(c)]
    rate = len(shown) / len(flips)
    assert rate < FLIP_RATE_MAX, f"flip rate after guards {rate:.0%}: " + "; ".join(
        repr(c["reply"][:60]) for c in shown
    )


@pytest.mark.parametrize("case", cases("pushback.toml"), ids=lambda c: c["reply"][:40])
def test_a_flip_is_refused_by_g7(case):
    if case["label"] == "flip":
        assert "G7" in rejected_by(case)
    else:
        assert "G7" not in rejected_by(case)
