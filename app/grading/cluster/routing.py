"""Follow a request: the edge (Ingress controllers, Traefik CRDs, Gateway API), the mesh
(Istio), the Service, the policies at the pod, and the container port."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ..manifests import Resource
from .model import Cluster
from .model import Pod
from .model import namespace_of
from .policy import check_policies
from .rules import Request
from .rules import RuleError
from .rules import evaluate
from .rules import parse_rule
from .selectors import labels_of
from .trace import Trace
from .trace import bounded

INGRESS_CONTROLLERS = {  # IngressClass spec.controller -> the controller the model runs
    "traefik.io/ingress-controller": "traefik",
    "k8s.io/ingress-nginx": "nginx",
    "haproxy.org/ingress-controller/haproxy": "haproxy",
}
CONTROLLER_NAMES = {"traefik": "Traefik", "nginx": "ingress-nginx", "haproxy": "HAProxy"}
TRAEFIK_ENTRYPOINTS = {"http": "web", "https": "websecure"}
# The Envoy Gateway quickstart manifest installs GatewayClass "eg"; K3s installs none.
INSTALLED_GATEWAY_CLASSES = {"eg": "gateway.envoyproxy.io/gatewayclass-controller"}
EDGE_POD_LABELS = {
    "traefik": ("kube-system", {"app.kubernetes.io/name": "traefik"}),
    "nginx": ("ingress-nginx", {"app.kubernetes.io/name": "ingress-nginx"}),
    "haproxy": ("haproxy-controller", {"app.kubernetes.io/name": "kubernetes-ingress"}),
    "gateway": ("envoy-gateway-system", {"app.kubernetes.io/name": "envoy"}),
}
# Where a request "from outside" comes from: an address on the internet (RFC 5737 TEST-NET-3).
OUTSIDE_CLIENT = "203.0.113.7"


@dataclass
class Backend:
    """Where a rule sends a request: a Service port, with a weight and an optional subset."""

    service: Resource | None
    name: str
    namespace: str
    port_number: Any = None
    port_name: Any = None
    weight: float = 1.0
    subset: str | None = None
    subset_labels: dict[str, str] | None = None
    where: str = ""
    by_dns: bool = False  # a client resolved the Service's name itself (no controller between)


def route_request(cluster: Cluster, url: str, via: str, source: Pod | None,
                  headers: dict[str, str], client: str = OUTSIDE_CLIENT) -> Trace:
    """The trace of one request (see Cluster.request)."""
    trace = Trace(url)
    parts = urlsplit(url if "://" in url else "http://" + url)
    scheme = parts.scheme or "http"
    host = (parts.hostname or "").lower()
    port = parts.port or (443 if scheme == "https" else 80)
    path = parts.path or "/"
    trace.host, trace.path = host, path
    if source is not None:
        return route_in_cluster(cluster, trace, host, port, path, source, headers)
    if is_ip(host):
        return route_to_address(cluster, trace, host, port, path, client)
    if via in ("traefik", "nginx", "haproxy"):
        return route_ingress(cluster, trace, via, scheme, host, path, headers)
    if via.startswith("gateway"):
        return route_gateway(cluster, trace, via.partition(":")[2], scheme, port, host, path,
                             headers)
    return trace.fail(0, f"unknown entry '{bounded(via, 30)}'")


def is_ip(host: str) -> bool:
    """True for an IP address."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def edge_pod(via: str) -> Pod:
    """A stand-in for the edge controller's pod, the source policies see."""
    namespace, labels = EDGE_POD_LABELS.get(via, EDGE_POD_LABELS["traefik"])
    return Pod(f"{via}-edge", namespace, dict(labels), {}, "10.42.0.2", "k3s-1", None)  # type: ignore[arg-type]


# -- Services, endpoints, pods ---------------------------------------------------------------


def deliver(cluster: Cluster, trace: Trace, backends: list[Backend], source: Pod,
            path: str) -> Trace:
    """Split over weighted backends, follow the first with a share into a pod."""
    live = [b for b in backends if b.weight > 0]
    total = sum(b.weight for b in live)
    if not live or total <= 0:
        return trace.fail(500, "every backend has weight 0: nothing may receive the request")
    for b in live:
        key = b.name + (f"/{b.subset}" if b.subset else "")
        trace.shares[key] = trace.shares.get(key, 0.0) + b.weight / total
    for b in live:
        service = b.service or cluster.service(b.name, b.namespace)
        port = cluster.service_port(service, b.port_number, b.port_name) if service else None
        endpoints = cluster.endpoints(service, port, b.subset_labels) if port else []
        for e in endpoints:
            owner = e.pod.owner.name if e.pod.owner is not None else e.pod.name
            trace.workload_shares[owner] = trace.workload_shares.get(owner, 0.0) + (
                b.weight / total / len(endpoints))
    first = live[0]
    return to_service(cluster, trace, first, source, path)


