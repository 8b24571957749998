"""Load balancers; weighted round robin precomputes one interleaved cycle."""


class RoundRobin:
    def __init__(self, backends):
        self.backends = list(backends)
        self.count = 0

    def pick(self):
        backend = self.backends[self.count % len(self.backends)]
        self.count += 1
        return backend

    def release(self, backend):
        return None


class WeightedRoundRobin:
    def __init__(self, weights):
        weights = dict(weights)
        total = sum(weights.values())
        score = dict.fromkeys(weights, 0)
        self.schedule = []
        for _ in range(total):  # one smooth cycle, computed once
            for backend in weights:
                score[backend] += weights[backend]
            chosen = max(weights, key=score.get)
            score[chosen] -= total
            self.schedule.append(chosen)
        self.position = 0

    def pick(self):
        backend = self.schedule[self.position]
        self.position = (self.position + 1) % len(self.schedule)
        return backend

    def release(self, backend):
        return None


class LeastConnections:
    def __init__(self, backends):
        self.open = {backend: 0 for backend in backends}

    def pick(self):
        fewest = min(self.open.values())
        backend = next(b for b, n in self.open.items() if n == fewest)
        self.open[backend] += 1
        return backend

    def release(self, backend):
        self.open[backend] = max(0, self.open[backend] - 1)
