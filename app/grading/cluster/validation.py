"""What the API server refuses on `kubectl apply`: unknown kinds, wrong types, invalid values.

The vendored OpenAPI schemas of the built-in kinds and the CRDs of the projects the track
installs are checked first-hand (schema.py: field types, enums, required and unknown fields);
the rules here add the API server's own validation (names, port ranges, selectors that must
match their template) and more specific messages for the common mistakes. Each returns
(path, message) pairs; an object with one is rejected, as `kubectl apply` would report it.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

from ..manifests import Resource
from . import schema
from .schema import type_name
from .selectors import is_dns_label
from .selectors import is_dns_subdomain
from .selectors import is_port_name
from .selectors import label_selector_matches
from .selectors import labels_of

Problem = tuple[tuple[str | int, ...], str]

# (apiVersion, kind) served by K3s and the projects the track installs. A removed version is
# refused with "no matches for kind": the message says which version replaced it.
SERVED: set[tuple[str, str]] = {
    ("v1", k) for k in (
        "Pod", "Service", "ConfigMap", "Secret", "Namespace", "ServiceAccount",
        "PersistentVolumeClaim", "Endpoints",
    )
} | {
    ("apps/v1", k) for k in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet")
} | {
    ("batch/v1", "Job"), ("batch/v1", "CronJob"),
    ("networking.k8s.io/v1", "Ingress"), ("networking.k8s.io/v1", "IngressClass"),
    ("networking.k8s.io/v1", "NetworkPolicy"),
    ("helm.cattle.io/v1", "HelmChartConfig"), ("helm.cattle.io/v1", "HelmChart"),
    ("metallb.io/v1beta1", "IPAddressPool"), ("metallb.io/v1beta1", "L2Advertisement"),
    ("metallb.io/v1beta1", "BGPAdvertisement"), ("metallb.io/v1beta2", "BGPPeer"),
    ("cilium.io/v2", "CiliumNetworkPolicy"), ("cilium.io/v2", "CiliumClusterwideNetworkPolicy"),
} | {
    ("traefik.io/v1alpha1", k) for k in (
        "IngressRoute", "Middleware", "TraefikService", "IngressRouteTCP", "TLSOption",
        "ServersTransport",
    )
} | {
    (f"gateway.networking.k8s.io/{v}", k) for v in ("v1", "v1beta1")
    for k in ("Gateway", "GatewayClass", "HTTPRoute", "GRPCRoute", "ReferenceGrant")
} | {
    (f"networking.istio.io/{v}", k) for v in ("v1", "v1beta1", "v1alpha3")
    for k in ("VirtualService", "DestinationRule", "Gateway", "ServiceEntry", "Sidecar")
} | {
    (f"security.istio.io/{v}", k) for v in ("v1", "v1beta1")
    for k in ("PeerAuthentication", "AuthorizationPolicy", "RequestAuthentication")
} | {
    ("gateway.envoyproxy.io/v1alpha1", k) for k in (
        "BackendTrafficPolicy", "ClientTrafficPolicy", "SecurityPolicy", "EnvoyProxy")
} | {
    # Every version Linkerd's policy CRDs serve (charts/linkerd-crds, vendored in linkerd.json).
    ("policy.linkerd.io/v1alpha1", k) for k in (
        "AuthorizationPolicy", "MeshTLSAuthentication", "NetworkAuthentication", "HTTPRoute",
        "Server", "ServerAuthorization")
} | {
    ("policy.linkerd.io/v1beta1", k) for k in ("Server", "ServerAuthorization", "HTTPRoute")
} | {
    ("policy.linkerd.io/v1beta2", "Server"), ("policy.linkerd.io/v1beta2", "HTTPRoute"),
    ("policy.linkerd.io/v1beta3", "Server"), ("policy.linkerd.io/v1beta3", "HTTPRoute"),
}
REPLACED = {
    "extensions/v1beta1": "removed in Kubernetes 1.22 (Ingress is networking.k8s.io/v1)",
    "networking.k8s.io/v1beta1": "removed in Kubernetes 1.22 (Ingress is networking.k8s.io/v1)",
    "traefik.containo.us/v1alpha1": "Traefik v2's API group; Traefik v3 (K3s since 1.32) "
                                    "serves traefik.io/v1alpha1 only",
    "metallb.io/v1alpha1": "MetalLB 0.13+ serves metallb.io/v1beta1",
    "apps/v1beta1": "removed in Kubernetes 1.16 (apps/v1)",
    "apps/v1beta2": "removed in Kubernetes 1.16 (apps/v1)",
}
SERVICE_TYPES = ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName")
NODE_PORT_RANGE = (30000, 32767)  # kube-apiserver --service-node-port-range default
PATH_TYPES = ("Exact", "Prefix", "ImplementationSpecific")
PROTOCOLS = ("TCP", "UDP", "SCTP")


def validate(r: Resource) -> list[Problem]:
    """Why the API server would refuse this object (empty: it is accepted)."""
    if not r.api_version or not r.kind:
        missing = "apiVersion" if not r.api_version else "kind"
        return [((), f"{missing} is not set: the API server cannot tell what this object is")]
    if (r.api_version, r.kind) not in SERVED:
        why = REPLACED.get(r.api_version)
        message = f'no matches for kind "{r.kind}" in version "{r.api_version}"'
        return [(("apiVersion",), message + (f": {why}" if why else ""))]
    problems = validate_metadata(r)
    checker = KIND_RULES.get(r.kind)
    if checker is not None:
        problems += checker(r)
    # The vendored schema catches what the rules above do not (unknown fields, types, enums);
    # where both object to one field, the rule's message is the more specific one.
    return problems + [
        (path, message) for path, message in schema.problems(r.data, r.api_version, r.kind)
        if not any(overlaps(path, seen) for seen, _ in problems)
    ]


def overlaps(a: tuple[str | int, ...], b: tuple[str | int, ...]) -> bool:
    """One path is the other or inside it."""
    return a[: len(b)] == b or b[: len(a)] == a


def validate_metadata(r: Resource) -> list[Problem]:
    """metadata.name is set and well formed; labels and annotations are maps of strings."""
    name = r.get("metadata", "name")
    problems: list[Problem] = []
    if not name:
        problems.append((("metadata",), "metadata.name is required"))
    elif not isinstance(name, str) or not is_dns_subdomain(name):
        problems.append((("metadata", "name"), (
            f"metadata.name '{str(name)[:60]}' is invalid: lowercase letters, digits, '-' and "
            "'.', starting and ending with a letter or digit"
        )))
    for field_name in ("labels", "annotations"):
        values = r.get("metadata", field_name)
        if values is None:
            continue
        if not isinstance(values, Mapping):
            problems.append((("metadata", field_name), f"metadata.{field_name} must be a map"))
            continue
        for key, value in values.items():
            if not isinstance(value, str):
                problems.append((("metadata", field_name, key), (
                    f"metadata.{field_name}.{key}: {value!r:.40} is a {type_name(value)}, but "
                    f"{field_name} are strings (json: cannot unmarshal {type_name(value)} into a "
                    "string)"
                )))
    return problems


def is_int(value: Any) -> bool:
    """A YAML integer (not a bool)."""
    return isinstance(value, int) and not isinstance(value, bool)


def port_problem(path: tuple[str | int, ...], value: Any, what: str) -> list[Problem]:
    """A port number 1-65535."""
    if not is_int(value):
        return [(path, f"{what}: {value!r:.40} must be an integer (a {type_name(value)} here)")]
    if not 1 <= value <= 65535:
        return [(path, f"{what}: {value} must be between 1 and 65535")]
    return []


def int_or_name_problem(path: tuple[str | int, ...], value: Any, what: str) -> list[Problem]:
    """An IntOrString port: a number 1-65535, or a port name (letters required)."""
    if is_int(value):
        return port_problem(path, value, what)
    if isinstance(value, str):
        if is_port_name(value):
            return []
        hint = " (a number in quotes is a string, read as a port name)" if value.isdigit() else ""
        return [(path, (
            f"{what}: '{value[:40]}' is not a valid port name: up to 15 lowercase letters, "
            f"digits and '-', with at least one letter{hint}"
        ))]
    return [(path, f"{what} must be a number or a port name, not a {type_name(value)}")]


def pod_spec_problems(r: Resource, base: tuple[str | int, ...]) -> list[Problem]:
    """containers is a non-empty list; each has a name, an image and well-formed ports."""
    containers = r.get(*base, "containers")
    if not isinstance(containers, list) or not containers:
        return [(base, "spec.containers: Required value (a pod needs at least one container)")]
    problems: list[Problem] = []
    for i, container in enumerate(containers):
        if not isinstance(container, Mapping):
            problems.append(((*base, "containers", i), "a container must be a map"))
            continue
        if not container.get("name"):
            problems.append(((*base, "containers", i), "containers[].name: Required value"))
        if not container.get("image"):
            problems.append(((*base, "containers", i), "containers[].image: Required value"))
        for j, port in enumerate(container.get("ports") or []):
            path = (*base, "containers", i, "ports", j)
            if not isinstance(port, Mapping):
                continue
            problems += port_problem((*path, "containerPort"), port.get("containerPort"),
                                     "containerPort")
            name = port.get("name")
            if name is not None and not (isinstance(name, str) and is_port_name(name)):
                problems.append(((*path, "name"), f"ports[].name '{name}' is not a port name"))
        for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
            port = (container.get(probe) or {}).get("httpGet", {}) if isinstance(
                container.get(probe), Mapping) else {}
            if isinstance(port, Mapping) and "port" in port:
                problems += int_or_name_problem((*base, "containers", i, probe, "httpGet", "port"),
                                                port["port"], f"{probe}.httpGet.port")
    return problems


def workload_problems(r: Resource) -> list[Problem]:
    """apps/v1 workloads: a selector that matches the template's labels, and a pod spec."""
    if r.kind in ("Job", "CronJob"):
        base = ("spec", "jobTemplate", "spec", "template") if r.kind == "CronJob" else (
            "spec", "template")
        return pod_spec_problems(r, (*base, "spec"))
    problems: list[Problem] = []
    selector = r.get("spec", "selector")
    template_labels = labels_of(r.get("spec", "template", "metadata", "labels"))
    if selector is None:
        problems.append((("spec",), "spec.selector: Required value (apps/v1 has no default)"))
    elif not label_selector_matches(selector, template_labels, empty_matches=False):
        problems.append((("spec", "selector"), (
            "spec.template.metadata.labels: Invalid value: `selector` does not match template "
            "`labels`"
        )))
    replicas = r.get("spec", "replicas")
    if replicas is not None and not (is_int(replicas) and replicas >= 0):
        problems.append((("spec", "replicas"), "spec.replicas must be a whole number >= 0"))
    return problems + pod_spec_problems(r, ("spec", "template", "spec"))


