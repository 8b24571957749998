"""Which node answers ARP for a MetalLB L2 address."""

import hashlib


def score(node, ip):
    """Every speaker computes the same rank for (node, ip)."""
    return hashlib.sha256((node + "#" + ip).encode("utf-8")).hexdigest()


def leader(ip, healthy_nodes):
    best, best_score = None, None
    for node in healthy_nodes:
        s = score(node, ip)
        if best_score is None or s < best_score:
            best, best_score = node, s
    if best is None:
        raise LookupError("no healthy node")
    return best


def arp_replies(ip, healthy_nodes, requests):
    owner = leader(ip, healthy_nodes)
    return [owner for _ in range(requests)]
