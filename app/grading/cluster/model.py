"""The cluster: objects as the API server stores them, and what the controllers make of them."""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from ..manifests import QUANTITY_FACTORS
from ..manifests import QUANTITY_RE
from ..manifests import Resource
from ..manifests import load_documents
from .selectors import label_selector_matches
from .selectors import labels_of
from .selectors import map_selector_matches
from .trace import Trace
from .trace import bounded
from .validation import validate

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Pod")
NAMESPACED_EXCEPTIONS = {
    "Namespace", "IngressClass", "GatewayClass", "CiliumClusterwideNetworkPolicy",
}
POD_CIDR = ipaddress.ip_network("10.42.0.0/16")  # K3s --cluster-cidr default
SERVICE_CIDR = ipaddress.ip_network("10.43.0.0/16")  # K3s --service-cidr default
METALLB_NAMESPACE = "metallb-system"
METALLB_IP_ANNOTATIONS = ("metallb.io/loadBalancerIPs", "metallb.universe.tf/loadBalancerIPs")


def quantity(value: Any) -> float | None:
    """A Kubernetes quantity ("100m", "0.1", "128Mi", 2) as a number; None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if not isinstance(value, str):
        return None
    match = QUANTITY_RE.match(value.strip())
    if not match:
        return None
    number = float(match.group(1)) * (10 ** int(match.group(2)) if match.group(2) else 1)
    return number * QUANTITY_FACTORS[match.group(3)]


@dataclass(frozen=True)
class Node:
    """A K3s node: its name and the address it answers on."""

    name: str
    ip: str

    @property
    def labels(self) -> dict[str, str]:
        """The well-known labels the kubelet puts on every node."""
        return {"kubernetes.io/hostname": self.name, "kubernetes.io/os": "linux"}


@dataclass
class Rejection:
    """An object `kubectl apply` would refuse: which, where, and the API server's reason."""

    resource: Resource
    path: tuple[str | int, ...]
    message: str

    @property
    def where(self) -> str:
        """"file line N"."""
        return self.resource.where(*self.path)

    def __str__(self) -> str:
        title = self.resource.title()
        return f"{self.where}: {title} is rejected by the API server: {self.message}"


@dataclass
class ContainerPortInfo:
    """A port a pod's container listens on."""

    number: int
    name: str | None
    protocol: str
    container: str


@dataclass
class Pod:
    """A pod a controller would create."""

    name: str
    namespace: str
    labels: dict[str, str]
    annotations: dict[str, str]
    ip: str
    node: str
    owner: Resource
    ports: list[ContainerPortInfo] = field(default_factory=list)

    def port_named(self, name: str) -> ContainerPortInfo | None:
        """The container port with this name."""
        return next((p for p in self.ports if p.name == name), None)

    def listens_on(self, number: int) -> bool:
        """True when a container declares this port (the model's stand-in for listening)."""
        return any(p.number == number for p in self.ports)

    @property
    def meshed_by(self) -> str | None:
        """"linkerd" or "istio" when a sidecar proxy is injected into this pod."""
        if self.annotations.get("linkerd.io/inject") == "enabled":
            return "linkerd"
        if self.annotations.get("sidecar.istio.io/inject") == "true" or self.labels.get(
                "sidecar.istio.io/inject") == "true":
            return "istio"
        return None

    def __str__(self) -> str:
        return f"pod {self.namespace}/{self.name} ({self.ip})"


@dataclass
class Endpoint:
    """One address a Service port sends to: a pod and the container port number."""

    pod: Pod
    port: int
    service_port: int


def namespace_of(r: Resource) -> str:
    """Where a namespaced object lands when applied without -n."""
    return r.namespace or "default"