def pod_problems(r: Resource) -> list[Problem]:
    """A bare Pod."""
    return pod_spec_problems(r, ("spec",))


def service_problems(r: Resource) -> list[Problem]:
    """Service: type, ports, targetPort, nodePort range, the name is a DNS label."""
    problems: list[Problem] = []
    if r.name and not is_dns_label(r.name):
        problems.append((("metadata", "name"), (
            f"a Service name must be a DNS label (no dots, <= 63 characters): '{r.name[:70]}'"
        )))
    kind = r.get("spec", "type", default="ClusterIP")
    if kind not in SERVICE_TYPES:
        problems.append((("spec", "type"), (
            f"spec.type: Unsupported value: '{str(kind)[:40]}': supported values: "
            + ", ".join(SERVICE_TYPES)
        )))
        return problems
    ports = r.get("spec", "ports")
    if kind == "ExternalName":
        if not r.get("spec", "externalName"):
            problems.append((("spec",), "spec.externalName: Required value"))
        return problems
    if not isinstance(ports, list) or not ports:
        return [*problems, (("spec",), "spec.ports: Required value")]
    names = set()
    for i, port in enumerate(ports):
        path = ("spec", "ports", i)
        if not isinstance(port, Mapping):
            problems.append((path, "a port must be a map"))
            continue
        problems += port_problem((*path, "port"), port.get("port"), "port")
        if "targetPort" in port:
            problems += int_or_name_problem((*path, "targetPort"), port["targetPort"],
                                            "targetPort")
        if len(ports) > 1 and not port.get("name"):
            problems.append((path, "ports[].name: Required value (a Service with several ports "
                                   "names each one)"))
        if port.get("name") in names:
            problems.append(((*path, "name"), f"ports[].name '{port.get('name')}' is a duplicate"))
        names.add(port.get("name"))
        protocol = port.get("protocol", "TCP")
        if protocol not in PROTOCOLS:
            problems.append(((*path, "protocol"), f"protocol '{protocol}' is not TCP, UDP or SCTP"))
        node_port = port.get("nodePort")
        if node_port is not None:
            if kind not in ("NodePort", "LoadBalancer"):
                problems.append(((*path, "nodePort"), (
                    f"nodePort: Forbidden: may not be used when `type` is '{kind}'"
                )))
            elif not (is_int(node_port) and NODE_PORT_RANGE[0] <= node_port <= NODE_PORT_RANGE[1]):
                problems.append(((*path, "nodePort"), (
                    f"nodePort: Invalid value: {node_port!r:.20}: provided port is not in the "
                    "valid range. The range of valid ports is 30000-32767"
                )))
    return problems