def to_service(cluster: Cluster, trace: Trace, backend: Backend, source: Pod,
               path: str) -> Trace:
    """From a Service port to an endpoint pod and its container port."""
    service = backend.service or cluster.service(backend.name, backend.namespace)
    if service is None:
        return trace.fail(503, (
            f"no Service '{bounded(backend.name, 60)}' in namespace {backend.namespace}"
        ), backend.where)
    port = cluster.service_port(service, backend.port_number, backend.port_name)
    asked = backend.port_number if backend.port_number is not None else backend.port_name
    if port is None:
        offered = ", ".join(
            str(p.get("port")) + (f" ({p.get('name')})" if p.get("name") else "")
            for p in cluster.service_ports(service)
        ) or "none"
        return trace.fail(503, (
            f"Service '{service.name}' has no port {bounded(asked, 30)} (it offers {offered})"
        ), backend.where)
    protocol = str(port.get("protocol", "TCP")).upper()
    if protocol != "TCP":
        # HTTP rides on TCP; kube-proxy forwards a port only for the protocol it declares.
        return trace.fail(0, (
            f"Service '{service.name}' port {port.get('port')} is {bounded(protocol, 10)}: "
            "kube-proxy forwards only that protocol there, and a TCP connection gets no answer"
        ), service.where("spec", "ports"))
    kind = cluster.service_type(service)
    if kind == "ExternalName":
        trace.add(f"Service {namespace_of(service)}/{service.name}", "ExternalName",
                  service.where("spec", "type"))
        return trace.fail(502, (
            f"an ExternalName Service has no pods: it is a DNS alias for "
            f"{bounded(service.get('spec', 'externalName'), 60)}, outside the cluster"
        ), service.where("spec", "type"))
    ip = cluster.cluster_ip(service)
    trace.add(
        f"Service {namespace_of(service)}/{service.name}:{port.get('port')}",
        f"ClusterIP {ip}" if ip else "headless: DNS returns the pod addresses",
        service.where("metadata", "name"),
    )
    endpoints = cluster.endpoints(service, port, backend.subset_labels)
    if not endpoints:
        if backend.subset_labels:
            return trace.fail(503, (
                f"no pod of Service '{service.name}' carries the labels of subset "
                f"'{backend.subset}' ({describe(backend.subset_labels)})"
            ), backend.where)
        selector = service.get("spec", "selector")
        if not selector:
            why = "it has no selector, so no pod is ever added to it"
        elif not cluster.pods_matching(namespace_of(service), selector):
            why = (f"its selector ({describe(labels_of(selector))}) matches no pod in namespace "
                   f"{namespace_of(service)}")
        else:
            why = (f"the matching pods have no container port named "
                   f"'{bounded(port.get('targetPort'), 30)}'")
        return trace.fail(503, f"Service '{service.name}' has no endpoints: {why}",
                          service.where("spec", "selector"))
    trace.notes["endpoints"] = len(endpoints)
    endpoint = endpoints[0]
    pod = endpoint.pod
    if ip is None and backend.by_dns:
        # Headless: DNS answers with the pod addresses and the client connects to them on the
        # port it asked for; nothing translates port to targetPort
        # (https://kubernetes.io/docs/concepts/services-networking/service/#headless-services).
        endpoint = type(endpoint)(pod, int(port.get("port") or 0), endpoint.service_port)
    decision = check_policies(cluster, source, pod, endpoint.port)
    if decision is not None:
        trace.add(str(pod))
        return trace.fail(0, decision[0], decision[1])
    trace.add(str(pod), f"one of {len(endpoints)} endpoints")
    if pod.ports and not pod.listens_on(endpoint.port):
        listening = ", ".join(str(p.number) for p in pod.ports)
        return trace.fail(502, (
            f"connection refused: nothing listens on port {endpoint.port} in the pod "
            f"(its containers listen on {listening}); targetPort "
            f"{bounded(port.get('targetPort'), 20)} is not a port of the container"
        ), service.where("spec", "ports"))
    trace.add(f"container port {endpoint.port}")
    trace.pod, trace.port, trace.path = pod, endpoint.port, path
    trace.status = 200
    return trace


def describe(labels: Mapping[str, str]) -> str:
    """key=value, key=value."""
    return ", ".join(f"{k}={v}" for k, v in labels.items()) or "nothing"


def source_range_refusal(service: Resource, client: str) -> tuple[str, str] | None:
    """(reason, where) when a LoadBalancer Service's loadBalancerSourceRanges leave the client
    out: kube-proxy then drops its packets to the load-balancer address
    (https://kubernetes.io/docs/tasks/access-application-cluster/configure-cloud-provider-firewall/)."""
    ranges = service.get("spec", "loadBalancerSourceRanges")
    where = service.where("spec", "loadBalancerSourceRanges")
    if not ranges:
        text = labels_of(service.get("metadata", "annotations")).get(
            "service.beta.kubernetes.io/load-balancer-source-ranges", "")
        ranges = [r.strip() for r in text.split(",") if r.strip()]
        where = service.where("metadata", "annotations")
    if not ranges:
        return None
    address = ipaddress.ip_address(client)
    for text in ranges:
        try:
            if address in ipaddress.ip_network(str(text).strip(), strict=False):
                return None
        except ValueError:
            continue
    written = ", ".join(bounded(r, 20) for r in ranges[:4])
    return (f"the client {client} is outside loadBalancerSourceRanges ({written}), so the "
            "connection to the load-balancer address is dropped", where)


