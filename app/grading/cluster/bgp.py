"""MetalLB in BGP mode, seen from the upstream router: sessions, learnt routes, and a request.

    router = bgp.Router.from_frr(submission.read("frr.conf"))
    bgp.sessions(cluster, router)               # one per (node, BGPPeer): up, or why not
    bgp.routes(cluster, router)                 # prefix -> next hops (node IPs) the router learns
    trace = bgp.request(cluster, router, "http://203.0.113.20/")  # router, node, Service, pod

What MetalLB does (https://metallb.universe.tf/configuration/#bgp-configuration and
https://metallb.universe.tf/concepts/bgp/, checked 2026-11-29): every speaker (one per node the
BGPPeer's nodeSelectors pick, all nodes by default) opens a session to `peerAddress`, speaking as
`myASN` and expecting the router to be `peerASN`. A BGPAdvertisement (metallb.io/v1beta1) makes
the speakers announce the addresses of the pools it covers (ipAddressPools, ipAddressPoolSelectors
or, with neither, every pool) to the peers it names (`peers`, all by default), as prefixes of
`aggregationLength` bits (32 by default). The router spreads traffic over every node that
announced a prefix (ECMP). An L2Advertisement only answers ARP on the nodes' own segment, which
a router does not learn a route from.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from ..manifests import Resource
from .model import METALLB_NAMESPACE
from .model import Cluster
from .model import Node
from .model import namespace_of
from .selectors import label_selector_matches
from .selectors import labels_of
from .trace import Trace
from .trace import bounded


@dataclass
class Router:
    """The upstream router: its address, its AS, and the neighbours (address -> AS) it accepts."""

    address: str
    asn: int
    neighbors: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_frr(cls, text: str) -> Router:
        """Read the lines of an FRR bgpd configuration the model needs."""
        asn, address, neighbors = 0, "", {}
        for line in text.splitlines():
            words = line.split("!")[0].split()
            if words[:2] == ["router", "bgp"] and len(words) > 2 and words[2].isdigit():
                asn = int(words[2])
            elif words[:2] == ["bgp", "router-id"] and len(words) > 2:
                address = words[2]
            elif (words[:1] == ["neighbor"] and len(words) > 3 and words[2] == "remote-as"
                  and words[3].isdigit()):
                neighbors[words[1]] = int(words[3])
        return cls(address, asn, neighbors)


@dataclass
class Session:
    """One speaker's BGP session to one peer: established, or why the router refuses it."""

    node: Node
    peer: Resource
    up: bool
    why: str = ""


def peers(cluster: Cluster) -> list[Resource]:
    """BGPPeers where MetalLB reads them."""
    return cluster.objects("BGPPeer", METALLB_NAMESPACE)


def node_selected(node: Node, selectors: Any) -> bool:
    """A node matches when any selector matches its labels (hostname); none: every node."""
    if not selectors:
        return True
    labels = {"kubernetes.io/hostname": node.name}
    return any(label_selector_matches(s, labels, False) for s in selectors if
               isinstance(s, Mapping))


