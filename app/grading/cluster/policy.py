"""NetworkPolicy and CiliumNetworkPolicy: may this source pod reach that pod on that port?"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any

from .selectors import label_selector_matches
from .selectors import labels_of

if TYPE_CHECKING:
    from .model import Cluster
    from .model import Pod

CILIUM_NAMESPACE_LABEL = "io.kubernetes.pod.namespace"


def check_policies(cluster: Cluster, source: Pod, target: Pod, port: int,
                   protocol: str = "TCP") -> tuple[str, str] | None:
    """(reason, where) when a policy drops the connection; None when it is let through."""
    denied = kubernetes_policies(cluster, source, target, port, protocol)
    if denied is not None:
        return denied
    return cilium_policies(cluster, source, target, port, protocol)


def port_matches(entry: Any, target: Pod, port: int, protocol: str) -> bool:
    """A NetworkPolicy port entry: number (with endPort) or the pod's named port; protocol."""
    if not isinstance(entry, Mapping):
        return False
    if str(entry.get("protocol", "TCP")) != protocol:
        return False
    wanted = entry.get("port")
    if wanted is None:
        return True
    if isinstance(wanted, int):
        end = entry.get("endPort")
        return wanted == port or (isinstance(end, int) and wanted <= port <= end)
    named = target.port_named(str(wanted))
    return named is not None and named.number == port


def peer_matches(cluster: Cluster, peer: Any, policy_ns: str, source: Pod) -> bool:
    """A NetworkPolicy `from` entry: podSelector and/or namespaceSelector (ipBlock: outside)."""
    if not isinstance(peer, Mapping):
        return False
    pod_sel, ns_sel = peer.get("podSelector"), peer.get("namespaceSelector")
    if pod_sel is None and ns_sel is None:
        return False  # ipBlock only: addresses outside the cluster, not pods
    if ns_sel is None:
        ns_ok = source.namespace == policy_ns
    else:
        ns_ok = label_selector_matches(ns_sel, cluster.namespace_labels(source.namespace), True)
    pod_ok = pod_sel is None or label_selector_matches(pod_sel, source.labels, True)
    return ns_ok and pod_ok


def kubernetes_policies(cluster: Cluster, source: Pod, target: Pod, port: int,
                        protocol: str) -> tuple[str, str] | None:
    """Once a NetworkPolicy selects a pod for Ingress, only what some rule allows gets in."""
    selecting = []
    for policy in cluster.objects("NetworkPolicy", target.namespace):
        types = policy.get("spec", "policyTypes") or ["Ingress"]
        if "Ingress" not in types:
            continue
        if label_selector_matches(policy.get("spec", "podSelector"), target.labels, True):
            selecting.append(policy)
    if not selecting:
        return None
    for policy in selecting:
        for rule in policy.get("spec", "ingress") or []:
            if not isinstance(rule, Mapping):
                continue
            peers = rule.get("from")
            ports = rule.get("ports")
            peer_ok = not peers or any(
                peer_matches(cluster, p, target.namespace, source) for p in peers)
            port_ok = not ports or any(port_matches(p, target, port, protocol) for p in ports)
            if peer_ok and port_ok:
                return None
    first = selecting[0]
    return (f"denied by NetworkPolicy '{first.name}': it selects this pod and no ingress rule "
            f"allows {source.namespace}/{source.name} on port {port}",
            first.where("spec", "ingress") if first.get("spec", "ingress") is not None
            else first.where("spec"))


def cilium_labels(selector: Any) -> Any:
    """A Cilium endpoint selector with the `k8s:` source prefixes removed."""
    if not isinstance(selector, Mapping):
        return selector
    strip = {}
    for key, value in (selector.get("matchLabels") or {}).items():
        strip[str(key).removeprefix("k8s:").removeprefix("any:")] = value
    expressions = []
    for e in selector.get("matchExpressions") or []:
        if isinstance(e, Mapping):
            e = dict(e)
            e["key"] = str(e.get("key", "")).removeprefix("k8s:").removeprefix("any:")
            expressions.append(e)
    return {"matchLabels": strip, "matchExpressions": expressions}


