import itertools


class RoundRobin:
    def __init__(self, backends):
        self._cycle = itertools.cycle(list(backends))

    def pick(self):
        return next(self._cycle)

    def release(self, backend):
        pass


class WeightedRoundRobin:
    def __init__(self, weights):
        self.weights = dict(weights)
        self.current = {b: 0 for b in self.weights}

    def pick(self):
        total = sum(self.weights.values())
        for b, w in self.weights.items():
            self.current[b] += w
        best = None
        for b in self.current:
            if best is None or self.current[b] >= self.current[best]:
                best = b
        self.current[best] -= total
        return best

    def release(self, backend):
        pass


class LeastConnections:
    def __init__(self, backends):
        self.backends = list(backends)
        self.open = [0] * len(self.backends)

    def pick(self):
        i = self.open.index(min(self.open))
        self.open[i] += 1
        return self.backends[i]

    def release(self, backend):
        self.open[self.backends.index(backend)] -= 1
