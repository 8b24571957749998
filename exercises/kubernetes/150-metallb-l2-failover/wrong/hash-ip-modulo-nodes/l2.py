"""MetalLB in L2 mode: which node answers ARP for a LoadBalancer IP."""

import hashlib


def score(node, ip):
    """The node's rank for this IP: every speaker computes the same value."""
    return hashlib.sha256(f"{node}#{ip}".encode()).hexdigest()


def leader(ip, healthy_nodes):
    # Every speaker sorts the members the same way and hashes the IP onto that list.
    nodes = sorted(healthy_nodes)
    if not nodes:
        raise LookupError(f"no healthy node can announce {ip}")
    return nodes[int(hashlib.sha256(ip.encode()).hexdigest(), 16) % len(nodes)]


def arp_replies(ip, healthy_nodes, requests):
    return [leader(ip, healthy_nodes)] * requests