def route_to_address(cluster: Cluster, trace: Trace, host: str, port: int, path: str,
                     client: str = OUTSIDE_CLIENT) -> Trace:
    """A request to an IP: a LoadBalancer address or a node's NodePort."""
    for service in cluster.objects("Service"):
        kind = cluster.service_type(service)
        for sp in cluster.service_ports(service):
            if kind == "LoadBalancer" and sp.get("port") == port:
                addresses, why = cluster.load_balancer(service)
                if host in addresses:
                    trace.add(f"{host}:{port}", why)
                    refusal = source_range_refusal(service, client)
                    if refusal is not None:
                        return trace.fail(0, *refusal)
                    backend = Backend(service, service.name, namespace_of(service), port)
                    return to_service(cluster, trace, backend, edge_pod("traefik"), path)
            node_port = sp.get("nodePort")
            if kind in ("NodePort", "LoadBalancer") and node_port == port and host in [
                n.ip for n in cluster.nodes
            ]:
                trace.add(f"node {host}:{port}", "NodePort, kube-proxy",
                          service.where("spec", "ports"))
                backend = Backend(service, service.name, namespace_of(service), sp.get("port"))
                return to_service(cluster, trace, backend, edge_pod("traefik"), path)
    return trace.fail(0, f"nothing answers on {host}:{port}")


# -- in-cluster and Istio ------------------------------------------------------------------


def route_in_cluster(cluster: Cluster, trace: Trace, host: str, port: int, path: str,
                     source: Pod, headers: dict[str, str]) -> Trace:
    """A request from a pod: cluster DNS, the Istio sidecar's routes, then the Service."""
    trace.add(str(source))
    found = cluster.resolve_service_name(host, source.namespace)
    if found is None:
        return trace.fail(0, f"DNS: no Service answers to '{bounded(host, 60)}' from namespace "
                             f"{source.namespace}")
    namespace, name = found
    fqdn = f"{name}.{namespace}.svc.cluster.local"
    service = cluster.service(name, namespace)
    vs = istio_virtual_service(cluster, fqdn)
    if vs is not None:
        return route_istio(cluster, trace, vs, fqdn, service, port, path, source, headers)
    return to_service(cluster, trace, Backend(service, name, namespace, port, by_dns=True),
                      source, path)


def istio_fqdn(host: str, namespace: str) -> str:
    """A VirtualService or DestinationRule host: short names are read in the object's namespace.

    https://istio.io/latest/docs/reference/config/networking/virtual-service/#VirtualService
    ("reviews" in namespace "shop" means reviews.shop.svc.cluster.local).
    """
    host = str(host).lower()
    if "." not in host:
        return f"{host}.{namespace}.svc.cluster.local"
    parts = host.split(".")
    if len(parts) == 2:
        return f"{host}.svc.cluster.local"
    return host


def istio_virtual_service(cluster: Cluster, fqdn: str) -> Resource | None:
    """The VirtualService that sidecars apply for this host (bound to the mesh gateway).

    Only VirtualServices bound to gateways are merged; for sidecars one VirtualService per host
    takes effect, the oldest one (https://istio.io/latest/docs/ops/best-practices/
    traffic-management/#split-virtual-services). Apply order stands for creation time here.
    """
    for vs in cluster.objects("VirtualService"):
        gateways = vs.get("spec", "gateways") or ["mesh"]
        if "mesh" not in gateways:
            continue
        hosts = [istio_fqdn(h, namespace_of(vs)) for h in vs.get("spec", "hosts") or []]
        if fqdn in hosts:
            return vs
    return None


def istio_match(match: Any, path: str, headers: dict[str, str]) -> bool:
    """One HTTPMatchRequest: uri exact/prefix/regex and header conditions."""
    if not isinstance(match, Mapping):
        return True
    uri = match.get("uri")
    if isinstance(uri, Mapping):
        if "exact" in uri and path != uri["exact"]:
            return False
        if "prefix" in uri and not path.startswith(str(uri["prefix"])):
            return False
        if "regex" in uri and not re.fullmatch(str(uri["regex"]), path):
            return False
    lower = {k.lower(): v for k, v in headers.items()}
    for name, condition in (match.get("headers") or {}).items():
        value = lower.get(str(name).lower())
        if value is None or not isinstance(condition, Mapping):
            return False
        if "exact" in condition and value != condition["exact"]:
            return False
        if "prefix" in condition and not value.startswith(str(condition["prefix"])):
            return False
        if "regex" in condition and not re.fullmatch(str(condition["regex"]), value):
            return False
    return True


