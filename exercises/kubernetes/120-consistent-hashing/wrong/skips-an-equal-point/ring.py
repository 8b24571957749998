import bisect
import hashlib


def stable_hash(text):
    """A 64-bit hash of text that is the same in every process and on every machine."""
    return int.from_bytes(hashlib.md5(text.encode()).digest()[:8], "big")


class HashRing:
    def __init__(self, nodes, vnodes=100):
        self.vnodes = vnodes
        self.points = []
        for node in nodes:
            self.add(node)

    def add(self, node):
        for i in range(self.vnodes):
            bisect.insort(self.points, (stable_hash(f"{node}#{i}"), node))

    def remove(self, node):
        self.points = [p for p in self.points if p[1] != node]

    def node_for(self, key):
        i = bisect.bisect_right([p[0] for p in self.points], stable_hash(key))
        if i == len(self.points):
            i = 0
        return self.points[i][1]
