"""Envoy Gateway's BackendTrafficPolicy: which routes it attaches to, retries, circuit breaking.

    policy = envoy_policy.attached(cluster, route)          # the policy Envoy uses, or None
    envoy_policy.not_attached_reasons(cluster, route)        # why the others do not attach
    envoy_policy.attempts(policy, ["503", "503", "200"])     # what Envoy does with those answers
    envoy_policy.overflow(policy, 100)                       # (in flight, queued, refused at once)

What Envoy Gateway does (https://gateway.envoyproxy.io/docs/tasks/traffic/retry/ and
.../circuit-breaker/, checked 2026-11-29): a BackendTrafficPolicy (gateway.envoyproxy.io/v1alpha1)
attaches through `spec.targetRefs` to a Gateway or an xRoute in its own namespace; a policy on
the route wins over one on its Gateway. `retry.numRetries` defaults to 2; `retryOn.triggers`
name Envoy's retry conditions (connect-failure, reset, retriable-status-codes with
`httpStatusCodes`, 5xx, gateway-error...), and Envoy retries whatever the method. The circuit
breaker lets `maxParallelRequests` requests run and `maxPendingRequests` wait (both 1024 by
default); the rest get a 503 at once. Fields outside the schema are refused by kubectl's strict
field validation and configure nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..manifests import Resource
from .model import Cluster
from .model import namespace_of

GROUP = "gateway.networking.k8s.io"
DEFAULT_RETRIES = 2
DEFAULT_LIMIT = 1024
KNOWN_SPEC_FIELDS = frozenset("""
targetRef targetRefs targetSelectors mergeType retry circuitBreaker timeout loadBalancer
healthCheck faultInjection rateLimit proxyProtocol tcpKeepalive connection dns http2
useClientProtocol compression responseOverride requestBuffer telemetry routingType
""".split())
GATEWAY_ERRORS = {502, 503, 504}
# Kinds a BackendTrafficPolicy can attach to; all of them live in the Gateway API group.
GATEWAY_API_KINDS = frozenset({"Gateway", "HTTPRoute", "GRPCRoute", "TCPRoute", "UDPRoute",
                               "TLSRoute"})


@dataclass
class Attempts:
    """What Envoy did with a sequence of upstream answers."""

    status: str  # the answer the client gets ("503", "200", "reset")
    tries: int  # how many times the request reached the backend
    why: str  # a sentence: retried because..., or stopped because...


def targets(policy: Resource) -> list[Mapping[str, Any]]:
    """The policy's target references (targetRefs, or the older single targetRef)."""
    refs = policy.get("spec", "targetRefs")
    if isinstance(refs, list):
        return [r for r in refs if isinstance(r, Mapping)]
    single = policy.get("spec", "targetRef")
    return [single] if isinstance(single, Mapping) else []


def refers_to(ref: Mapping[str, Any], kind: str, name: str) -> bool:
    """A targetRef names this Gateway API object."""
    return (str(ref.get("group", "")) == GROUP and str(ref.get("kind", "")) == kind
            and str(ref.get("name", "")) == name)


def attached(cluster: Cluster, route: Resource) -> Resource | None:
    """The BackendTrafficPolicy Envoy applies to a route (route-level before Gateway-level)."""
    namespace = namespace_of(route)
    policies = cluster.objects("BackendTrafficPolicy", namespace)
    for policy in policies:
        if any(refers_to(r, route.kind, route.name) for r in targets(policy)):
            return policy
    gateways = [str(p.get("name")) for p in route.get("spec", "parentRefs") or []
                if isinstance(p, Mapping)]
    for policy in policies:
        if any(refers_to(r, "Gateway", g) for r in targets(policy) for g in gateways):
            return policy
    return None


