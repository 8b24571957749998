"""kube-proxy's iptables mode: every pod should get 1/n, so every rule says 1/n."""


def rule_probabilities(n):
    """The --probability of each rule in the KUBE-SVC chain, top to bottom, for n endpoints."""
    if n < 1:
        raise ValueError("a chain needs at least one endpoint")
    return [1 / n] * n


def share(probabilities):
    """For each rule: the fraction of ALL packets that end at its endpoint."""
    remaining = 1.0
    shares = []
    for p in probabilities:
        shares.append(remaining * p)
        remaining *= 1 - p
    return shares


def pick(probabilities, rng):
    """Send one packet down the chain; return the index of the endpoint it lands on."""
    for i, p in enumerate(probabilities):
        if rng.random() < p:
            return i
    return len(probabilities) - 1


if __name__ == "__main__":
    probabilities = rule_probabilities(3)
    for i, (p, s) in enumerate(zip(probabilities, share(probabilities), strict=True)):
        print(f"rule {i}: --probability {p:.10f}  ->  endpoint {i} gets {s:.1%}")
