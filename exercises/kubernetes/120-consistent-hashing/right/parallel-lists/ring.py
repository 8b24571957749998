"""A consistent-hash ring kept as two parallel sorted lists."""

import hashlib
from bisect import bisect_left


def stable_hash(text):
    """A 64-bit hash of text that is the same in every process and on every machine."""
    return int.from_bytes(hashlib.md5(text.encode()).digest()[:8], "big")


class HashRing:
    def __init__(self, nodes, vnodes=100):
        self.vnodes = vnodes
        self._nodes = set()
        self._hashes, self._owners = [], []
        for node in nodes:
            self.add(node)

    def _rebuild(self):
        points = sorted((stable_hash(f"{n}#{i}"), n) for n in self._nodes
                        for i in range(self.vnodes))
        self._hashes = [h for h, _ in points]
        self._owners = [n for _, n in points]

    def add(self, node):
        self._nodes.add(node)
        self._rebuild()

    def remove(self, node):
        self._nodes.discard(node)
        self._rebuild()

    def node_for(self, key):
        if not self._hashes:
            raise LookupError("empty ring")
        i = bisect_left(self._hashes, stable_hash(key)) % len(self._hashes)
        return self._owners[i]
