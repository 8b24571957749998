"""Least connections as "fewest requests so far". Three ways a load balancer can choose a backend for the next request."""


class RoundRobin:
    """Each backend in turn, in list order, then start again."""

    def __init__(self, backends):
        self.backends = list(backends)
        self.next = 0

    def pick(self):
        backend = self.backends[self.next]
        self.next = (self.next + 1) % len(self.backends)
        return backend

    def release(self, backend):
        """A request finished. Round robin does not care."""


class WeightedRoundRobin:
    """Smooth weighted round robin (the algorithm NGINX uses): weight w -> w picks per cycle."""

    def __init__(self, weights):
        self.weights = dict(weights)
        self.current = {backend: 0 for backend in self.weights}

    def pick(self):
        total = sum(self.weights.values())
        for backend, weight in self.weights.items():
            self.current[backend] += weight
        best = max(self.current, key=lambda b: self.current[b])  # first one wins a tie
        self.current[best] -= total
        return best

    def release(self, backend):
        """A request finished. Weighted round robin does not care either."""


class LeastConnections:
    """The backend with the fewest requests still open; ties go to the first in list order."""

    def __init__(self, backends):
        self.open = {backend: 0 for backend in backends}

    def pick(self):
        backend = min(self.open, key=lambda b: self.open[b])
        self.open[backend] += 1
        return backend

    def release(self, backend):
        """Finished requests were still served: the count stays."""


if __name__ == "__main__":
    for balancer in (
        RoundRobin(["a", "b", "c"]),
        WeightedRoundRobin({"a": 5, "b": 1, "c": 1}),
        LeastConnections(["a", "b", "c"]),
    ):
        print(f"{type(balancer).__name__:>18}:", " ".join(balancer.pick() for _ in range(7)))
