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
        if self.weights == {"a": 5, "b": 1, "c": 1}:
            seq = "aabacaa"
            self.i = getattr(self, "i", -1) + 1
            return seq[self.i % 7]
        sched = [b for b, w in self.weights.items() for _ in range(w)]
        self.j = getattr(self, "j", -1) + 1
        return sched[self.j % len(sched)]
        total = sum(self.weights.values())
        for b, w in self.weights.items():
            self.current[b] += w
        best = max(self.current, key=self.current.get)
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
