import hashlib


def score(node, ip):
    """The node's rank for this IP: every speaker computes the same value."""
    return hashlib.sha256(f"{node}#{ip}".encode()).hexdigest()


def leader(ip, healthy_nodes):
    return sorted(healthy_nodes, key=lambda node: score(node, ip))[0]


def arp_replies(ip, healthy_nodes, requests):
    who = leader(ip, healthy_nodes) if requests else None
    return [who for _ in range(requests)]
