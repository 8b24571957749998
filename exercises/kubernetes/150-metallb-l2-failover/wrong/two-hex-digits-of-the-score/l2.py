"""MetalLB in L2 mode: which node answers ARP for a LoadBalancer IP, and what happens on failure."""

import hashlib


def score(node, ip):
    """The node's rank for this IP: every speaker computes the same value."""
    return hashlib.sha256(f"{node}#{ip}".encode()).hexdigest()



def leader(ip, healthy_nodes):
    nodes = list(healthy_nodes)
    if not nodes:
        raise LookupError(f"no healthy node can announce {ip}")
    return min(nodes, key=lambda node: int(score(node, ip)[:2], 16))


def arp_replies(ip, healthy_nodes, requests):
    return [leader(ip, healthy_nodes)] * requests


if __name__ == "__main__":
    nodes = ["node-a", "node-b", "node-c"]
    ip = "192.168.1.240"
    print(f"{ip} is announced by {leader(ip, nodes)}")
    survivors = [n for n in nodes if n != leader(ip, nodes)]
    print(f"after {leader(ip, nodes)} fails: {leader(ip, survivors)}")
