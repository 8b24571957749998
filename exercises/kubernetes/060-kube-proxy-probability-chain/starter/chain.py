"""kube-proxy's iptables mode: one random-probability rule per endpoint of a Service."""


def rule_probabilities(n):
    """The --probability of each rule in the KUBE-SVC chain, top to bottom, for n endpoints."""
    # Every pod should get 1/n of the traffic... so every rule gets 1/n? (Check share()!)
    return [1 / n] * n


def share(probabilities):
    """For each rule: the fraction of ALL packets that end at its endpoint."""
    return list(probabilities)


def pick(probabilities, rng):
    """Send one packet down the chain; return the index of the endpoint it lands on."""
    return 0


if __name__ == "__main__":
    probabilities = rule_probabilities(3)
    for i, (p, s) in enumerate(zip(probabilities, share(probabilities), strict=True)):
        print(f"rule {i}: --probability {p:.10f}  ->  endpoint {i} gets {s:.1%}")
