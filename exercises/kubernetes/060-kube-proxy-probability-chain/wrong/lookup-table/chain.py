"""kube-proxy's chain, from the tables in the docs."""

TABLE = {
    1: [1.0],
    2: [0.5, 1.0],
    3: [1 / 3, 0.5, 1.0],
    4: [0.25, 1 / 3, 0.5, 1.0],
    5: [0.2, 0.25, 1 / 3, 0.5, 1.0],
    6: [1 / 6, 0.2, 0.25, 1 / 3, 0.5, 1.0],
    7: [1 / 7, 1 / 6, 0.2, 0.25, 1 / 3, 0.5, 1.0],
    8: [0.125, 1 / 7, 1 / 6, 0.2, 0.25, 1 / 3, 0.5, 1.0],
}


def rule_probabilities(n):
    if n < 1:
        raise ValueError("a chain needs at least one endpoint")
    return TABLE.get(n, [1 / n] * n)


def share(probabilities):
    remaining = 1.0
    shares = []
    for p in probabilities:
        shares.append(remaining * p)
        remaining *= 1 - p
    return shares


def pick(probabilities, rng):
    for i, p in enumerate(probabilities):
        if rng.random() < p:
            return i
    raise RuntimeError("the last rule must be 1")