def cilium_source_matches(selector: Any, policy_ns: str | None, source: Pod) -> bool:
    """fromEndpoints: a namespaced policy's selectors only see its own namespace unless they
    name io.kubernetes.pod.namespace
    (https://docs.cilium.io/en/stable/security/policy/kubernetes/#namespaces)."""
    selector = cilium_labels(selector)
    labels = {**source.labels, CILIUM_NAMESPACE_LABEL: source.namespace}
    names_ns = CILIUM_NAMESPACE_LABEL in (selector.get("matchLabels") or {}) or any(
        e.get("key") == CILIUM_NAMESPACE_LABEL for e in selector.get("matchExpressions") or [])
    if policy_ns is not None and not names_ns and source.namespace != policy_ns:
        return False
    return label_selector_matches(selector, labels, True)


def cilium_rule_matches(rule: Any, policy_ns: str | None, source: Pod, target: Pod,
                        port: int, protocol: str) -> bool:
    """One ingress or ingressDeny rule: the source (endpoints or entities) and the port."""
    if not isinstance(rule, Mapping):
        return False
    endpoints = rule.get("fromEndpoints")
    entities = [str(e) for e in rule.get("fromEntities") or []]
    if endpoints is None and not entities:
        source_ok = "fromCIDR" not in rule and "fromCIDRSet" not in rule
    else:
        source_ok = any(cilium_source_matches(s, policy_ns, source) for s in endpoints or []) or (
            bool({"all", "cluster"} & set(entities)))
    if not source_ok:
        return False
    to_ports = rule.get("toPorts")
    if not to_ports:
        return True
    for entry in to_ports:
        for p in (entry or {}).get("ports") or []:
            if not isinstance(p, Mapping):
                continue
            proto = str(p.get("protocol", "ANY"))
            if proto not in ("ANY", protocol):
                continue
            value = str(p.get("port", "0"))
            if value in ("0", str(port)):
                return True
            end = p.get("endPort")  # a range port..endPort (Cilium 1.16 and later)
            if value.isdigit() and isinstance(end, int) and int(value) <= port <= end:
                return True
            named = target.port_named(value)
            if named is not None and named.number == port:
                return True
    return False


def cilium_policies(cluster: Cluster, source: Pod, target: Pod, port: int,
                    protocol: str) -> tuple[str, str] | None:
    """Deny rules win over allow rules; a pod selected by any ingress rule is default-deny.

    (https://docs.cilium.io/en/stable/security/policy/language/#deny-policies and
    #ingress: "as soon as a rule selects an endpoint, ingress is default deny".)
    """
    allow_seen, allowed = None, False
    for policy in cluster.objects("CiliumNetworkPolicy", target.namespace) + cluster.objects(
            "CiliumClusterwideNetworkPolicy"):
        ns = None if policy.kind == "CiliumClusterwideNetworkPolicy" else target.namespace
        specs = [("spec",)] if policy.get("spec") is not None else []
        specs += [("specs", i) for i in range(len(policy.get("specs") or []))]
        for base in specs:
            spec = policy.get(*base) or {}
            selector = cilium_labels(spec.get("endpointSelector"))
            if not label_selector_matches(selector, target.labels, True):
                continue
            for i, rule in enumerate(spec.get("ingressDeny") or []):
                if cilium_rule_matches(rule, ns, source, target, port, protocol):
                    return (f"denied by CiliumNetworkPolicy '{policy.name}' (ingressDeny)",
                            policy.where(*base, "ingressDeny", i))
            if "ingress" in spec:
                allow_seen = allow_seen or (policy, base)
                if any(cilium_rule_matches(r, ns, source, target, port, protocol)
                       for r in spec.get("ingress") or []):
                    allowed = True
    if allow_seen and not allowed:
        policy, base = allow_seen
        return (f"denied by CiliumNetworkPolicy '{policy.name}': it selects this pod, and no "
                f"ingress rule allows {source.namespace}/{source.name} on port {port}",
                policy.where(*base, "ingress"))
    return None


__all__ = ["check_policies", "labels_of"]