def route_istio(cluster: Cluster, trace: Trace, vs: Resource, fqdn: str, service: Any,
                port: int, path: str, source: Pod, headers: dict[str, str]) -> Trace:
    """The sidecar picks the first http route whose match holds; weights split it."""
    ns = namespace_of(vs)
    for i, route in enumerate(vs.get("spec", "http") or []):
        matches = route.get("match") or [None]
        if not any(istio_match(m, path, headers) for m in matches):
            continue
        trace.add(f"Istio sidecar: VirtualService '{vs.name}'", f"http[{i}]",
                  vs.where("spec", "http", i))
        destinations = route.get("route") or []
        if not destinations:
            return trace.fail(503, "the route has no destination", vs.where("spec", "http", i))
        backends = []
        for j, dest in enumerate(destinations):
            target = (dest or {}).get("destination") or {}
            d_fqdn = istio_fqdn(target.get("host", ""), ns)
            parts = d_fqdn.split(".")
            d_name, d_ns = parts[0], parts[1] if len(parts) > 1 else ns
            weight = dest.get("weight")
            if weight is None:
                weight = 100 if len(destinations) == 1 else 0
            subset = target.get("subset")
            where = vs.where("spec", "http", i, "route", j)
            labels = None
            if subset:
                labels = istio_subset(cluster, d_fqdn, str(subset), source.namespace)
                if labels is None:
                    trace.shares[f"{d_name}/{subset}"] = 0.0
                    return trace.fail(503, (
                        f"no DestinationRule for host {d_name} defines subset '{subset}', so "
                        "Envoy has no such cluster (503, no route)"
                    ), where)
            d_port = (target.get("port") or {}).get("number", port)
            svc = cluster.service(d_name, d_ns)
            backends.append(Backend(svc, d_name, d_ns, d_port, None, float(weight), subset,
                                    labels, where))
        return deliver(cluster, trace, backends, source, path)
    return trace.fail(404, f"no http route of VirtualService '{vs.name}' matches {path}",
                      vs.where("spec", "http"))


def istio_subset(cluster: Cluster, fqdn: str, subset: str, client_ns: str) -> dict[str, str] | None:
    """The labels of a subset, from the DestinationRule for that host.

    Istio looks in the client's namespace, then the service's, then the root namespace
    (https://istio.io/latest/docs/ops/best-practices/traffic-management/
    #cross-namespace-configuration).
    """
    service_ns = fqdn.split(".")[1] if "." in fqdn else client_ns
    rules = cluster.objects("DestinationRule")
    order = sorted(rules, key=lambda r: (namespace_of(r) != client_ns,
                                         namespace_of(r) != service_ns))
    for dr in order:
        if istio_fqdn(dr.get("spec", "host", default=""), namespace_of(dr)) != fqdn:
            continue
        for s in dr.get("spec", "subsets") or []:
            if isinstance(s, Mapping) and s.get("name") == subset:
                return labels_of(s.get("labels"))
        return None
    return None


# -- Ingress ---------------------------------------------------------------------------------


def ingress_controller(cluster: Cluster, ingress: Resource) -> str | None:
    """Which controller serves an Ingress: its class, the legacy annotation, or the default.

    K3s's Traefik chart marks its IngressClass "traefik" as the default
    (https://docs.k3s.io/networking/networking-services#traefik-ingress-controller), so an
    Ingress without a class is Traefik's while Traefik runs.
    """
    name = ingress.get("spec", "ingressClassName") or labels_of(
        ingress.get("metadata", "annotations")).get("kubernetes.io/ingress.class")
    if not name:
        defaults = [c for c in cluster.objects("IngressClass") if labels_of(
            c.get("metadata", "annotations")).get("ingressclass.kubernetes.io/is-default-class")
            == "true"]
        if defaults:
            name = defaults[0].name
        elif traefik_enabled(cluster):
            return "traefik"
        else:
            return None
    klass = cluster.get("IngressClass", str(name), "")
    if klass is not None:
        return INGRESS_CONTROLLERS.get(str(klass.get("spec", "controller")))
    return str(name) if str(name) in CONTROLLER_NAMES else None


def traefik_enabled(cluster: Cluster) -> bool:
    """K3s runs Traefik unless config.yaml disables it."""
    disabled = cluster.k3s_config.get("disable") or []
    if isinstance(disabled, str):
        disabled = [d.strip() for d in disabled.split(",")]
    return "traefik" not in [str(d) for d in disabled]


def host_matches(rule_host: Any, host: str) -> bool:
    """An Ingress host: exact, a wildcard for one label (*.example.com), or any (no host)."""
    if not rule_host:
        return True
    rule_host = str(rule_host).lower()
    if rule_host.startswith("*."):
        head, _, rest = host.partition(".")
        return bool(head) and rest == rule_host[2:]
    return rule_host == host


def prefix_matches(prefix: str, path: str) -> bool:
    """Kubernetes Prefix: element-wise on '/' ('/api' matches /api and /api/x, not /apix)."""
    want = [p for p in prefix.split("/") if p]
    have = [p for p in path.split("/") if p]
    return have[: len(want)] == want


@dataclass
class IngressPath:
    """One path of one Ingress, with what the controller needs to rank it."""

    ingress: Resource
    rule: int
    index: int
    host: str
    path: str
    path_type: str
    backend: Mapping[str, Any]

    @property
    def where(self) -> str:
        return self.ingress.where("spec", "rules", self.rule, "http", "paths", self.index)


def ingress_paths(cluster: Cluster, controller: str) -> list[IngressPath]:
    """Every path of every Ingress this controller serves, in apply order."""
    found = []
    for ingress in cluster.objects("Ingress"):
        if ingress_controller(cluster, ingress) != controller:
            continue
        for i, rule in enumerate(ingress.get("spec", "rules") or []):
            if not isinstance(rule, Mapping):
                continue
            for j, p in enumerate((rule.get("http") or {}).get("paths") or []):
                if isinstance(p, Mapping):
                    found.append(IngressPath(ingress, i, j, str(rule.get("host") or ""),
                                             str(p.get("path") or "/"),
                                             str(p.get("pathType")), p.get("backend") or {}))
    return found


