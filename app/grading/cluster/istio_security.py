"""Istio's mTLS and authorization at the receiving sidecar: is a pod-to-pod request let in?

    verdict = istio_security.call(cluster, source_pod, target_pod, 8080, "POST", "/charge")
    verdict.allowed, verdict.status, verdict.reason, verdict.where, verdict.trace

What Istio does (https://istio.io/latest/docs/reference/config/security/peer_authentication/ and
.../authorization-policy/, https://istio.io/latest/docs/concepts/security/, checked
2026-11-29):
- a pod has a sidecar when its namespace carries `istio-injection: enabled` (or `istio.io/rev`)
  or the pod `sidecar.istio.io/inject: "true"`; sidecars talk mTLS to each other automatically,
  and the caller's identity (principal) is `cluster.local/ns/<namespace>/sa/<service account>`;
- PeerAuthentication: the one with a selector matching the workload wins over the namespace's
  (no selector), which wins over the mesh-wide one in the root namespace istio-system; without
  any, PERMISSIVE. STRICT refuses plaintext connections (the client sees a reset);
- AuthorizationPolicy: DENY policies first, then if any ALLOW policy selects the workload the
  request needs a matching rule (403 "RBAC: access denied" otherwise). Rules are ORed; within a
  rule, `from`, `to` and `when` are ANDed. A principal or namespace source only matches over
  mTLS (plaintext requests have no identity). A policy without selector applies to the whole
  namespace; in istio-system, to the whole mesh.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from ..manifests import Resource
from .model import Cluster
from .model import Pod
from .model import namespace_of
from .selectors import label_selector_matches
from .trace import Trace

ROOT_NAMESPACE = "istio-system"
TRUST_DOMAIN = "cluster.local"


@dataclass
class Verdict:
    """Whether the request is let in, with the status the client sees and the line to blame."""

    allowed: bool
    status: int
    reason: str
    where: str = ""
    trace: Trace = field(default_factory=lambda: Trace(""))


def has_sidecar(cluster: Cluster, pod: Pod) -> bool:
    """Istio injects a sidecar into this pod."""
    labels = cluster.namespace_labels(pod.namespace)
    flag = pod.annotations.get("sidecar.istio.io/inject") or pod.labels.get(
        "sidecar.istio.io/inject")
    if flag is not None:
        return str(flag) == "true"
    return labels.get("istio-injection") == "enabled" or "istio.io/rev" in labels


def service_account(pod: Pod) -> str:
    """The pod's service account (default when its template names none)."""
    spec = pod.owner.get("spec", "template", "spec") if pod.owner is not None and \
        pod.owner.kind != "Pod" else (pod.owner.get("spec") if pod.owner is not None else None)
    name = spec.get("serviceAccountName") if isinstance(spec, Mapping) else None
    return str(name or "default")


def principal(pod: Pod) -> str:
    """The SPIFFE identity a sidecar presents for this pod."""
    return f"{TRUST_DOMAIN}/ns/{pod.namespace}/sa/{service_account(pod)}"


def selects(policy: Resource, pod: Pod) -> bool:
    """A policy applies to the pod: its namespace (or the root) and its selector."""
    namespace = namespace_of(policy)
    if namespace not in (pod.namespace, ROOT_NAMESPACE):
        return False
    selector = policy.get("spec", "selector")
    if selector is None:
        return True
    return label_selector_matches(selector, pod.labels, True)


def mtls_mode(cluster: Cluster, pod: Pod, port: int) -> tuple[str, Resource | None]:
    """The PeerAuthentication mode at the pod's port, and the policy that set it."""
    candidates = [p for p in cluster.objects("PeerAuthentication") if selects(p, pod)]

    def rank(p: Resource) -> int:
        if p.get("spec", "selector") is not None and namespace_of(p) == pod.namespace:
            return 0
        return 1 if namespace_of(p) == pod.namespace else 2

    for policy in sorted(candidates, key=rank):
        level = policy.get("spec", "portLevelMtls") or {}
        if isinstance(level, Mapping):
            for key, value in level.items():
                if str(key) == str(port) and isinstance(value, Mapping) and value.get("mode"):
                    return str(value["mode"]).upper(), policy
        mode = policy.get("spec", "mtls", "mode")
        if mode and str(mode).upper() != "UNSET":
            return str(mode).upper(), policy
    return "PERMISSIVE", None


def values_match(patterns: Any, value: str) -> bool:
    """Istio's string match: exact, prefix*, *suffix or *."""
    return any(fnmatch.fnmatchcase(value, str(p)) for p in patterns or [])


def source_matches(src: Mapping[str, Any], source: Pod, mtls: bool) -> bool:
    """Every field of one source holds (identities only exist over mTLS)."""
    if "principals" in src and not (mtls and values_match(src["principals"],
                                                          principal(source))):
        return False
    if "namespaces" in src and not (mtls and values_match(src["namespaces"],
                                                          source.namespace)):
        return False
    if "notPrincipals" in src and mtls and values_match(src["notPrincipals"],
                                                        principal(source)):
        return False
    return not ("notNamespaces" in src and mtls and values_match(src["notNamespaces"],
                                                                 source.namespace))


