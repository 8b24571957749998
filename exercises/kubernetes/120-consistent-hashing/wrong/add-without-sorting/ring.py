"""A consistent-hash ring."""

import bisect
import hashlib


def stable_hash(text):
    """A 64-bit hash of text that is the same in every process and on every machine."""
    return int.from_bytes(hashlib.md5(text.encode()).digest()[:8], "big")


class HashRing:
    def __init__(self, nodes, vnodes=100):
        self.vnodes = vnodes
        self.points = sorted((stable_hash(f"{n}#{i}"), n) for n in nodes for i in range(vnodes))

    def add(self, node):
        # New points go at the end of the ring.
        self.points += [(stable_hash(f"{node}#{i}"), node) for i in range(self.vnodes)]

    def remove(self, node):
        self.points = [p for p in self.points if p[1] != node]

    def node_for(self, key):
        h = stable_hash(key)
        i = bisect.bisect_left(self.points, (h, ""))
        return self.points[i % len(self.points)][1]