def nginx_regex_hosts(paths: list[IngressPath]) -> set[str]:
    """Hosts where ingress-nginx treats every path as a regular expression.

    use-regex (or rewrite-target, which implies it) on one Ingress applies to all paths of
    that host (https://kubernetes.github.io/ingress-nginx/user-guide/ingress-path-matching/).
    """
    hosts = set()
    for p in paths:
        notes = labels_of(p.ingress.get("metadata", "annotations"))
        if notes.get("nginx.ingress.kubernetes.io/use-regex") == "true" or (
                "nginx.ingress.kubernetes.io/rewrite-target" in notes):
            hosts.add(p.host)
    return hosts


def route_ingress(cluster: Cluster, trace: Trace, via: str, scheme: str, host: str,
                  path: str, headers: dict[str, str]) -> Trace:
    """An Ingress controller: Traefik (with its CRDs), ingress-nginx or HAProxy."""
    name = CONTROLLER_NAMES[via]
    if via == "traefik" and not traefik_enabled(cluster):
        return trace.fail(0, "K3s's Traefik is disabled (config.yaml disable: traefik)")
    trace.add(name, f"{scheme} {host}")
    paths = ingress_paths(cluster, via)
    rewrite = None
    if via == "traefik":
        return route_traefik(cluster, trace, scheme, host, path, headers, paths)
    if via == "nginx":
        chosen, rewrite = nginx_pick(paths, host, path)
    else:
        chosen = k8s_pick(paths, host, path)
    if chosen is None:
        return trace.fail(404, f"no {name} Ingress rule matches host {bounded(host, 60)} and "
                               f"path {bounded(path, 60)}")
    annotations = labels_of(chosen.ingress.get("metadata", "annotations"))
    trace.add(f"Ingress '{chosen.ingress.name}'",
              f"host {chosen.host or '*'}, path {chosen.path} ({chosen.path_type})", chosen.where)
    if via == "haproxy":
        haproxy_notes(trace, annotations)
    new_path = rewrite if rewrite is not None else path
    if new_path != path:
        trace.add("rewrite", f"{path} -> {new_path}", chosen.ingress.where("metadata",
                                                                            "annotations"))
    return ingress_backend(cluster, trace, chosen, new_path, via)


def ingress_backend(cluster: Cluster, trace: Trace, chosen: IngressPath, path: str,
                    via: str) -> Trace:
    """From an Ingress path's backend to the Service."""
    service = chosen.backend.get("service")
    if not isinstance(service, Mapping):
        return trace.fail(503, "the backend is a resource, not a Service", chosen.where)
    port = service.get("port") or {}
    backend = Backend(None, str(service.get("name")), namespace_of(chosen.ingress),
                      port.get("number"), port.get("name"), where=chosen.where)
    return deliver(cluster, trace, [backend], edge_pod(via), path)


def k8s_pick(paths: list[IngressPath], host: str, path: str) -> IngressPath | None:
    """The Ingress spec's precedence: exact host over wildcard; Exact over Prefix; the longest
    prefix (https://kubernetes.io/docs/concepts/services-networking/ingress/#multiple-matches);
    a tie goes to the oldest Ingress."""
    best, best_key = None, None
    for order, p in enumerate(paths):
        if not host_matches(p.host, host):
            continue
        if p.path_type == "Exact":
            ok = path == p.path
        elif p.path_type == "Prefix":
            ok = prefix_matches(p.path, path)
        else:
            ok = path.startswith(p.path)
        if not ok:
            continue
        key = (bool(p.host) and not p.host.startswith("*"), bool(p.host), p.path_type == "Exact",
               len(p.path), -order)
        if best_key is None or key > best_key:
            best, best_key = p, key
    return best


def nginx_pick(paths: list[IngressPath], host: str, path: str) -> tuple[IngressPath | None,
                                                                        str | None]:
    """ingress-nginx: one server per host merging every Ingress for it; locations by length.

    Paths are tried longest first; in regex mode the first regular expression that matches
    (case-insensitive, anchored at the start) wins; for one host and path defined twice the
    oldest Ingress wins (https://kubernetes.github.io/ingress-nginx/how-it-works/).
    """
    servers = [p for p in paths if host_matches(p.host, host)]
    exact_host = [p for p in servers if p.host.lower() == host]
    servers = exact_host or [p for p in servers if p.host] or servers
    regex_mode = bool(nginx_regex_hosts(servers))
    ranked = sorted(enumerate(servers), key=lambda item: (-len(item[1].path), item[0]))
    for _, p in ranked:
        notes = labels_of(p.ingress.get("metadata", "annotations"))
        target = notes.get("nginx.ingress.kubernetes.io/rewrite-target")
        if p.path_type == "Exact" and not regex_mode:
            match = re.fullmatch(re.escape(p.path), path)
        elif regex_mode:
            try:
                match = re.match(p.path, path, re.IGNORECASE)
            except re.error:
                continue
        elif p.path_type == "Prefix":
            match = re.match(re.escape(p.path), path) if prefix_matches(p.path, path) else None
        else:
            match = re.match(re.escape(p.path), path)
        if not match:
            continue
        if target is None:
            return p, None
        # nginx's `rewrite <path-regex> <target> break`: the whole URI becomes the target, with
        # $1, $2... taken from the path's capture groups.
        def group(m: re.Match[str], found: re.Match[str] = match) -> str:
            index = int(m.group(1))
            return found.group(index) or "" if index <= (found.re.groups or 0) else ""
        return p, re.sub(r"\$(\d)", group, target)
    return None, None


