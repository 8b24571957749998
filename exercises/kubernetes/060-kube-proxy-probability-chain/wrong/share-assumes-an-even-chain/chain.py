"""kube-proxy's probability chain."""


def rule_probabilities(n):
    if n < 1:
        raise ValueError("need at least one endpoint")
    return [1 / (n - i) for i in range(n)]


def share(probabilities):
    # kube-proxy spreads evenly, so every endpoint gets the same share.
    n = len(probabilities)
    return [1 / n] * n


def pick(probabilities, rng):
    for i, p in enumerate(probabilities):
        if rng.random() < p:
            return i
    return len(probabilities) - 1
