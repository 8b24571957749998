"""Balancers."""


class RoundRobin:
    def __init__(self, backends):
        self.backends = list(backends)
        self.i = 0

    def pick(self):
        backend = self.backends[self.i % len(self.backends)]
        self.i += 1
        return backend

    def release(self, backend):
        pass


class WeightedRoundRobin:
    def __init__(self, weights):
        self.weights = dict(weights)
        self.current = {b: 0 for b in self.weights}
        self.total = sum(self.weights.values())

    def pick(self):
        for b, w in self.weights.items():
            self.current[b] += w
        best = max(self.current, key=self.current.get)
        self.current[best] -= self.total
        return best

    def release(self, backend):
        pass


class LeastConnections:
    def __init__(self, backends):
        self.backends = list(backends)
        self.open = {b: 0 for b in self.backends}

    def pick(self):
        best = min(self.backends, key=lambda b: self.open[b])
        self.open[best] += 1
        return best

    def release(self, backend):
        self.open[backend] = 0  # the backend is free again


if __name__ == "__main__":
    for balancer in (
        RoundRobin(["a", "b", "c"]),
        WeightedRoundRobin({"a": 5, "b": 1, "c": 1}),
        LeastConnections(["a", "b", "c"]),
    ):
        print(f"{type(balancer).__name__:>18}:", " ".join(balancer.pick() for _ in range(7)))