def ingress_problems(r: Resource) -> list[Problem]:
    """networking.k8s.io/v1 Ingress: every path has a pathType and a complete backend."""
    problems: list[Problem] = []
    rules = r.get("spec", "rules") or []
    for i, rule in enumerate(rules if isinstance(rules, list) else []):
        paths = (rule.get("http") or {}).get("paths") if isinstance(rule, Mapping) else None
        for j, path in enumerate(paths if isinstance(paths, list) else []):
            where = ("spec", "rules", i, "http", "paths", j)
            if not isinstance(path, Mapping):
                continue
            path_type = path.get("pathType")
            if path_type is None:
                problems.append((where, "pathType: Required value"))
            elif path_type not in PATH_TYPES:
                problems.append(((*where, "pathType"), (
                    f"pathType: Unsupported value: '{str(path_type)[:30]}': supported values: "
                    "Exact, Prefix, ImplementationSpecific"
                )))
            value = path.get("path")
            if path_type in ("Exact", "Prefix") and not (
                isinstance(value, str) and value.startswith("/")
            ):
                problems.append(((*where, "path"), "path: must be an absolute path starting "
                                                   "with '/'"))
            if path_type in ("Exact", "Prefix") and isinstance(value, str) and any(
                c in value for c in "()$^*+?[]{}|\\"
            ):
                problems.append(((*where, "path"), (
                    f"path '{value[:60]}': a {path_type} path cannot hold a regular expression; "
                    "regular expressions need pathType ImplementationSpecific"
                )))
            problems += backend_problems(path.get("backend"), (*where, "backend"))
    default = r.get("spec", "defaultBackend")
    if default is not None:
        problems += backend_problems(default, ("spec", "defaultBackend"))
    return problems


