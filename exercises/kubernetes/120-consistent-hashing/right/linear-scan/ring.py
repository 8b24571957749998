"""A consistent-hash ring without bisect: a sorted list scanned for the first point >= key."""

import hashlib


def stable_hash(text):
    digest = hashlib.md5(text.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], byteorder="big")


class HashRing:
    def __init__(self, nodes, vnodes=100):
        self.vnodes = vnodes
        self.nodes = []
        for node in nodes:
            self.add(node)

    def _points(self):
        return sorted(
            (stable_hash(f"{node}#{i}"), node) for node in self.nodes for i in range(self.vnodes)
        )

    def add(self, node):
        self.nodes.append(node)
        self.points = self._points()

    def remove(self, node):
        self.nodes.remove(node)
        self.points = self._points()

    def node_for(self, key):
        h = stable_hash(key)
        for point, node in self.points:
            if point >= h:
                return node
        return self.points[0][1]
