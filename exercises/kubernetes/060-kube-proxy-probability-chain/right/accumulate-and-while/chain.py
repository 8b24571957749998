"""kube-proxy's probability chain, written with itertools."""

from itertools import accumulate


def rule_probabilities(n):
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"need at least one endpoint, got {n!r}")
    return [1.0 / left for left in range(n, 0, -1)]


def share(probabilities):
    # What reaches rule i is the product of (1 - p) of the rules above it.
    passed = [1.0, *accumulate((1 - p for p in probabilities), lambda a, b: a * b)]
    return [reach * p for reach, p in zip(passed, probabilities, strict=False)]


def pick(probabilities, rng):
    i = 0
    while i < len(probabilities):
        if rng.random() < probabilities[i]:
            return i
        i += 1
    raise RuntimeError("no rule matched")
