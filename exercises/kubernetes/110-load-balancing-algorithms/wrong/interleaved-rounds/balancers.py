"""Load-balancing algorithms."""


class RoundRobin:
    def __init__(self, backends):
        self.backends = list(backends)
        self.i = 0

    def pick(self):
        b = self.backends[self.i % len(self.backends)]
        self.i += 1
        return b

    def release(self, backend):
        pass


class WeightedRoundRobin:
    """Interleaved rounds: round r gives one pick to every backend whose weight is >= r, so the
    heavy backend is spread over the cycle instead of sent in one burst."""

    def __init__(self, weights):
        self.schedule = []
        for r in range(1, max(weights.values()) + 1):
            self.schedule += [b for b, w in weights.items() if w >= r]
        self.i = 0

    def pick(self):
        b = self.schedule[self.i % len(self.schedule)]
        self.i += 1
        return b

    def release(self, backend):
        pass


class LeastConnections:
    def __init__(self, backends):
        self.open = {b: 0 for b in backends}

    def pick(self):
        b = min(self.open, key=self.open.get)
        self.open[b] += 1
        return b

    def release(self, backend):
        self.open[backend] -= 1
