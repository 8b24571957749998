"""Checks chain.py: kube-proxy's 1/n, 1/(n-1), ..., 1 rules give every endpoint 1/n."""

from __future__ import annotations

import random
from typing import NoReturn

import chain
import pytest
from hypothesis import Phase
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

PACKETS = 20_000
SEED = 2026
# Generated inputs, the same on every run (a verdict must not change between two checks);
PROPERTY = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                    phases=(Phase.explicit, Phase.generate))  # no shrinking: fail fast


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it; no assert rewriting noise)."""
    raise AssertionError(message)


def fmt(values) -> str:
    """A list of floats, readable."""
    return "[" + ", ".join(f"{v:.4f}" for v in values) + "]"


class Scripted:
    """A random source that returns a fixed list of numbers and counts how many were drawn."""

    def __init__(self, numbers):
        self.numbers = list(numbers)
        self.drawn = 0

    def random(self) -> float:
        if self.drawn >= len(self.numbers):
            fail(
                f"pick() drew more than {len(self.numbers)} random numbers for one packet; a "
                "packet reaches each rule at most once, and stops at the first rule that matches"
            )
        self.drawn += 1
        return self.numbers[self.drawn - 1]


@PROPERTY
@given(st.integers(min_value=1, max_value=300))
def test_rule_probabilities(n):
    """rule_probabilities(n) is 1/n, 1/(n-1), ..., 1/2, 1, top to bottom, for any n."""
    got = list(chain.rule_probabilities(n))
    want = [1 / (n - i) for i in range(n)]
    if len(got) != n:
        fail(
            f"rule_probabilities({n}) returned {len(got)} values; there is one rule per "
            "endpoint"
        )
    if got != pytest.approx(want):
        fail(
            f"rule_probabilities({n}) returned {fmt(got[:6])}{'...' if n > 6 else ''}, which "
            "is not what kube-proxy writes. The rules are read top to bottom and each rule "
            "only sees the packets the rules above it let through, and the last rule must take "
            "everything left, or packets would fall off the chain"
        )


def test_no_endpoints_is_an_error():
    """rule_probabilities(0) raises ValueError: a chain with no endpoints cannot be built."""
    try:
        got = chain.rule_probabilities(0)
    except ValueError:
        return
    except ZeroDivisionError:
        fail(
            "rule_probabilities(0) crashed with ZeroDivisionError; check n < 1 first and raise "
            "ValueError with a clear message (a Service with no ready pods has no chain to build)"
        )
    fail(f"rule_probabilities(0) returned {got!r}; it should raise ValueError")


@PROPERTY
@given(st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=12))
def test_share_follows_what_reaches_each_rule(probabilities):
    """share(p) gives each rule (what reaches it) x (its probability), for any probabilities."""
    got = list(chain.share(probabilities))
    remaining, want = 1.0, []
    for p in probabilities:
        want.append(remaining * p)
        remaining *= 1 - p
    if got != pytest.approx(want, abs=1e-9):
        fail(
            f"share({fmt(probabilities)}) returned {fmt(got)}. A rule only sees the packets no "
            "earlier rule took: its endpoint gets (what reaches the rule) x (its probability), "
            "and the rest goes on down"
        )


@PROPERTY
@given(st.integers(min_value=1, max_value=300))
def test_every_endpoint_gets_one_nth(n):
    """share(rule_probabilities(n)) gives each endpoint 1/n of all packets, for any n."""
    shares = list(chain.share(chain.rule_probabilities(n)))
    if shares != pytest.approx([1 / n] * n):
        fail(
            f"with {n} endpoints the shares are {fmt(shares[:6])}{'...' if n > 6 else ''}, not "
            f"{1 / n:.4f} each. Each rule only sees the packets the rules above it let through, "
            "so equal probabilities give the first pod the most traffic"
        )
    if sum(shares) != pytest.approx(1.0):
        fail(f"with {n} endpoints the shares add up to {sum(shares):.4f}, not 1")


@PROPERTY
@given(st.data())
def test_pick_stops_at_the_first_matching_rule(data):
    """pick() draws one fresh number per rule reached and stops at the first below its p."""
    n = data.draw(st.integers(min_value=1, max_value=10), label="n")
    probabilities = [*data.draw(st.lists(st.floats(0.01, 0.99), min_size=n - 1,
                                         max_size=n - 1), label="p"), 1.0]
    numbers = data.draw(st.lists(st.floats(0.0, 0.999), min_size=n, max_size=n),
                        label="numbers")
    want = next(i for i, (x, p) in enumerate(zip(numbers, probabilities, strict=True)) if x < p)
    rng = Scripted(numbers)
    got = chain.pick(probabilities, rng)
    if got != want or rng.drawn != want + 1:
        fail(
            f"pick({fmt(probabilities)}) with random numbers {fmt(numbers)} returned {got} after "
            f"drawing {rng.drawn} number(s); iptables sends that packet to endpoint {want}: each "
            "rule reached draws a fresh random number and matches when it is below the rule's "
            "probability"
        )


def test_pick_walks_the_chain_like_iptables():
    """pick() stops at the first rule whose own fresh random number is below its probability."""
    probabilities = [0.25, 1 / 3, 0.5, 1.0]
    cases = [([0.1], 0), ([0.9, 0.2], 1), ([0.9, 0.9, 0.1], 2), ([0.9, 0.9, 0.9, 0.9], 3)]
    for numbers, want in cases:
        rng = Scripted(numbers)
        got = chain.pick(probabilities, rng)
        if got != want:
            fail(
                f"pick({fmt(probabilities)}) with random numbers {numbers} returned {got}, but "
                f"iptables would send the packet to endpoint {want}: each rule reached draws a "
                "fresh random number and matches when it is below the rule's probability"
            )


def test_seeded_simulation_is_even():
    """20 000 packets over 4 endpoints (seeded): each endpoint gets about 25 %."""
    probabilities = chain.rule_probabilities(4)
    rng = random.Random(SEED)
    counts = [0] * 4
    for _ in range(PACKETS):
        counts[chain.pick(probabilities, rng)] += 1
    for i, count in enumerate(counts):
        if abs(count / PACKETS - 0.25) > 0.02:
            shares = ", ".join(f"{c / PACKETS:.1%}" for c in counts)
            fail(
                f"in a seeded run of {PACKETS} packets endpoint {i} received "
                f"{count / PACKETS:.1%} (all: {shares}); each should get about 25%. In iptables "
                "every statistic match draws a fresh random number, and a packet reaches rule i "
                "only if every rule above it let it through"
            )