def not_attached_reasons(cluster: Cluster, route: Resource) -> list[str]:
    """Why each BackendTrafficPolicy in the cluster does not attach to the route."""
    reasons = []
    for policy in cluster.objects("BackendTrafficPolicy"):
        refs = targets(policy)
        where = policy.where("spec", "targetRefs") if policy.get("spec", "targetRefs") \
            else policy.where("spec")
        if namespace_of(policy) != namespace_of(route):
            reasons.append(
                f"{policy.where('metadata')}: BackendTrafficPolicy '{policy.name}' is in namespace "
                f"'{namespace_of(policy)}', and a policy only attaches to objects in its own "
                f"namespace; the route is in '{namespace_of(route)}'")
        elif not refs:
            reasons.append(f"{where}: BackendTrafficPolicy '{policy.name}' targets nothing")
        elif all(str(r.get("kind", "")) in GATEWAY_API_KINDS and str(r.get("group", "")) != GROUP
                 for r in refs):
            group = str(refs[0].get("group", ""))
            reasons.append(
                f"{where}: BackendTrafficPolicy '{policy.name}' has a targetRef with group "
                f"'{group}' (empty when left out): a route or a Gateway is only found in its own "
                f"API group, {GROUP}, so the policy reaches nothing and the route keeps the "
                "defaults")
        else:
            named = ", ".join(f"{r.get('kind')} '{r.get('name')}'" for r in refs)
            reasons.append(
                f"{where}: BackendTrafficPolicy '{policy.name}' targets {named}, which is neither "
                f"the {route.kind} '{route.name}' nor its Gateway; Envoy Gateway marks it not "
                "accepted and the route keeps the defaults")
    return reasons


def unknown_fields(policy: Resource) -> list[str]:
    """spec fields the CRD does not have (kubectl refuses them; nothing is configured)."""
    spec = policy.get("spec") or {}
    return [str(k) for k in spec if str(k) not in KNOWN_SPEC_FIELDS] if isinstance(
        spec, Mapping) else []


def retry_settings(policy: Resource | None) -> dict[str, Any] | None:
    """(numRetries, triggers, codes) when the policy configures retries."""
    retry = policy.get("spec", "retry") if policy is not None else None
    if not isinstance(retry, Mapping):
        return None
    on = retry.get("retryOn") if isinstance(retry.get("retryOn"), Mapping) else {}
    number = retry.get("numRetries")
    return {
        "numRetries": number if isinstance(number, int) and not isinstance(number, bool)
        else DEFAULT_RETRIES,
        "triggers": [str(t) for t in on.get("triggers") or []],
        "codes": [int(c) for c in on.get("httpStatusCodes") or [] if str(c).isdigit()],
    }


def retried(settings: Mapping[str, Any], answer: str) -> str:
    """The trigger that makes Envoy retry this answer ("" when none does)."""
    triggers = settings["triggers"]
    if answer == "reset":
        return next((t for t in ("connect-failure", "reset") if t in triggers), "")
    code = int(answer)
    if "5xx" in triggers and code >= 500:
        return "5xx"
    if "gateway-error" in triggers and code in GATEWAY_ERRORS:
        return "gateway-error"
    if "retriable-status-codes" in triggers and code in settings["codes"]:
        return "retriable-status-codes"
    return ""


def attempts(policy: Resource | None, answers: list[str]) -> Attempts:
    """Send one request whose successive upstream answers are `answers` ("503", "reset"...)."""
    settings = retry_settings(policy)
    tries = 0
    for index, answer in enumerate(answers):
        tries += 1
        if answer.isdigit() and int(answer) < 500:
            return Attempts(answer, tries, "the backend answered")
        if settings is None:
            return Attempts(answer, tries, "no retry is configured for this route")
        trigger = retried(settings, answer)
        if not trigger:
            return Attempts(answer, tries, f"no retry trigger covers '{answer}'")
        if index >= settings["numRetries"]:
            return Attempts(answer, tries, f"the {settings['numRetries']} retries are used up")
    return Attempts(answers[-1], tries, "the backend kept failing")


def overflow(policy: Resource | None, concurrent: int) -> tuple[int, int, int]:
    """(sent, queued, refused with 503 at once) for that many simultaneous requests."""
    breaker = policy.get("spec", "circuitBreaker") if policy is not None else None
    breaker = breaker if isinstance(breaker, Mapping) else {}
    parallel = breaker.get("maxParallelRequests", DEFAULT_LIMIT)
    pending = breaker.get("maxPendingRequests", DEFAULT_LIMIT)
    parallel = parallel if isinstance(parallel, int) else DEFAULT_LIMIT
    pending = pending if isinstance(pending, int) else DEFAULT_LIMIT
    sent = min(concurrent, parallel)
    queued = min(concurrent - sent, pending)
    return sent, queued, concurrent - sent - queued