def backend_problems(backend: Any, path: tuple[str | int, ...]) -> list[Problem]:
    """An Ingress backend: service {name, port {number | name}} or resource."""
    if not isinstance(backend, Mapping):
        return [(path, "backend: Required value")]
    if "serviceName" in backend or "servicePort" in backend:
        return [(path, (
            "backend.serviceName/servicePort is the removed v1beta1 form: unknown fields in "
            "networking.k8s.io/v1, so the API server rejects the Ingress"
        ))]
    service = backend.get("service")
    if service is None:
        return [] if backend.get("resource") else [(path, "backend.service: Required value")]
    if not isinstance(service, Mapping) or not service.get("name"):
        return [((*path, "service"), "backend.service.name: Required value")]
    port = service.get("port")
    if not isinstance(port, Mapping) or ("number" not in port and "name" not in port):
        return [((*path, "service"), "backend.service.port: a port number or name is required")]
    if "number" in port and "name" in port:
        return [((*path, "service", "port"), "backend.service.port: number and name are "
                                             "mutually exclusive")]
    if "number" in port:
        return port_problem((*path, "service", "port", "number"), port["number"],
                            "backend.service.port.number")
    return []


def cilium_policy_problems(r: Resource) -> list[Problem]:
    """A CiliumNetworkPolicy holds its rule in spec or its rules in specs."""
    # Every field is checked by the CRD's schema (cilium.json). The schema requires neither
    # spec nor specs; a policy without either is refused here because Cilium's agent would
    # import nothing from it.
    if r.get("spec") is None and not r.get("specs"):
        return [((), "spec or specs: Required value")]
    return []