def operation_matches(op: Mapping[str, Any], port: int, method: str, path: str) -> bool:
    """Every field of one operation holds."""
    checks = (("methods", method, True), ("paths", path, True), ("ports", str(port), True),
              ("notMethods", method, False), ("notPaths", path, False),
              ("notPorts", str(port), False))
    return all(values_match(op[key], value) == wanted for key, value, wanted in checks
               if key in op)


# The `when` keys the model can judge, with what each reads from the request. Identities only
# exist over mTLS. https://istio.io/latest/docs/reference/config/security/conditions/
CONDITION_VALUES = {
    "source.principal": lambda source, mtls, port: principal(source) if mtls else None,
    "source.namespace": lambda source, mtls, port: source.namespace if mtls else None,
    "destination.port": lambda source, mtls, port: str(port),
}


def condition_matches(condition: Any, source: Pod, mtls: bool, port: int) -> bool:
    """One `when` condition: the key's value in `values` and not in `notValues`."""
    # A key the model cannot read (request headers, JWT claims, IPs) never matches, so a rule
    # that depends on one lets nothing in.
    if not isinstance(condition, Mapping):
        return False
    read = CONDITION_VALUES.get(str(condition.get("key")))
    value = read(source, mtls, port) if read else None
    if value is None:
        return False
    if "values" in condition and not values_match(condition["values"], value):
        return False
    return not ("notValues" in condition and values_match(condition["notValues"], value))


def rule_matches(rule: Any, source: Pod, mtls: bool, port: int, method: str,
                 path: str) -> bool:
    """One rule: a source of `from` AND an operation of `to` (any of each) AND every `when`."""
    if not isinstance(rule, Mapping):
        return False
    sources = [(e or {}).get("source") or {} for e in rule.get("from") or []
               if isinstance(e, Mapping)]
    operations = [(e or {}).get("operation") or {} for e in rule.get("to") or []
                  if isinstance(e, Mapping)]
    if sources and not any(source_matches(src, source, mtls) for src in sources):
        return False
    if operations and not any(operation_matches(op, port, method, path) for op in operations):
        return False
    return all(condition_matches(c, source, mtls, port) for c in rule.get("when") or [])


def call(cluster: Cluster, source: Pod, target: Pod, port: int, method: str = "GET",
         path: str = "/") -> Verdict:
    """A request from one pod to another: mTLS at the connection, then authorization."""
    trace = Trace(f"{method} {path} from {source.namespace}/{source.name}")
    sidecar_out = has_sidecar(cluster, source)
    sidecar_in = has_sidecar(cluster, target)
    trace.add(f"{source.namespace}/{source.owner.name if source.owner else source.name}",
              "sidecar (mTLS, " + principal(source) + ")" if sidecar_out else "no sidecar "
              "(plaintext)")
    if not sidecar_in:
        trace.add(f"{target.namespace}/{target.name}:{port}", "no sidecar: no Istio policy")
        return Verdict(True, 200, "no sidecar checks the request", trace=trace)
    mtls = sidecar_out
    mode, peer = mtls_mode(cluster, target, port)
    where = peer.where("spec") if peer is not None else ""
    trace.add(f"sidecar of {target.namespace}/{target.name}:{port}", f"mTLS {mode}", where)
    if mode == "STRICT" and not mtls:
        trace.fail(0, "plaintext connection refused: STRICT mTLS (the client sees a reset)",
                   where)
        return Verdict(False, 0, trace.stop, where, trace)
    if mode == "DISABLE":
        mtls = False
    policies = [p for p in cluster.objects("AuthorizationPolicy") if selects(p, target)]
    # The line that lets the request in: the ALLOW rule it matched, else the mTLS setting.
    decided = where if not mtls else ""
    for action in ("DENY", "ALLOW"):
        chosen = [p for p in policies if str(p.get("spec", "action") or "ALLOW").upper() ==
                  action]
        if not chosen:
            continue
        matched = next((p for p in chosen if any(
            rule_matches(r, source, mtls, port, method, path)
            for r in p.get("spec", "rules") or [])), None)
        if action == "DENY" and matched is not None:
            trace.fail(403, f"RBAC: access denied (DENY policy '{matched.name}')",
                       matched.where("spec"))
            return Verdict(False, 403, trace.stop, trace.stop_where, trace)
        if action == "ALLOW":
            if matched is None:
                names = ", ".join(f"'{p.name}'" for p in chosen)
                trace.fail(403, f"RBAC: access denied (no rule of ALLOW policy {names} "
                                "matches)", chosen[0].where("spec"))
                return Verdict(False, 403, trace.stop, trace.stop_where, trace)
            decided = matched.where("spec", "rules")
            trace.add(f"AuthorizationPolicy '{matched.name}'", "ALLOW rule matches", decided)
    trace.add(f"pod {target.name}", f"port {port}")
    return Verdict(True, 200, "let in", decided, trace)
