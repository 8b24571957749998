"""A consistent-hash ring (built on Python's hash()) with virtual nodes, as used for sticky routing to cache pods."""

import bisect
import hashlib


def stable_hash(text):
    """A 64-bit hash of text that is the same in every process and on every machine."""
    return int.from_bytes(hashlib.md5(text.encode()).digest()[:8], "big")


class HashRing:
    """Keys map to the first virtual node clockwise from their hash."""

    def __init__(self, nodes, vnodes=100):
        self.vnodes = vnodes
        self.points = []  # sorted (hash, node) pairs: the ring
        for node in nodes:
            self.add(node)

    def add(self, node):
        for i in range(self.vnodes):
            # Python's own hash() is fast and built in: no need for md5 here.
            bisect.insort(self.points, (hash(f"{node}#{i}"), node))

    def remove(self, node):
        self.points = [point for point in self.points if point[1] != node]

    def node_for(self, key):
        if not self.points:
            raise LookupError("the ring has no nodes")
        h = hash(key)
        index = bisect.bisect_left(self.points, (h, ""))
        if index == len(self.points):  # past the last point: wrap around to the first
            index = 0
        return self.points[index][1]


if __name__ == "__main__":
    ring = HashRing(["cache-0", "cache-1", "cache-2", "cache-3"])
    keys = [f"user-{i}" for i in range(10_000)]
    before = {key: ring.node_for(key) for key in keys}
    ring.add("cache-4")
    moved = sum(before[key] != ring.node_for(key) for key in keys)
    print(f"adding a 5th node moved {moved / len(keys):.1%} of the keys (ideal: 20%)")