def metallb_pool_problems(r: Resource) -> list[Problem]:
    """IPAddressPool: addresses is a non-empty list of strings."""
    addresses = r.get("spec", "addresses")
    if not isinstance(addresses, list) or not addresses:
        return [(("spec",), "spec.addresses: Required value")]
    return [
        (("spec", "addresses", i), f"spec.addresses[{i}] must be a string")
        for i, a in enumerate(addresses) if not isinstance(a, str)
    ]


def http_route_problems(r: Resource) -> list[Problem]:
    """HTTPRoute (Gateway API CRD): match path types and backendRef kinds."""
    problems: list[Problem] = []
    for i, rule in enumerate(r.get("spec", "rules") or []):
        if not isinstance(rule, Mapping):
            continue
        for j, match in enumerate(rule.get("matches") or []):
            kind = ((match or {}).get("path") or {}).get("type", "PathPrefix")
            if kind not in ("Exact", "PathPrefix", "RegularExpression"):
                problems.append((("spec", "rules", i, "matches", j, "path", "type"), (
                    f"path.type: Unsupported value: '{str(kind)[:30]}': supported values: "
                    "Exact, PathPrefix, RegularExpression"
                )))
        for j, ref in enumerate(rule.get("backendRefs") or []):
            weight = (ref or {}).get("weight")
            if weight is not None and not (is_int(weight) and 0 <= weight <= 1000000):
                problems.append((("spec", "rules", i, "backendRefs", j, "weight"),
                                 "weight must be an integer between 0 and 1000000"))
    return problems


def virtual_service_problems(r: Resource) -> list[Problem]:
    """VirtualService: hosts required; weights are integers."""
    problems: list[Problem] = []
    if not r.get("spec", "hosts"):
        problems.append((("spec",), "spec.hosts: Required value"))
    for i, route in enumerate(r.get("spec", "http") or []):
        for j, dest in enumerate((route or {}).get("route") or []):
            weight = (dest or {}).get("weight")
            if weight is not None and not is_int(weight):
                problems.append((("spec", "http", i, "route", j, "weight"),
                                 f"weight: {weight!r:.20} must be an integer"))
    return problems


KIND_RULES: dict[str, Callable[[Resource], list[Problem]]] = {
    "Deployment": workload_problems, "StatefulSet": workload_problems,
    "DaemonSet": workload_problems, "ReplicaSet": workload_problems, "Job": workload_problems,
    "CronJob": workload_problems, "Pod": pod_problems, "Service": service_problems,
    "Ingress": ingress_problems, "CiliumNetworkPolicy": cilium_policy_problems,
    "IPAddressPool": metallb_pool_problems, "HTTPRoute": http_route_problems,
    "VirtualService": virtual_service_problems,
}
