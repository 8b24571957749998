"""Checks ring.py: a consistent-hash ring with virtual nodes moves only about 1/n of the keys."""

from __future__ import annotations

import bisect
import hashlib
from collections import Counter
from typing import NoReturn

import ring
from hypothesis import Phase
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

# Generated inputs, the same on every run (a verdict must not change between two checks);
PROPERTY = settings(max_examples=15, deadline=None, derandomize=True, database=None,
                    phases=(Phase.explicit, Phase.generate))  # no shrinking: fail fast
NODES = st.lists(st.from_regex(r"[a-z]{1,6}-[0-9]{1,2}", fullmatch=True), min_size=1,
                 max_size=5, unique=True)
KEY_LISTS = st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=20)

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


def reference_ring(nodes: list[str], vnodes: int):
    """node_for of the prompt's ring, with the points computed once."""
    points = sorted((md5_64(f"{node}#{i}"), node) for node in nodes for i in range(vnodes))

    def node_for(key: str) -> str:
        index = bisect.bisect_left(points, (md5_64(key), ""))
        return points[index % len(points)][1]
    return node_for


@PROPERTY
@given(NODES, st.integers(min_value=1, max_value=20), KEY_LISTS)
def test_keys_land_where_the_ring_says(nodes, vnodes, keys):
    """For any nodes, vnodes and keys: a key goes to the first virtual node clockwise."""
    r = ring.HashRing(nodes, vnodes=vnodes)
    want_for = reference_ring(nodes, vnodes)
    for key in keys:
        got, want = r.node_for(key), want_for(key)
        if got != want:
            fail(
                f"HashRing({nodes}, vnodes={vnodes}).node_for({key!r}) returned {got!r}; the "
                f"ring described in the prompt puts it on {want!r}. Virtual node i of a node "
                "sits at stable_hash(f'{node}#{i}') and a key goes to the first point whose hash "
                "is >= stable_hash(key), wrapping round. Python's built-in hash() of a str is "
                "salted per process (PYTHONHASHSEED), so two proxy replicas, or the same one "
                "after a restart, would send a user to different cache pods"
            )


@PROPERTY
@given(NODES, st.integers(min_value=1, max_value=20))
def test_a_key_on_a_point_belongs_to_that_point(nodes, vnodes):
    """A key whose hash is exactly a virtual node's hash goes to that virtual node's node."""
    r = ring.HashRing(nodes, vnodes=vnodes)
    want_for = reference_ring(nodes, vnodes)
    # The key "<node>#<i>" hashes to the very point of virtual node i: "greater than or
    # equal" includes it, "greater than" skips to the next point clockwise.
    for key in [f"{node}#{i}" for node in nodes for i in range(min(vnodes, 4))]:
        got, want = r.node_for(key), want_for(key)
        if got != want:
            fail(
                f"HashRing({nodes}, vnodes={vnodes}).node_for({key!r}) returned {got!r}, but "
                f"that key's hash is exactly the point of {want!r}'s virtual node, and the "
                "ring gives a key to the first point whose hash is greater than OR EQUAL to "
                "the key's. Skipping an equal point sends the key one point further "
                "clockwise, to a node that other replicas of the proxy would not pick"
            )


@PROPERTY
@given(NODES, st.from_regex(r"new-[0-9]{1,3}", fullmatch=True), KEY_LISTS)
def test_a_new_node_only_takes_keys(nodes, new, keys):
    """For any ring: adding a node moves keys only to the new node."""
    r = ring.HashRing(nodes, vnodes=20)
    before = {key: r.node_for(key) for key in keys}
    r.add(new)
    for key in keys:
        after = r.node_for(key)
        if after not in (before[key], new):
            fail(
                f"HashRing({nodes}): {key!r} moved from {before[key]} to {after} when {new} "
                "was added. A key should only ever move to the new node; with hash % n almost "
                "every key changes node, and every cache is cold at once"
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
