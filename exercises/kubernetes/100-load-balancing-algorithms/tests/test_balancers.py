"""Checks balancers.py: round robin, weighted round robin and least connections."""

from __future__ import annotations

from typing import NoReturn

import balancers


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it; no assert rewriting noise)."""
    raise AssertionError(message)


def part(name: str):
    """A class from balancers.py, or a failure saying it is missing."""
    cls = getattr(balancers, name, None)
    if cls is None:
        fail(f"balancers.py has no class {name}")
    return cls


def picks(balancer, count: int) -> list:
    """The next `count` backends the balancer picks (nothing is released)."""
    return [balancer.pick() for _ in range(count)]


def simulate(balancer, service_ticks: dict[str, int], ticks: int = 12, per_tick: int = 2):
    """Two requests arrive per tick; a request to backend X stays open service_ticks[X] ticks.

    Returns the largest number of requests each backend ever held open at once.
    """
    finishing: list[tuple[int, str]] = []
    open_now = dict.fromkeys(service_ticks, 0)
    peak = dict.fromkeys(service_ticks, 0)
    for tick in range(ticks):
        for done in [f for f in finishing if f[0] <= tick]:
            finishing.remove(done)
            balancer.release(done[1])
            open_now[done[1]] -= 1
        for _ in range(per_tick):
            backend = balancer.pick()
            open_now[backend] += 1
            peak[backend] = max(peak[backend], open_now[backend])
            finishing.append((tick + service_ticks[backend], backend))
    return peak


def test_round_robin_takes_turns():
    """RoundRobin(["a", "b", "c"]) picks a, b, c, a, b, c, a: each backend in turn."""
    got = picks(part("RoundRobin")(["a", "b", "c"]), 7)
    want = ["a", "b", "c", "a", "b", "c", "a"]
    if got != want:
        fail(
            f"RoundRobin(['a', 'b', 'c']) picked {' '.join(map(str, got))}; expected "
            f"{' '.join(want)}. Keep the index of the next backend and wrap around at the end"
        )


def test_weighted_round_robin_keeps_the_ratio_in_every_cycle():
    """Weights 5/1/1: in every cycle of 7 picks, a gets exactly 5, b and c exactly 1."""
    for weights in ({"a": 5, "b": 1, "c": 1}, {"big": 3, "small": 1}, {"x": 2, "y": 2, "z": 1}):
        cycle = sum(weights.values())
        got = picks(part("WeightedRoundRobin")(weights), cycle * 4)
        for start in range(0, len(got), cycle):
            window = got[start:start + cycle]
            counts = {backend: window.count(backend) for backend in weights}
            if counts != weights:
                fail(
                    f"WeightedRoundRobin({weights}): picks {start + 1}-{start + cycle} were "
                    f"{' '.join(map(str, window))}, i.e. {counts}. Round robin is deterministic: "
                    f"in every cycle of {cycle} picks each backend gets exactly its weight. A "
                    "weighted random choice only gets the ratio right on average, and a short "
                    "burst can still land on the small server"
                )


def test_weighted_round_robin_spreads_the_heavy_backend():
    """Smooth weighting: with 5/1/1, a gets at most 3 picks in a row within a cycle (no bursts)."""
    got = picks(part("WeightedRoundRobin")({"a": 5, "b": 1, "c": 1}), 7)
    run = longest = 0
    for backend in got:
        run = run + 1 if backend == "a" else 0
        longest = max(longest, run)
    if longest > 3:
        fail(
            f"WeightedRoundRobin({{'a': 5, 'b': 1, 'c': 1}}) picked {' '.join(got)} in its first "
            f"cycle: a got {longest} requests in a row. Sending a's whole share in one burst is "
            "legal arithmetic but not what NGINX does: smooth weighted round robin interleaves, "
            "e.g. a a b a c a a. Keep a running score per backend: add each weight every "
            "pick, take the highest, and subtract the total from the winner"
        )


def test_least_connections_follows_open_requests():
    """LeastConnections picks the backend with the fewest requests still open."""
    balancer = part("LeastConnections")(["a", "b", "c"])
    got = picks(balancer, 3)
    balancer.release("a")
    balancer.release("c")
    got += picks(balancer, 3)
    balancer.release("b")
    got += picks(balancer, 1)
    want = ["a", "b", "c", "a", "c", "a", "b"]
    if got != want:
        fail(
            f"after: pick x3, release a and c, pick x3, release b, pick -> the picks were "
            f"{' '.join(map(str, got))}; expected {' '.join(want)}. Least connections counts "
            "the requests still open on each backend: pick() adds one, release() takes one "
            "away, and a tie goes to the first backend in the list. Counting every request "
            "ever served turns it into plain round robin"
        )


def test_least_connections_protects_a_slow_backend():
    """With one slow backend, least connections keeps its queue short; round robin piles up."""
    service = {"a": 2, "b": 2, "slow": 8}
    round_robin = simulate(part("RoundRobin")(list(service)), service)
    least = simulate(part("LeastConnections")(list(service)), service)
    if least["slow"] > 2:
        fail(
            f"two requests per tick, backends a and b finish in 2 ticks, 'slow' in 8: under "
            f"LeastConnections 'slow' held up to {least['slow']} requests open at once (round "
            f"robin: {round_robin['slow']}). Least connections should see the requests still "
            "open on 'slow' and send new ones elsewhere; check that release() lowers the count"
        )
