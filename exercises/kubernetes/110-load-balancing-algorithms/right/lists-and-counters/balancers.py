"""Load-balancing algorithms, with plain lists and counters."""


class RoundRobin:
    def __init__(self, backends):
        self._backends = tuple(backends)
        self._count = 0

    def pick(self):
        chosen = self._backends[self._count % len(self._backends)]
        self._count += 1
        return chosen

    def release(self, backend):
        pass


class WeightedRoundRobin:
    def __init__(self, weights):
        self._names = list(weights)
        self._weights = [weights[name] for name in self._names]
        self._current = [0] * len(self._names)

    def pick(self):
        for i, w in enumerate(self._weights):
            self._current[i] += w
        best = 0
        for i in range(1, len(self._names)):
            if self._current[i] > self._current[best]:
                best = i
        self._current[best] -= sum(self._weights)
        return self._names[best]

    def release(self, backend):
        pass


class LeastConnections:
    def __init__(self, backends):
        self._order = list(backends)
        self._open = [0] * len(self._order)

    def pick(self):
        i = self._open.index(min(self._open))
        self._open[i] += 1
        return self._order[i]

    def release(self, backend):
        self._open[self._order.index(backend)] -= 1