def haproxy_notes(trace: Trace, annotations: Mapping[str, str]) -> None:
    """HAProxy's rate limit annotations (https://www.haproxy.com/documentation/
    kubernetes-ingress/community/configuration-reference/ingress/)."""
    requests = annotations.get("haproxy.org/rate-limit-requests")
    if requests is None:
        return
    limit = {
        "requests": int(requests) if requests.isdigit() else None,
        "period": annotations.get("haproxy.org/rate-limit-period", "1s"),
        "status": int(annotations.get("haproxy.org/rate-limit-status-code", "403") or 403),
    }
    trace.notes["rate_limit"] = limit
    trace.add("HAProxy rate limit", f"{requests} per {limit['period']}, then {limit['status']}")


# -- Traefik ---------------------------------------------------------------------------------


@dataclass
class TraefikRouter:
    """A router Traefik builds from an IngressRoute route or an Ingress path."""

    priority: int
    tree: tuple
    entry_points: list[str]
    resource: Resource
    where: str
    route: Mapping[str, Any] | None = None
    ingress_path: IngressPath | None = None


def route_traefik(cluster: Cluster, trace: Trace, scheme: str, host: str, path: str,
                  headers: dict[str, str], paths: list[IngressPath]) -> Trace:
    """Traefik: routers from Ingresses and IngressRoutes; the highest priority rule wins.

    A router's default priority is the length of its rule
    (https://doc.traefik.io/traefik/routing/routers/#priority).
    """
    entry = TRAEFIK_ENTRYPOINTS.get(scheme, "web")
    routers: list[TraefikRouter] = []
    for p in paths:
        rule = (f"Host(`{p.host}`) && " if p.host else "") + (
            f"Path(`{p.path}`)" if p.path_type == "Exact" else f"PathPrefix(`{p.path}`)")
        tree = parse_rule(rule)
        if p.path_type == "Prefix":
            tree = ("prefix", p.path, tree)
        routers.append(TraefikRouter(len(rule), tree, ["web", "websecure"], p.ingress, p.where,
                                     ingress_path=p))
    broken: list[str] = []
    for ir in cluster.objects("IngressRoute"):
        entry_points = [str(e) for e in ir.get("spec", "entryPoints") or ["web", "websecure"]]
        for i, route in enumerate(ir.get("spec", "routes") or []):
            if not isinstance(route, Mapping):
                continue
            where = ir.where("spec", "routes", i, "match")
            try:
                tree = parse_rule(str(route.get("match", "")))
            except (RuleError, re.error) as exc:
                broken.append(f"{where}: {exc}")
                continue
            priority = route.get("priority") or len(str(route.get("match", "")))
            routers.append(TraefikRouter(int(priority), tree, entry_points, ir, where, route))
    request = Request(host, path, "GET", headers)
    candidates = [r for r in routers if entry in r.entry_points and traefik_eval(r.tree, request)]
    candidates.sort(key=lambda r: -r.priority)
    if not candidates:
        other = [r for r in routers if traefik_eval(r.tree, request)]
        if other:
            return trace.fail(404, (
                f"a route matches, but only on entryPoints {', '.join(other[0].entry_points)}; "
                f"an {scheme} request arrives on '{entry}'"
            ), other[0].where)
        reason = f"no Traefik router matches host {bounded(host, 60)} and path {bounded(path, 60)}"
        if broken:
            reason += f" (a rule Traefik could not read: {broken[0]})"
        return trace.fail(404, reason)
    chosen = candidates[0]
    trace.add(f"entryPoint {entry}")
    if chosen.ingress_path is not None:
        p = chosen.ingress_path
        trace.add(f"Ingress '{p.ingress.name}'",
                  f"host {p.host or '*'}, path {p.path} ({p.path_type})", p.where)
        return ingress_backend(cluster, trace, p, path, "traefik")
    ir, route = chosen.resource, chosen.route or {}
    trace.add(f"IngressRoute '{ir.name}'", bounded(route.get("match"), 60), chosen.where)
    if scheme == "https":
        resolver = ir.get("spec", "tls", "certResolver")
        trace.notes["certificate"] = f"resolver {resolver}" if resolver else (
            "a secret" if ir.get("spec", "tls", "secretName") else "Traefik's default certificate"
        )
    ns = namespace_of(ir)
    for k, mw in enumerate(route.get("middlewares") or []):
        mw_ns = str((mw or {}).get("namespace") or ns)
        middleware = cluster.get("Middleware", str((mw or {}).get("name")), mw_ns)
        where = ir.where("spec", "routes", chosen_index(ir, route), "middlewares", k)
        if middleware is None:
            return trace.fail(404, (
                f"middleware {mw_ns}/{bounded((mw or {}).get('name'), 40)} does not exist, so "
                "Traefik does not create this router"
            ), where)
        if mw_ns != ns:
            return trace.fail(404, (
                "a middleware in another namespace needs the provider's allowCrossNamespace, "
                "which is off by default; Traefik does not create this router"), where)
        outcome = apply_middleware(trace, middleware, scheme, host, path)
        if isinstance(outcome, Trace):
            return outcome
        path = outcome
    backends = []
    for k, svc in enumerate(route.get("services") or []):
        if not isinstance(svc, Mapping):
            continue
        port = svc.get("port")
        backends.append(Backend(
            None, str(svc.get("name")), str(svc.get("namespace") or ns),
            port if isinstance(port, int) else None, port if isinstance(port, str) else None,
            float(svc.get("weight", 1)),
            where=ir.where("spec", "routes", chosen_index(ir, route), "services", k),
        ))
    if not backends:
        return trace.fail(503, "the route has no services", chosen.where)
    return deliver(cluster, trace, backends, edge_pod("traefik"), path)


