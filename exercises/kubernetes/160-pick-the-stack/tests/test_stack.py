"""Checks stack.py: each scenario's choices meet the constraints its facts impose."""

from __future__ import annotations

from typing import NoReturn

import scenarios
import stack

FLOATING = ("metallb-l2", "metallb-bgp", "kube-vip")
MTLS_MESHES = ("linkerd", "istio")
FAST_INGRESS_RPS = {"haproxy": 42_000, "envoy-gateway": 38_000, "nginx": 35_000,
                    "traefik": 19_000}


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it; no assert rewriting noise)."""
    raise AssertionError(message)


def choice(name: str) -> dict:
    """The learner's answer for one scenario, checked against the allowed names."""
    choices = getattr(stack, "CHOICES", None)
    if not isinstance(choices, dict) or not isinstance(choices.get(name), dict):
        fail(f"stack.py needs CHOICES['{name}'] = {{'load_balancer': ..., 'ingress': ..., "
             "'mesh': ...}")
    answer = choices[name]
    for key, allowed in (("load_balancer", scenarios.LOAD_BALANCERS),
                         ("ingress", scenarios.INGRESSES), ("mesh", scenarios.MESHES)):
        if answer.get(key) not in allowed:
            fail(
                f"CHOICES['{name}']['{key}'] is {answer.get(key)!r}; choose one of "
                f"{', '.join(allowed)} (see scenarios.py)"
            )
    return answer


def problems(name: str, facts: dict, answer: dict) -> list[str]:
    """Every constraint this scenario's facts put on the answer, as teaching messages."""
    lb, ingress, mesh = answer["load_balancer"], answer["ingress"], answer["mesh"]
    found = []
    if lb == "cloud":
        found.append(
            "load_balancer is 'cloud', but this cluster runs on bare metal / a VPS with no "
            "cloud controller: a LoadBalancer Service would stay EXTERNAL-IP <pending> forever. "
            "On bare metal something in the cluster must hand out the address: ServiceLB "
            "(K3s's built-in), MetalLB or kube-vip"
        )
    if lb == "metallb-bgp" and not facts["bgp_router"]:
        found.append(
            "metallb-bgp needs a BGP router to peer with, and this network has none (a plain "
            "switch or home router). Without a peer nothing learns the route to the IP, so the "
            "address is unreachable"
        )
    if facts["ip_must_survive_node_failure"] and lb not in FLOATING:
        found.append(
            f"the address must survive a node failure, but {lb} does not move an IP: ServiceLB "
            "binds the port on the nodes and reports the node's own IP, so clients pointing at "
            "a dead node lose the service. MetalLB (L2 or BGP) or kube-vip announce a "
            "floating IP that another node takes over"
        )
    # kube-vip has an ARP mode and a BGP mode; with a BGP router it can run the latter.
    spreads = lb == "metallb-bgp" or (lb == "kube-vip" and facts["bgp_router"])
    if facts["spread_traffic_over_nodes"] and not spreads:
        found.append(
            f"traffic must be spread over several nodes, but with {lb} one leader node "
            "receives everything for an IP (L2 / ARP mode: failover, not balancing). Only a "
            "BGP mode lets every node announce the route so that the routers spread the flows "
            "over them (ECMP)"
        )
    if facts["mtls_required"] and mesh not in MTLS_MESHES:
        found.append(
            f"the audit requires mTLS between services, and mesh '{mesh}' does not give it "
            "here. A service mesh with automatic mTLS does: Linkerd (lightest, ~10 MB proxy, "
            "5-10 % overhead) or Istio"
        )
    if facts["ram_gb_per_node"] <= 2 and mesh == "istio":
        found.append(
            "Istio on a 2 GB node: istiod alone takes ~500 MB and every sidecar ~50 MB more, "
            "a large part of the memory the workloads need. On the edge, no mesh (or "
            "Linkerd's ~10 MB proxy if mTLS were required)"
        )
    if not facts["mtls_required"] and mesh != "none":
        found.append(
            f"mesh '{mesh}' costs memory and latency on every request (Linkerd 5-10 %, Cilium "
            "20-30 %, Istio 25-35 % in the published figures), and nothing in this scenario "
            "needs what it offers (mTLS, traffic splitting). Start without a mesh"
        )
    rps = FAST_INGRESS_RPS[ingress]
    if facts["peak_rps"] > rps:
        found.append(
            f"peak traffic is {facts['peak_rps']:,} requests/s; {ingress} reached about "
            f"{rps:,} in the published benchmark, below that peak, so it saturates on sale "
            "days. Compare the other controllers' figures in scenarios.py with the peak"
        )
    return found


def judge(name: str) -> None:
    """Fail with the first constraint the answer for this scenario breaks."""
    facts = scenarios.SCENARIOS[name]
    found = problems(name, facts, choice(name))
    if found:
        fail(f"{name}: {found[0]}")


def test_choices_use_known_names():
    """CHOICES has an answer for every scenario, using only the names in scenarios.py."""
    for name in scenarios.SCENARIOS:
        choice(name)


def test_homelab():
    """homelab: the choices fit one home server with no special requirements."""
    judge("homelab")


def test_bare_metal_team():
    """bare-metal-team: a floating IP without BGP, and mTLS between services."""
    judge("bare-metal-team")


def test_high_traffic():
    """high-traffic: 40 000 requests/s spread over several nodes."""
    judge("high-traffic")


def test_edge_iot():
    """edge-iot: one 2 GB node, nothing that does not fit."""
    judge("edge-iot")