def short_hash(*parts: Any) -> str:
    """A stable 10-character suffix, like the pod-template-hash of a ReplicaSet."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()
    alphabet = "bcdfghjklmnpqrstvwxz2456789"  # the alphabet of rand.SafeEncodeString
    return "".join(alphabet[int(digest[i:i + 2], 16) % len(alphabet)] for i in range(0, 20, 2))


class Cluster:
    """Applied objects and what the controllers derive from them.

    `nodes` are the K3s nodes; `k3s_config` is /etc/rancher/k3s/config.yaml as a mapping (its
    `disable:` list turns off ServiceLB or Traefik); `namespaces` are the namespaces that
    already exist besides those in the manifests.
    """

    def __init__(
        self,
        resources: Iterable[Resource],
        nodes: Iterable[Node] | None = None,
        k3s_config: Mapping[str, Any] | None = None,
        namespace_labels: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        self.nodes = list(nodes or [Node("k3s-1", "192.168.10.21")])
        self.k3s_config = dict(k3s_config or {})
        self.rejected: list[Rejection] = []
        self.replaced: list[Resource] = []  # applied again under the same name: the last wins
        self._objects: dict[tuple[str, str, str, str], Resource] = {}
        self._node_ports: dict[int, tuple[tuple[str, str, str, str], Resource]] = {}
        for r in resources:
            key = (group_of(r.api_version), r.kind, "" if r.kind in NAMESPACED_EXCEPTIONS
                   else namespace_of(r), r.name)
            problems = validate(r) or self._conflicts(r, key)
            if problems:
                self.rejected += [Rejection(r, path, message) for path, message in problems]
                continue
            if key in self._objects:
                self.replaced.append(self._objects[key])
            self._objects[key] = r
        self._by_kind: dict[str, list[Resource]] = {}
        for r in self._objects.values():
            self._by_kind.setdefault(r.kind, []).append(r)
        self._namespace_labels = {k: dict(v) for k, v in (namespace_labels or {}).items()}
        for ns in self.objects("Namespace"):
            self._namespace_labels[ns.name] = {
                **labels_of(ns.get("metadata", "labels")),
                "kubernetes.io/metadata.name": ns.name,
            }
        self._pods: list[Pod] | None = None
        self._pods_by_label: dict[tuple[str, str, str], list[Pod]] = {}
        self._cluster_ips: dict[tuple[str, str], str | None] = {}

    def _conflicts(self, r: Resource, key: tuple[str, str, str, str]
                   ) -> list[tuple[tuple[str | int, ...], str]]:
        """What the API server refuses because of objects already stored: a nodePort belongs
        to one Service port in the whole cluster ("provided port is already allocated";
        https://kubernetes.io/docs/concepts/services-networking/service/#nodeport-custom-port).
        """
        if r.kind != "Service":
            return []
        problems: list[tuple[tuple[str | int, ...], str]] = []
        for i, port in enumerate(r.get("spec", "ports") or []):
            number = port.get("nodePort") if isinstance(port, Mapping) else None
            holder = self._node_ports.get(number) if isinstance(number, int) else None
            if holder is not None and holder[0] != key:
                owner = holder[1]
                problems.append((("spec", "ports", i, "nodePort"), (
                    f"spec.ports[{i}].nodePort: Invalid value: {number}: provided port is "
                    f"already allocated (to Service {namespace_of(owner)}/{owner.name}, "
                    f"{owner.where('metadata', 'name')})"
                )))
        if not problems:  # stored: its node ports are now taken (a re-apply frees its old ones)
            if key in self._objects:
                self._node_ports = {n: h for n, h in self._node_ports.items() if h[0] != key}
            for port in r.get("spec", "ports") or []:
                if isinstance(port, Mapping) and isinstance(port.get("nodePort"), int):
                    self._node_ports[port["nodePort"]] = (key, r)
        return problems

    # -- objects -------------------------------------------------------------------------------

    def objects(self, kind: str, namespace: str | None = None) -> list[Resource]:
        """Accepted objects of a kind, in the order they were applied."""
        found = self._by_kind.get(kind, [])
        if namespace is None:
            return list(found)
        return [r for r in found if namespace_of(r) == namespace]

    def get(self, kind: str, name: str, namespace: str = "default") -> Resource | None:
        """One accepted object by kind, name and namespace."""
        return next((r for r in self.objects(kind, namespace) if r.name == name), None)

    def service(self, name: str, namespace: str = "default") -> Resource | None:
        """A Service by name."""
        return self.get("Service", name, namespace)

    def rejections_of(self, source: str) -> list[Rejection]:
        """The rejections of objects from one file."""
        return [x for x in self.rejected if x.resource.source == source]

    def namespace_labels(self, namespace: str) -> dict[str, str]:
        """Labels of a namespace (every namespace carries kubernetes.io/metadata.name)."""
        labels = self._namespace_labels.get(namespace, {})
        return {**labels, "kubernetes.io/metadata.name": namespace}

    def namespace_annotations(self, namespace: str) -> dict[str, str]:
        """Annotations of a Namespace object in the manifests."""
        ns = self.get("Namespace", namespace, "")
        return labels_of(ns.get("metadata", "annotations")) if ns else {}

    # -- workloads -----------------------------------------------------------------------------

    def pods(self, namespace: str | None = None) -> list[Pod]:
        """Every pod the workload controllers would run (Deployment -> ReplicaSet -> Pods...)."""
        if self._pods is None:
            self._pods = []
            for kind in WORKLOAD_KINDS:
                for r in self.objects(kind):
                    self._pods += self._pods_of(r)
            for pod in self._pods:
                for key, value in pod.labels.items():
                    self._pods_by_label.setdefault((pod.namespace, key, value), []).append(pod)
        if namespace is None:
            return list(self._pods)
        return [p for p in self._pods if p.namespace == namespace]

    def _pods_of(self, r: Resource) -> list[Pod]:
        """The pods one workload makes, with names as its controller would give them."""
        ns = namespace_of(r)
        if r.kind == "Pod":
            template, names, extra = r.data, [r.name], {}
        else:
            template = r.get("spec", "template") or {}
            if r.kind == "DaemonSet":
                count = len(self.nodes)
            else:
                replicas = r.get("spec", "replicas")
                count = 1 if replicas is None else int(replicas)  # defaulting: 1 replica
                if r.kind == "Deployment" and r.get("spec", "paused") is True:
                    # The controller does not roll out a paused Deployment: created paused, it
                    # gets no ReplicaSet and so no pods (the e2e test "paused deployment should
                    # be ignored by the controller", kubernetes/test/e2e/apps/deployment.go).
                    count = 0
            suffix = short_hash(r.name, repr(template))
            if r.kind == "Deployment":
                # The Deployment controller creates a ReplicaSet <name>-<pod-template-hash>,
                # which creates the pods and labels them with that hash.
                rs = f"{r.name}-{suffix[:10]}"
                names = [f"{rs}-{short_hash(rs, i)[:5]}" for i in range(count)]
                extra = {"pod-template-hash": suffix[:10]}
            elif r.kind == "StatefulSet":
                names = [f"{r.name}-{i}" for i in range(count)]
                extra = {"statefulset.kubernetes.io/pod-name": ""}
            else:
                names = [f"{r.name}-{short_hash(r.name, i)[:5]}" for i in range(count)]
                extra = {}
        metadata = template.get("metadata") or {} if isinstance(template, Mapping) else {}
        labels = {**labels_of(metadata.get("labels")), **extra}
        annotations = {**self.namespace_annotations(ns), **labels_of(metadata.get("annotations"))}
        spec = template.get("spec") or {} if isinstance(template, Mapping) else {}
        ports = []
        for container in spec.get("containers") or []:
            for port in (container or {}).get("ports") or []:
                if isinstance(port, Mapping) and isinstance(port.get("containerPort"), int):
                    ports.append(ContainerPortInfo(
                        port["containerPort"], port.get("name"), port.get("protocol", "TCP"),
                        str(container.get("name", "")),
                    ))
        pods = []
        for i, name in enumerate(names):
            pod_labels = dict(labels)
            if "statefulset.kubernetes.io/pod-name" in pod_labels:
                pod_labels["statefulset.kubernetes.io/pod-name"] = name
            index = len(self._pods or []) + i
            node = self.nodes[i % len(self.nodes)]
            ip = str(POD_CIDR[256 * (i % len(self.nodes)) + 10 + index])
            pods.append(Pod(name, ns, pod_labels, annotations, ip, node.name, r, ports))
        return pods

    def pods_matching(self, namespace: str, selector: Mapping[str, str]) -> list[Pod]:
        """Pods whose labels hold every key=value of a map selector (indexed by label)."""
        self.pods()
        wanted = labels_of(selector)
        if not wanted:
            return []
        candidates: list[Pod] | None = None
        for key, value in wanted.items():
            found = self._pods_by_label.get((namespace, key, value), [])
            candidates = found if candidates is None else [p for p in candidates if p in found]
            if not candidates:
                return []
        return [p for p in candidates or [] if map_selector_matches(wanted, p.labels)]

    # -- services ------------------------------------------------------------------------------

    def service_type(self, service: Resource) -> str:
        """spec.type, defaulted to ClusterIP."""
        return str(service.get("spec", "type", default="ClusterIP"))

    def cluster_ip(self, service: Resource) -> str | None:
        """The Service's virtual IP; None for a headless or an ExternalName Service."""
        key = (namespace_of(service), service.name)
        if key not in self._cluster_ips:
            written = service.get("spec", "clusterIP")
            if self.service_type(service) == "ExternalName" or written in ("None", None) and (
                    "clusterIP" in (service.get("spec") or {})):
                self._cluster_ips[key] = None
            elif isinstance(written, str) and written:
                self._cluster_ips[key] = written
            else:
                n = len([v for v in self._cluster_ips.values() if v])
                self._cluster_ips[key] = str(SERVICE_CIDR[100 + n])
        return self._cluster_ips[key]

    def service_ports(self, service: Resource) -> list[Mapping[str, Any]]:
        """spec.ports, each defaulted: protocol TCP, targetPort = port."""
        ports = service.get("spec", "ports") or []
        result = []
        for port in ports:
            if isinstance(port, Mapping):
                filled = dict(port)
                filled.setdefault("protocol", "TCP")
                filled.setdefault("targetPort", port.get("port"))
                result.append(filled)
        return result

    def service_port(self, service: Resource, number: Any = None, name: Any = None
                     ) -> Mapping[str, Any] | None:
        """The Service port with this number or name."""
        for port in self.service_ports(service):
            if number is not None and port.get("port") == number:
                return port
            if name is not None and port.get("name") == name:
                return port
        return None

    def endpoints(self, service: Resource, port: Mapping[str, Any] | None = None,
                  subset: Mapping[str, str] | None = None) -> list[Endpoint]:
        """What the EndpointSlice controller lists for one Service port (default: the first).

        A pod is an endpoint when the selector matches its labels; a named targetPort is
        looked up in each pod, and a pod without a port of that name is left out.
        """
        if self.service_type(service) == "ExternalName":
            return []
        ports = self.service_ports(service)
        if port is None:
            if not ports:
                return []
            port = ports[0]
        selector = service.get("spec", "selector")
        pods = self.pods_matching(namespace_of(service), selector) if selector else []
        if subset:
            pods = [p for p in pods if all(p.labels.get(k) == v for k, v in subset.items())]
        target = port.get("targetPort")
        found = []
        for pod in pods:
            if isinstance(target, int):
                number: int | None = target
            else:
                named = pod.port_named(str(target))
                number = named.number if named else None
            if number is not None:
                found.append(Endpoint(pod, number, int(port.get("port") or 0)))
        return found

    def resolve_service_name(self, host: str, namespace: str) -> tuple[str, str] | None:
        """(namespace, name) of the Service a cluster DNS name refers to, from `namespace`.

        "web", "web.shop", "web.shop.svc" and "web.shop.svc.cluster.local" all resolve, as the
        pod's resolv.conf search list (<ns>.svc.cluster.local, svc.cluster.local) makes them.
        """
        parts = host.rstrip(".").split(".")
        if len(parts) == 1:
            name, ns = parts[0], namespace
        elif len(parts) == 2 or (len(parts) >= 3 and parts[2] == "svc"):
            name, ns = parts[0], parts[1]
            if len(parts) > 3 and ".".join(parts[3:]) != "cluster.local":
                return None
        else:
            return None
        return (ns, name) if self.service(name, ns) else None

    # -- load balancers ------------------------------------------------------------------------

    def servicelb_enabled(self) -> bool:
        """K3s starts ServiceLB (Klipper) unless config.yaml's `disable:` lists servicelb."""
        disabled = self.k3s_config.get("disable") or []
        if isinstance(disabled, str):
            disabled = [part.strip() for part in disabled.split(",")]
        return "servicelb" not in [str(d) for d in disabled]

    def load_balancer(self, service: Resource) -> tuple[list[str], str]:
        """(addresses, explanation) for a LoadBalancer Service; no addresses: `<pending>`.

        MetalLB assigns from an IPAddressPool in metallb-system (a requested address must lie in
        a pool; autoAssign: false pools only serve requests) and announces it only when an
        L2Advertisement or BGPAdvertisement covers the pool. K3s's ServiceLB, unless disabled,
        answers on the nodes' own addresses through svclb-<service> pods; with both running they
        fight over the Service's status (https://docs.k3s.io/networking/networking-services).
        """
        if self.service_type(service) != "LoadBalancer":
            return [], f"type is {self.service_type(service)}, not LoadBalancer"
        pools = [p for p in self.objects("IPAddressPool") if namespace_of(p) == METALLB_NAMESPACE]
        metallb = self.metallb_assign(service, pools) if pools else None
        servicelb = self.servicelb_enabled() and not service.get("spec", "loadBalancerClass")
        if metallb is not None and servicelb:
            return [], (
                "both ServiceLB (K3s) and MetalLB claim this Service and overwrite each other's "
                "address; K3s's ServiceLB must be disabled (disable: [servicelb]) when MetalLB runs"
            )
        if metallb is not None:
            return metallb
        if servicelb:
            return [n.ip for n in self.nodes], (
                f"ServiceLB: svclb-{service.name}-… pods answer on every node's address"
            )
        if self.objects("IPAddressPool"):
            return [], "<pending>: no IPAddressPool in metallb-system, where MetalLB reads them"
        return [], "<pending>: no load-balancer controller assigns an address"

    def metallb_assign(self, service: Resource, pools: list[Resource]) -> tuple[list[str], str]:
        """MetalLB's allocation: the requested address, or the next free one of a pool."""
        annotations = labels_of(service.get("metadata", "annotations"))
        requested = next((annotations[a] for a in METALLB_IP_ANNOTATIONS if a in annotations),
                         None) or service.get("spec", "loadBalancerIP")
        pool_name = annotations.get("metallb.io/address-pool") or annotations.get(
            "metallb.universe.tf/address-pool")
        used = self._metallb_used(service, pools)
        for pool in pools:
            if pool_name and pool.name != pool_name:
                continue
            auto = pool.get("spec", "autoAssign", default=True) is not False
            for first, last in pool_ranges(pool):
                if requested:
                    try:
                        address = ipaddress.ip_address(str(requested).split(",")[0].strip())
                    except ValueError:
                        return [], f"<pending>: '{bounded(requested, 40)}' is not an IP address"
                    if first <= address <= last:
                        return self._announced(pool, str(address))
                    continue
                if not auto:
                    continue
                address = first
                while address <= last:
                    if str(address) not in used:
                        return self._announced(pool, str(address))
                    address += 1
        if requested:
            return [], f"<pending>: {bounded(requested, 40)} is in no IPAddressPool"
        candidates = [p for p in pools if not pool_name or p.name == pool_name]
        if candidates and all(p.get("spec", "autoAssign", default=True) is False
                              for p in candidates):
            # https://metallb.io/configuration/_advanced_ipaddresspool_configuration/
            return [], ("<pending>: the pool has autoAssign: false, so MetalLB only gives its "
                        "addresses to a Service that asks for the pool or an address")
        return [], "<pending>: every address of the pools is in use (the pool is exhausted)"

    def _metallb_used(self, service: Resource, pools: list[Resource]) -> set[str]:
        """Addresses MetalLB already gave to LoadBalancer Services applied before this one."""
        used: set[str] = set()
        for other in self.objects("Service"):
            if other is service:
                break
            if self.service_type(other) == "LoadBalancer":
                addresses, _ = self.metallb_assign(other, pools)
                used.update(addresses)
        return used

    def _announced(self, pool: Resource, address: str) -> tuple[list[str], str]:
        """The address if an advertisement covers its pool (else assigned but unreachable)."""
        unheard: list[Resource] = []  # covering advertisements that no node may speak for
        for kind in ("L2Advertisement", "BGPAdvertisement"):
            for ad in self.objects(kind, METALLB_NAMESPACE):
                names = ad.get("spec", "ipAddressPools")
                selectors = ad.get("spec", "ipAddressPoolSelectors")
                if (not names and not selectors) or (names and pool.name in names) or any(
                    label_selector_matches(s, labels_of(pool.get("metadata", "labels")), False)
                    for s in selectors or []
                ):
                    peers = self.objects("BGPPeer", METALLB_NAMESPACE)
                    if kind == "BGPAdvertisement" and not peers:
                        continue
                    if not self.speaker_nodes(ad):
                        unheard.append(ad)
                        continue
                    mode = "ARP from one node (L2)" if kind == "L2Advertisement" else "BGP"
                    return [address], f"MetalLB assigns {address} from pool '{pool.name}', " \
                        f"announced by {kind} '{ad.name}' ({mode})"
        if unheard:
            ad = unheard[0]
            nodes = ", ".join(n.name for n in self.nodes)
            return [], (
                f"MetalLB assigns {address} from pool '{pool.name}', but {ad.kind} "
                f"'{ad.name}' only lets nodes matching its nodeSelectors "
                f"({ad.where('spec', 'nodeSelectors')}) announce it, and none of the nodes "
                f"({nodes}) matches: no node answers for the address"
            )
        return [], (
            f"MetalLB assigns {address} from pool '{pool.name}', but no L2Advertisement or "
            "BGPAdvertisement in metallb-system announces that pool, so nothing answers for it"
        )

    def speaker_nodes(self, advertisement: Resource) -> list[Node]:
        """The nodes whose speaker may announce for an advertisement: all of them, or those
        its nodeSelectors match (https://metallb.io/configuration/_advanced_l2_configuration/)."""
        selectors = advertisement.get("spec", "nodeSelectors")
        if not selectors:
            return list(self.nodes)
        return [n for n in self.nodes if any(
            label_selector_matches(s, n.labels, True) for s in selectors)]

    # -- requests ------------------------------------------------------------------------------

    def request(self, url: str, via: str = "traefik", source: Pod | None = None,
                headers: Mapping[str, str] | None = None, client: str | None = None) -> Trace:
        """Follow one request: from outside through an edge (`via`), or from a `source` pod.

        `client` is the address a request from outside comes from (default: an internet
        address), which loadBalancerSourceRanges are checked against.
        """
        from .routing import OUTSIDE_CLIENT
        from .routing import route_request

        return route_request(self, url, via, source, dict(headers or {}),
                             client or OUTSIDE_CLIENT)

    def shares(self, url: str, via: str = "traefik", source: Pod | None = None) -> dict[str, float]:
        """Fraction of such requests each backend ("svc" or "svc/subset") receives."""
        return self.request(url, via=via, source=source).shares


def group_of(api_version: str) -> str:
    """The API group of an apiVersion ("" for the core group)."""
    return api_version.split("/")[0] if "/" in api_version else ""


def pool_ranges(pool: Resource) -> list[tuple[Any, Any]]:
    """(first, last) addresses of each CIDR or range of an IPAddressPool."""
    ranges = []
    for text in pool.get("spec", "addresses") or []:
        try:
            if "-" in str(text):
                first, last = (ipaddress.ip_address(p.strip()) for p in str(text).split("-", 1))
            else:
                network = ipaddress.ip_network(str(text).strip(), strict=False)
                first, last = network[0], network[-1]
        except ValueError:
            continue
        ranges.append((first, last))
    return ranges


def apply_files(files: Iterable[tuple[str, str]], **options: Any) -> Cluster:
    """A cluster with every document of every (name, text) file applied, in order.

    Raises manifests.ManifestError when a file is not readable YAML.
    """
    resources: list[Resource] = []
    for name, text in files:
        resources += load_documents(text, name)
    return Cluster(resources, **options)