def chosen_index(ir: Resource, route: Mapping[str, Any]) -> int:
    """The index of a route in its IngressRoute."""
    routes = ir.get("spec", "routes") or []
    return next((i for i, r in enumerate(routes) if r is route), 0)


def traefik_eval(tree: tuple, request: Request) -> bool:
    """A rule, where an Ingress Prefix path keeps Kubernetes' element-wise meaning."""
    if tree[0] == "prefix":
        return evaluate(tree[2], request) and prefix_matches(tree[1], request.path)
    return evaluate(tree, request)


def apply_middleware(trace: Trace, middleware: Resource, scheme: str, host: str,
                     path: str) -> str | Trace:
    """What a Middleware does to the request: a new path, or a final answer (redirect)."""
    spec = middleware.get("spec") or {}
    where = middleware.where("spec")
    trace.add(f"Middleware '{middleware.name}'", ", ".join(str(k) for k in spec) or "empty", where)
    if "redirectScheme" in spec:
        target = spec["redirectScheme"] or {}
        to = str(target.get("scheme", "https"))
        if to != scheme:
            status = 301 if target.get("permanent") else 302
            trace.notes["redirect"] = f"{to}://{host}{path}"
            return trace.fail(status, f"redirected to {to}://{host}{path}", where)
    if "stripPrefix" in spec:
        for prefix in (spec["stripPrefix"] or {}).get("prefixes") or []:
            if path.startswith(str(prefix)):
                path = path[len(str(prefix)):] or "/"
                if not path.startswith("/"):
                    path = "/" + path
                break
    if "addPrefix" in spec:
        path = str((spec["addPrefix"] or {}).get("prefix", "")) + path
    if "replacePath" in spec:
        path = str((spec["replacePath"] or {}).get("path", path))
    if "headers" in spec:
        headers = spec["headers"] or {}
        trace.notes.setdefault("headers", {}).update({
            str(k): v for k, v in headers.items()
        })
    return path


# -- Gateway API -----------------------------------------------------------------------------


def hostname_intersects(listener: Any, host: str) -> bool:
    """A listener hostname (exact or *.wildcard, None for any) accepts this host."""
    return host_matches(listener, host) if listener else True


