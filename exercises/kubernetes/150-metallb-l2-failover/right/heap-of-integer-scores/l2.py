"""MetalLB in L2 mode: which node answers ARP for a LoadBalancer IP."""

import hashlib
import heapq


def score(node, ip):
    """The node's rank for this IP: every speaker computes the same value."""
    return hashlib.sha256(f"{node}#{ip}".encode()).hexdigest()


def leader(ip, healthy_nodes):
    ranked = heapq.nsmallest(1, ((int(score(n, ip), 16), n) for n in set(healthy_nodes)))
    if not ranked:
        raise LookupError(f"no healthy node left to announce {ip}")
    return ranked[0][1]


def arp_replies(ip, healthy_nodes, requests):
    if requests <= 0:
        return []
    node = leader(ip, healthy_nodes)
    return [node for _ in range(requests)]
