"""A consistent-hash ring kept as a sorted list of hashes and a dict hash -> node."""

import bisect
import hashlib


def stable_hash(text):
    return int.from_bytes(hashlib.md5(text.encode()).digest()[:8], "big")


class HashRing:
    def __init__(self, nodes, vnodes=100):
        self.vnodes = vnodes
        self.owner = {}
        self.hashes = []
        for node in nodes:
            self.add(node)

    def add(self, node):
        for i in range(self.vnodes):
            h = stable_hash(f"{node}#{i}")
            self.owner[h] = node
            bisect.insort(self.hashes, h)

    def remove(self, node):
        self.hashes = [h for h in self.hashes if self.owner[h] != node]
        self.owner = {h: n for h, n in self.owner.items() if n != node}

    def node_for(self, key):
        if not self.hashes:
            raise LookupError("empty ring")
        i = bisect.bisect_left(self.hashes, stable_hash(key)) % len(self.hashes)
        return self.owner[self.hashes[i]]
