"""Modulo hashing presented as a ring with virtual nodes, as used for sticky routing to cache pods."""

import hashlib


def stable_hash(text):
    """A 64-bit hash of text that is the same in every process and on every machine."""
    return int.from_bytes(hashlib.md5(text.encode()).digest()[:8], "big")


class HashRing:
    """Keys map to the first virtual node clockwise from their hash."""

    def __init__(self, nodes, vnodes=100):
        self.vnodes = vnodes
        self.nodes = list(nodes)

    def add(self, node):
        self.nodes.append(node)

    def remove(self, node):
        self.nodes.remove(node)

    def node_for(self, key):
        return self.nodes[stable_hash(key) % len(self.nodes)]


if __name__ == "__main__":
    ring = HashRing(["cache-0", "cache-1", "cache-2", "cache-3"])
    keys = [f"user-{i}" for i in range(10_000)]
    before = {key: ring.node_for(key) for key in keys}
    ring.add("cache-4")
    moved = sum(before[key] != ring.node_for(key) for key in keys)
    print(f"adding a 5th node moved {moved / len(keys):.1%} of the keys (ideal: 20%)")
