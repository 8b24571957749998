"""The probability chain, computed from the number of endpoints still below each rule."""


def rule_probabilities(n):
    if not isinstance(n, int) or n < 1:
        raise ValueError("a chain needs at least one endpoint")
    probabilities = []
    remaining = n
    while remaining:
        probabilities.append(1.0 / remaining)
        remaining -= 1
    return probabilities


def share(probabilities, reaching=1.0):
    if not probabilities:
        return []
    first, *rest = probabilities
    return [reaching * first, *share(rest, reaching * (1 - first))]


def pick(probabilities, rng):
    for index, probability in enumerate(probabilities):
        draw = rng.random()
        if draw < probability:
            return index
    return len(probabilities) - 1
