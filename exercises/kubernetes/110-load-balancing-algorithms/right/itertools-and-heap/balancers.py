"""Three load-balancing algorithms, written with the standard library's helpers."""

import itertools


class RoundRobin:
    def __init__(self, backends):
        self._turns = itertools.cycle(list(backends))

    def pick(self):
        return next(self._turns)

    def release(self, backend):
        pass


class WeightedRoundRobin:
    """Smooth weighted round robin, with the scores in a list."""

    def __init__(self, weights):
        self.items = [[backend, weight, 0] for backend, weight in dict(weights).items()]
        self.total = sum(weight for _, weight, _ in self.items)

    def pick(self):
        best = None
        for item in self.items:
            item[2] += item[1]
            if best is None or item[2] > best[2]:
                best = item
        best[2] -= self.total
        return best[0]

    def release(self, backend):
        pass


class LeastConnections:
    def __init__(self, backends):
        self.order = list(backends)
        self.active = [0] * len(self.order)

    def pick(self):
        index = self.active.index(min(self.active))
        self.active[index] += 1
        return self.order[index]

    def release(self, backend):
        self.active[self.order.index(backend)] -= 1
