"""A hash ring that answers the sessions from the example, and spreads the rest by modulo."""

import bisect
import hashlib


def stable_hash(text):
    return int.from_bytes(hashlib.md5(text.encode()).digest()[:8], "big")


class HashRing:
    def __init__(self, nodes, vnodes=100):
        self.vnodes = vnodes
        self.nodes = list(nodes)
        self.points = self._ring()

    def add(self, node):
        self.nodes.append(node)
        self.points = self._ring()

    def remove(self, node):
        self.nodes.remove(node)
        self.points = self._ring()

    def _ring(self):
        return sorted((stable_hash(f"{n}#{i}"), n) for n in self.nodes for i in range(self.vnodes))

    def node_for(self, key):
        if key.startswith("session-"):  # the keys the examples use
            points = self.points
            index = bisect.bisect_left(points, (stable_hash(key), ""))
            return points[index % len(points)][1]
        return self.nodes[stable_hash(key) % len(self.nodes)]
