"""kube-proxy's iptables chain, written with exact fractions."""

from fractions import Fraction


def rule_probabilities(n):
    """The --probability of each rule, top to bottom: 1/n, 1/(n-1), ..., 1."""
    if n <= 0:
        raise ValueError(f"cannot build a chain for {n} endpoints")
    return [Fraction(1, left) for left in range(n, 0, -1)]


def share(probabilities):
    """The fraction of all packets each rule's endpoint receives."""
    out, reaching = [], 1.0
    for p in probabilities:
        taken = reaching * float(p)
        out.append(taken)
        reaching -= taken
    return out


def pick(probabilities, rng):
    """The endpoint one packet lands on."""
    index = 0
    while index < len(probabilities):
        if rng.random() < probabilities[index]:
            return index
        index += 1
    raise RuntimeError("fell off the chain")
