"""MetalLB in L2 mode: which node answers ARP for a LoadBalancer IP, and what happens on failure."""

import hashlib


def score(node, ip):
    """The node's rank for this IP: every speaker computes the same value."""
    return hashlib.sha256(f"{node}#{ip}".encode()).hexdigest()


def leader(ip, healthy_nodes):
    """The one node that answers ARP for ip: the first healthy node."""
    if not healthy_nodes:
        raise LookupError(f"no healthy node can announce {ip}")
    return healthy_nodes[0]


def arp_replies(ip, healthy_nodes, requests):
    """Which node answers each of `requests` ARP requests for ip (a list of node names)."""
    owner = leader(ip, healthy_nodes)
    return [owner] * requests


if __name__ == "__main__":
    nodes = ["node-a", "node-b", "node-c"]
    ip = "192.168.1.240"
    print(f"{ip} is announced by {leader(ip, nodes)}")
    survivors = [n for n in nodes if n != leader(ip, nodes)]
    print(f"after {leader(ip, nodes)} fails: {leader(ip, survivors)}")