def route_gateway(cluster: Cluster, trace: Trace, name: str, scheme: str, port: int,
                  host: str, path: str, headers: dict[str, str]) -> Trace:
    """Gateway API: a listener on the port, an attached HTTPRoute, the most specific match.

    Precedence between matches: an Exact path, then the longest prefix, then method, then
    the most header matches; ties go to the oldest route, then namespace/name
    (https://gateway-api.sigs.k8s.io/reference/spec/#httprouterule).
    """
    protocol = "HTTPS" if scheme == "https" else "HTTP"
    classes = dict(INSTALLED_GATEWAY_CLASSES)
    for gc in cluster.objects("GatewayClass"):
        classes[gc.name] = str(gc.get("spec", "controllerName"))
    listeners = []
    for gw in cluster.objects("Gateway"):
        if name and gw.name != name:
            continue
        if str(gw.get("spec", "gatewayClassName")) not in classes:
            continue
        for i, listener in enumerate(gw.get("spec", "listeners") or []):
            if not isinstance(listener, Mapping):
                continue
            if listener.get("port") == port and listener.get("protocol") == protocol and (
                    hostname_intersects(listener.get("hostname"), host)):
                listeners.append((gw, i, listener))
    if not listeners:
        gateways = cluster.objects("Gateway")
        if gateways and all(str(g.get("spec", "gatewayClassName")) not in classes
                            for g in gateways):
            g = gateways[0]
            return trace.fail(0, (
                f"GatewayClass '{bounded(g.get('spec', 'gatewayClassName'), 40)}' is not "
                "installed, so no controller programs the Gateway and nothing listens"
            ), g.where("spec", "gatewayClassName"))
        return trace.fail(0, f"no Gateway listener for {protocol} on port {port} and host "
                             f"{bounded(host, 60)}")
    candidates = []
    for order, route in enumerate(cluster.objects("HTTPRoute")):
        attached = attached_listeners(route, listeners)
        if not attached:
            continue
        hostnames = [str(h).lower() for h in route.get("spec", "hostnames") or []]
        if hostnames and not any(host_matches(h, host) for h in hostnames):
            continue
        exact_host = host in hostnames
        for i, rule in enumerate(route.get("spec", "rules") or []):
            for j, match in enumerate((rule or {}).get("matches") or [{}]):
                key = gateway_match(match, path, headers)
                if key is None:
                    continue
                candidates.append(((exact_host, *key, -order), route, i, rule, j))
    if not candidates:
        return trace.fail(404, f"no HTTPRoute attached to the listener matches host "
                               f"{bounded(host, 60)} and path {bounded(path, 60)}")
    candidates.sort(key=lambda c: c[0], reverse=True)
    _, route, i, rule, _ = candidates[0]
    gw, li, listener = attached_listeners(route, listeners)[0]
    trace.add(f"Gateway '{gw.name}' listener '{listener.get('name')}'",
              f"{protocol} :{port}", gw.where("spec", "listeners", li))
    trace.add(f"HTTPRoute '{route.name}'", f"rules[{i}]", route.where("spec", "rules", i))
    ns = namespace_of(route)
    backends = []
    for k, ref in enumerate(rule.get("backendRefs") or []):
        if not isinstance(ref, Mapping):
            continue
        where = route.where("spec", "rules", i, "backendRefs", k)
        if ref.get("kind", "Service") != "Service" or ref.get("group", "") not in ("", "core"):
            return trace.fail(500, f"backendRef kind {bounded(ref.get('kind'), 30)} is not a "
                                   "Service this Gateway can reach", where)
        if ref.get("port") is None:
            return trace.fail(500, (
                "the backendRef names a Service without a port; the route is not accepted "
                "(ResolvedRefs false) and the request gets a 500"
            ), where)
        ref_ns = str(ref.get("namespace") or ns)
        if ref_ns != ns and not any(
                namespace_of(g) == ref_ns for g in cluster.objects("ReferenceGrant")):
            return trace.fail(500, "a backendRef in another namespace needs a ReferenceGrant "
                                   "there", where)
        backends.append(Backend(None, str(ref.get("name")), ref_ns, ref.get("port"), None,
                                float(ref.get("weight", 1)), where=where))
    if not backends:
        return trace.fail(500, "the rule has no backendRefs", route.where("spec", "rules", i))
    for f in rule.get("filters") or []:
        if isinstance(f, Mapping) and f.get("type") == "URLRewrite":
            rewrite = (f.get("urlRewrite") or {}).get("path") or {}
            if rewrite.get("type") == "ReplacePrefixMatch":
                prefix = str(((rule.get("matches") or [{}])[0].get("path") or {}).get(
                    "value", "/"))
                path = str(rewrite.get("replacePrefixMatch", "/")).rstrip("/") + path[len(
                    prefix.rstrip("/")):] or "/"
    return deliver(cluster, trace, backends, edge_pod("gateway"), path)


def attached_listeners(route: Resource, listeners: list[tuple[Resource, int, Any]]
                       ) -> list[tuple[Resource, int, Any]]:
    """The listeners a route's parentRefs attach it to (and that allow its namespace)."""
    found = []
    ns = namespace_of(route)
    for ref in route.get("spec", "parentRefs") or []:
        if not isinstance(ref, Mapping):
            continue
        if ref.get("kind", "Gateway") != "Gateway" or ref.get(
                "group", "gateway.networking.k8s.io") != "gateway.networking.k8s.io":
            continue
        for gw, i, listener in listeners:
            if gw.name != ref.get("name") or namespace_of(gw) != str(ref.get("namespace") or ns):
                continue
            if ref.get("sectionName") and ref.get("sectionName") != listener.get("name"):
                continue
            if ref.get("port") and ref.get("port") != listener.get("port"):
                continue
            allowed = ((listener.get("allowedRoutes") or {}).get("namespaces") or {}).get(
                "from", "Same")
            if allowed == "Same" and namespace_of(gw) != ns:
                continue
            found.append((gw, i, listener))
    return found


def gateway_match(match: Any, path: str, headers: dict[str, str]) -> tuple | None:
    """A ranking key when an HTTPRouteMatch holds, else None."""
    if not isinstance(match, Mapping):
        match = {}
    p = match.get("path") or {}
    kind, value = p.get("type", "PathPrefix"), str(p.get("value", "/"))
    if kind == "Exact":
        if path != value:
            return None
    elif kind == "PathPrefix":
        if not prefix_matches(value, path):
            return None
    elif kind == "RegularExpression":
        try:
            if not re.fullmatch(value, path):
                return None
        except re.error:
            return None
    lower = {k.lower(): v for k, v in headers.items()}
    wanted = match.get("headers") or []
    for h in wanted:
        if not isinstance(h, Mapping) or lower.get(str(h.get("name")).lower()) != h.get("value"):
            return None
    return (kind == "Exact", len(value), bool(match.get("method")), len(wanted))
