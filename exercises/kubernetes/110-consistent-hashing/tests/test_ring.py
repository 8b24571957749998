"""Checks ring.py: a consistent-hash ring with virtual nodes moves only about 1/n of the keys."""

from __future__ import annotations

import bisect
import hashlib
from collections import Counter
from typing import NoReturn

import ring

KEYS = [f"session-{i}" for i in range(4000)]


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it; no assert rewriting noise)."""
    raise AssertionError(message)


def md5_64(text: str) -> int:
    """The hash the prompt prescribes (the same as stable_hash in the starter)."""
    return int.from_bytes(hashlib.md5(text.encode()).digest()[:8], "big")


def reference_node(nodes: list[str], vnodes: int, key: str) -> str:
    """Where the prompt's ring puts a key: first point clockwise (hash >= key's), wrapping."""
    points = sorted((md5_64(f"{node}#{i}"), node) for node in nodes for i in range(vnodes))
    index = bisect.bisect_left(points, (md5_64(key), ""))
    return points[index % len(points)][1]


def placements(r, keys=KEYS) -> dict[str, str]:
    """Which node each key maps to."""
    return {key: r.node_for(key) for key in keys}


def test_keys_land_where_the_ring_says():
    """Keys go to the first virtual node clockwise from stable_hash(key) (checked on 60 keys)."""
    nodes = ["cache-0", "cache-1", "cache-2"]
    r = ring.HashRing(nodes, vnodes=100)
    for key in KEYS[:60]:
        got, want = r.node_for(key), reference_node(nodes, 100, key)
        if got != want:
            fail(
                f"HashRing({nodes}).node_for({key!r}) returned {got!r}; the ring described in "
                f"the prompt puts it on {want!r}. Place virtual node i of a node at "
                "stable_hash(f'{node}#{i}') and send a key to the first point whose hash is >= "
                "stable_hash(key), wrapping round to the first point. Use stable_hash for both: "
                "Python's built-in hash() of a str is salted per process (PYTHONHASHSEED), so two "
                "proxy replicas, or the same one after a restart, would send a user to different "
                "cache pods"
            )


def test_every_node_gets_a_fair_share():
    """With 100 virtual nodes each, 3 nodes each get between 20 % and 45 % of 4000 keys."""
    r = ring.HashRing(["cache-0", "cache-1", "cache-2"], vnodes=100)
    counts = Counter(placements(r).values())
    for node in ("cache-0", "cache-1", "cache-2"):
        fraction = counts.get(node, 0) / len(KEYS)
        if not 0.20 <= fraction <= 0.45:
            fail(
                f"{node} got {fraction:.1%} of {len(KEYS)} keys (all: {dict(counts)}). With "
                "one point per node the arcs of the ring are very uneven; 100 virtual nodes per "
                "node, each at its own hash, even them out"
            )


def test_adding_a_node_moves_about_one_fifth():
    """Going from 4 to 5 nodes moves about 1/5 of the keys, and only to the new node."""
    r = ring.HashRing([f"cache-{i}" for i in range(4)], vnodes=100)
    before = placements(r)
    r.add("cache-4")
    after = placements(r)
    moved = [key for key in KEYS if before[key] != after[key]]
    fraction = len(moved) / len(KEYS)
    if fraction > 0.30:
        fail(
            f"adding a 5th node moved {fraction:.1%} of the keys (ideal: 20%). With hash % n "
            "almost every key changes node when n changes, so every cache is cold at once. On a "
            "ring, the new node only takes over the arcs just before its own points"
        )
    if fraction < 0.10:
        fail(
            f"adding a 5th node moved only {fraction:.1%} of the keys: the new node should take "
            "about 1/5 of them. Does add() put the node's virtual nodes on the ring?"
        )
    wrong_way = [key for key in moved if after[key] != "cache-4"]
    if wrong_way:
        key = wrong_way[0]
        fail(
            f"{key!r} moved from {before[key]} to {after[key]} when cache-4 was added. A key "
            "should only ever move to the NEW node; moves between old nodes are cache misses "
            "for nothing"
        )


def test_removing_a_node_moves_only_its_keys():
    """Removing a node moves its keys to the others and leaves every other key in place."""
    r = ring.HashRing([f"cache-{i}" for i in range(4)], vnodes=100)
    before = placements(r)
    r.remove("cache-2")
    after = placements(r)
    for key in KEYS:
        if before[key] != "cache-2" and after[key] != before[key]:
            fail(
                f"{key!r} was on {before[key]} and moved to {after[key]} when cache-2 was "
                "removed. Only cache-2's keys should move (to the next point clockwise); with "
                "hash % n, removing one node reshuffles everything"
            )
        if after[key] == "cache-2":
            fail(f"{key!r} still maps to cache-2 after remove('cache-2')")
