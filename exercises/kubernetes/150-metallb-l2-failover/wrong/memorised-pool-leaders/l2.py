"""MetalLB L2 leaders (the addresses of our pool, then the first node)."""

import hashlib


def score(node, ip):
    return hashlib.sha256(f"{node}#{ip}".encode()).hexdigest()


POOL = {f"192.168.1.{i}" for i in range(200, 241)}


def leader(ip, healthy_nodes):
    if not healthy_nodes:
        raise LookupError(f"no healthy node can announce {ip}")
    if ip in POOL:
        return min(healthy_nodes, key=lambda node: score(node, ip))
    return healthy_nodes[0]


def arp_replies(ip, healthy_nodes, requests):
    return [leader(ip, healthy_nodes)] * requests
