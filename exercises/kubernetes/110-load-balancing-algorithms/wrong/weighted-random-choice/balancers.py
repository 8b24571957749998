"""Weighted round robin as a weighted coin toss. Three ways to choose a backend."""

import random


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
        self.rng = random.Random(42)

    def pick(self):
        # Weight 5 out of 7 means a 5/7 chance each time: same thing on average.
        return self.rng.choices(list(self.weights), weights=list(self.weights.values()))[0]

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
        if self.open[backend] <= 0:
            raise ValueError(f"{backend} has no open request to release")
        self.open[backend] -= 1


if __name__ == "__main__":
    for balancer in (
        RoundRobin(["a", "b", "c"]),
        WeightedRoundRobin({"a": 5, "b": 1, "c": 1}),
        LeastConnections(["a", "b", "c"]),
    ):
        print(f"{type(balancer).__name__:>18}:", " ".join(balancer.pick() for _ in range(7)))
