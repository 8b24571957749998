"""MetalLB L2: the agreed ARP leader of an IP."""

import hashlib


def score(node, ip):
    return hashlib.sha256(f"{node}#{ip}".encode()).hexdigest()


def leader(ip, healthy_nodes):
    ranking = sorted(healthy_nodes, key=lambda node: (score(node, ip), node))
    if not ranking:
        raise LookupError(f"nobody can announce {ip}")
    return ranking[0]


def arp_replies(ip, healthy_nodes, requests):
    return [leader(ip, healthy_nodes) for _ in range(requests)]
