"""Three ways a load balancer can choose a backend for the next request."""


class RoundRobin:
    """Each backend in turn, in list order, then start again."""

    def __init__(self, backends):
        self.backends = list(backends)

    def pick(self):
        return self.backends[0]  # TODO: take turns

    def release(self, backend):
        """A request finished. Round robin does not care."""


class WeightedRoundRobin:
    """A backend with weight w gets w of every sum(weights) picks."""

    def __init__(self, weights):
        self.weights = dict(weights)

    def pick(self):
        return next(iter(self.weights))  # TODO: respect the weights

    def release(self, backend):
        """A request finished. Weighted round robin does not care either."""


class LeastConnections:
    """The backend with the fewest requests still open; ties go to the first in list order."""

    def __init__(self, backends):
        self.backends = list(backends)

    def pick(self):
        return self.backends[0]  # TODO: count open requests

    def release(self, backend):
        pass  # TODO


if __name__ == "__main__":
    for balancer in (
        RoundRobin(["a", "b", "c"]),
        WeightedRoundRobin({"a": 5, "b": 1, "c": 1}),
        LeastConnections(["a", "b", "c"]),
    ):
        print(f"{type(balancer).__name__:>18}:", " ".join(balancer.pick() for _ in range(7)))
