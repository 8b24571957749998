"""kube-proxy's iptables mode: one random-probability rule per endpoint of a Service."""


def rule_probabilities(n):
    """The --probability of each rule in the KUBE-SVC chain, top to bottom, for n endpoints."""
    if n < 1:
        raise ValueError("a chain needs at least one endpoint")
    # Rule i sees only what rules 0..i-1 let through, shared by the n - i endpoints left.
    return [1 / (n - i) for i in range(n)]


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
        if rng.random() < p:  # each statistic match draws its own number
            return i
    raise RuntimeError("the packet fell off the end of the chain: the last rule must be 1")


if __name__ == "__main__":
    probabilities = rule_probabilities(3)
    for i, (p, s) in enumerate(zip(probabilities, share(probabilities), strict=True)):
        print(f"rule {i}: --probability {p:.10f}  ->  endpoint {i} gets {s:.1%}")