def as_number(value: Any) -> int | None:
    """An AS number as an int (None when it is not one)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, str) and value.strip().isdigit() else None


def sessions(cluster: Cluster, router: Router) -> list[Session]:
    """Every (node, BGPPeer) session and whether the router accepts it."""
    found = []
    for peer in peers(cluster):
        my_asn = as_number(peer.get("spec", "myASN"))
        peer_asn = as_number(peer.get("spec", "peerASN"))
        dynamic = peer.get("spec", "dynamicASN")
        address = str(peer.get("spec", "peerAddress") or "")
        for node in cluster.nodes:
            if not node_selected(node, peer.get("spec", "nodeSelectors")):
                continue
            expected = router.neighbors.get(node.ip)
            why = ""
            if address != router.address:
                why = (f"{peer.where('spec', 'peerAddress')}: the speaker on {node.name} "
                       f"connects to {bounded(address, 40) or 'no address'}, where no BGP "
                       f"router listens (the router is {router.address})")
            elif expected is None:
                why = f"the router has no neighbor {node.ip}, so it refuses {node.name}"
            elif my_asn != expected:
                why = (f"{peer.where('spec', 'myASN')}: {node.name} speaks as AS {my_asn}, "
                       f"but the router expects AS {expected} from {node.ip} and closes the "
                       "session (bad peer AS)")
            elif dynamic is None and peer_asn != router.asn:
                why = (f"{peer.where('spec', 'peerASN')}: {node.name} expects the router to be "
                       f"AS {peer_asn}, but it is AS {router.asn}, so the speaker drops the "
                       "session")
            found.append(Session(node, peer, not why, why))
    return found


def advertisements_for(cluster: Cluster, pool: Resource) -> list[Resource]:
    """The BGPAdvertisements that cover a pool."""
    found = []
    for ad in cluster.objects("BGPAdvertisement", METALLB_NAMESPACE):
        names = ad.get("spec", "ipAddressPools")
        selectors = ad.get("spec", "ipAddressPoolSelectors")
        pool_labels = labels_of(pool.get("metadata", "labels"))
        if (not names and not selectors) or (names and pool.name in [str(n) for n in names]) \
                or any(label_selector_matches(s, pool_labels, False) for s in selectors or []):
            found.append(ad)
    return found


def pool_covered_by_l2(cluster: Cluster, address: str) -> bool:
    """True when an L2Advertisement covers the pool of an address."""
    try:
        pool = pool_of(cluster, address)
    except ValueError:
        return False
    if pool is None:
        return False
    for ad in cluster.objects("L2Advertisement", METALLB_NAMESPACE):
        names = ad.get("spec", "ipAddressPools")
        selectors = ad.get("spec", "ipAddressPoolSelectors")
        if (not names and not selectors) or (names and pool.name in [str(n) for n in names]) \
                or any(label_selector_matches(s, labels_of(pool.get("metadata", "labels")), False)
                       for s in selectors or []):
            return True
    return False


def pool_of(cluster: Cluster, address: str) -> Resource | None:
    """The MetalLB pool an address comes from."""
    from .model import pool_ranges

    ip = ipaddress.ip_address(address)
    for pool in cluster.objects("IPAddressPool", METALLB_NAMESPACE):
        if any(first <= ip <= last for first, last in pool_ranges(pool)):
            return pool
    return None


def assigned(cluster: Cluster) -> dict[str, tuple[Resource, list[str], str]]:
    """"namespace/name" of each LoadBalancer Service -> (Service, addresses, explanation)."""
    result = {}
    for service in cluster.objects("Service"):
        if cluster.service_type(service) == "LoadBalancer":
            addresses, why = cluster.load_balancer(service)
            result[f"{namespace_of(service)}/{service.name}"] = (service, addresses, why)
    return result


def routes(cluster: Cluster, router: Router) -> dict[str, list[str]]:
    """Prefix -> node IPs the router learns it from (more than one: ECMP)."""
    up = [s for s in sessions(cluster, router) if s.up]
    learnt: dict[str, list[str]] = {}
    for _, addresses, _ in assigned(cluster).values():
        for address in addresses:
            pool = pool_of(cluster, address)
            if pool is None:
                continue
            for ad in advertisements_for(cluster, pool):
                length = as_number(ad.get("spec", "aggregationLength"))
                length = 32 if length is None else length
                prefix = str(ipaddress.ip_network(f"{address}/{length}", strict=False))
                named = [str(p) for p in ad.get("spec", "peers") or []]
                for s in up:
                    if named and s.peer.name not in named:
                        continue
                    if not node_selected(s.node, ad.get("spec", "nodeSelectors")):
                        continue
                    hops = learnt.setdefault(prefix, [])
                    if s.node.ip not in hops:
                        hops.append(s.node.ip)
    return learnt


def lookup(table: Mapping[str, list[str]], address: str) -> tuple[str, list[str]] | None:
    """The longest prefix of the table that holds an address, with its next hops."""
    ip = ipaddress.ip_address(address)
    best = None
    for prefix, hops in table.items():
        network = ipaddress.ip_network(prefix)
        if ip in network and (best is None or network.prefixlen > best[0].prefixlen):
            best = (network, hops)
    return (str(best[0]), best[1]) if best else None


def request(cluster: Cluster, router: Router, url: str) -> Trace:
    """A request from the internet: the router's route, a node, then the Service and a pod."""
    host = re.sub(r"^\w+://", "", url).split("/")[0].split(":")[0]
    table = routes(cluster, router)
    found = lookup(table, host)
    trace = Trace(url)
    trace.add(f"router {router.address}", f"AS {router.asn}")
    if found is None:
        down = [s for s in sessions(cluster, router) if not s.up]
        if not peers(cluster):
            why = "no BGPPeer in metallb-system, so no speaker talks BGP to the router"
        elif down and len(down) == len(sessions(cluster, router)):
            why = "no BGP session is up: " + down[0].why
        elif cluster.objects("L2Advertisement", METALLB_NAMESPACE) and pool_covered_by_l2(
                cluster, host):
            why = (f"{host} is only announced by an L2Advertisement: the nodes answer ARP for "
                   "it on their own LAN, and a router learns no route from ARP")
        else:
            why = (f"no node announces {host}: no BGPAdvertisement covers the pool it comes "
                   "from, or no Service got it")
        return trace.fail(0, f"the router has no route to {host}: {why}")
    prefix, hops = found
    trace.add(f"route {prefix}", f"via {', '.join(hops)}" + (" (ECMP)" if len(hops) > 1 else ""))
    inside = cluster.request(url)
    trace.hops += inside.hops
    for name in ("status", "stop", "stop_where", "pod", "port", "path", "host"):
        setattr(trace, name, getattr(inside, name))
    return trace
