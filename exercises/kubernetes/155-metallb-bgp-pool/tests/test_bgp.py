"""MetalLB in BGP mode through the model: sessions, assigned addresses, the router's routes."""

from __future__ import annotations

import ipaddress

from grading import submission
from grading import traces
from grading.cluster import Node
from grading.cluster import bgp
from grading.cluster import testing as k8s

FILE = "metallb-bgp.yaml"
SERVICES = "services.yaml"
NODES = [Node("k3s-1", "192.168.10.21"), Node("k3s-2", "192.168.10.22"),
         Node("k3s-3", "192.168.10.23")]
FIREWALL = (ipaddress.ip_address("203.0.113.16"), ipaddress.ip_address("203.0.113.19"))
SHOP = "\n---\n".join(f"""
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: shop}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
        - name: app
          image: ghcr.io/example/{name}:1.0
          ports: [{{name: http, containerPort: 8080}}]
""" for name in ("shop-web", "shop-api", "status-page"))
# ServiceLB is off (this cluster runs MetalLB), as in /etc/rancher/k3s/config.yaml.
K3S_CONFIG = {"disable": ["servicelb"]}


def cluster():
    """The model with the shop's pods, the Services and the learner's MetalLB objects."""
    return k8s.load([FILE, SERVICES], learner=[FILE], extra=SHOP, nodes=NODES,
                    k3s_config=K3S_CONFIG)


def router() -> bgp.Router:
    """The office router, from frr.conf."""
    return bgp.Router.from_frr(submission.read("frr.conf"))


def test_metallb_accepts_every_object():
    """kubectl apply accepts every object in metallb-bgp.yaml."""
    c = k8s.load([FILE, SERVICES], learner=[FILE], strict=True)
    k8s.accepted(c, FILE)


def test_every_node_has_a_bgp_session():
    """The speaker on each of the three nodes holds a BGP session with the office router."""
    c = cluster()
    sessions = bgp.sessions(c, router())
    if not bgp.peers(c):
        raise AssertionError(
            f"{FILE} has no BGPPeer in metallb-system: MetalLB's speakers talk BGP to no one, "
            "so the router never hears of the Services' addresses")
    for s in sessions:
        if not s.up:
            raise AssertionError(f"{s.why}. Without the session the router learns nothing from "
                                 f"{s.node.name}")
    missing = [n.name for n in NODES if not any(s.node == n and s.up for s in sessions)]
    if missing:
        raise AssertionError(
            f"no BGPPeer selects {', '.join(missing)}: those nodes never announce anything, so "
            "the router cannot spread traffic over them or fail over to them")


def test_every_service_gets_an_address():
    """Each LoadBalancer Service gets an address (none stays <pending>)."""
    c = cluster()
    k8s.accepted(c, FILE)
    assigned = bgp.assigned(c)
    holders = {a: key for key, (_, addresses, _) in assigned.items() for a in addresses}
    for key, (service, addresses, why) in assigned.items():
        if addresses:
            continue
        why = why.removeprefix("<pending>: ")
        if "exhausted" in why:
            taken = ", ".join(f"{a} ({k})" for a, k in holders.items()) or "none"
            why = (f"the pool has no free address left: {taken} are taken, so MetalLB has "
                   "nothing to give it")
        raise AssertionError(
            f"{service.where('spec', 'type')}: {key} stays EXTERNAL-IP <pending>: {why}. "
            "Nobody outside can reach it")


def test_no_service_takes_the_firewalls_addresses():
    """No Service gets 203.0.113.16-19, which the firewall and the VPN use."""
    c = cluster()
    for key, (_, addresses, _) in bgp.assigned(c).items():
        for address in addresses:
            if FIREWALL[0] <= ipaddress.ip_address(address) <= FIREWALL[1]:
                pool = bgp.pool_of(c, address)
                where = pool.where("spec", "addresses") if pool else FILE
                raise AssertionError(
                    f"{where}: MetalLB gives {address} to {key}, but that address belongs to "
                    "the firewall and the VPN; once a node announces it, the router sends "
                    "their traffic into the cluster")


def test_the_router_learns_each_address_from_every_node():
    """The router learns each Service's address as a /32 from all three nodes (ECMP)."""
    c = cluster()
    table = bgp.routes(c, router())
    for key, (_, addresses, _) in bgp.assigned(c).items():
        for address in addresses:
            found = bgp.lookup(table, address)
            if found is None:
                raise AssertionError(
                    f"the router has no route to {address} ({key}): no node announces it over "
                    "BGP, so packets for it go to the router's default route and never reach "
                    "the cluster")
            prefix, hops = found
            if len(hops) < len(NODES):
                raise AssertionError(
                    f"the router learns {prefix} from {', '.join(hops)} only: traffic for "
                    f"{key} is not spread over the three nodes, and a failed node's share is "
                    "lost until its route is withdrawn")


def test_requests_from_the_internet_reach_each_service():
    """A request to each Service's address goes router -> a node -> the Service -> a pod."""
    c = cluster()
    for key, (service, addresses, _) in bgp.assigned(c).items():
        for address in addresses:
            url = f"http://{address}/"
            trace = bgp.request(c, router(), url)
            workload = service.name
            if not trace.ok or k8s.owner_name(trace.pod) != workload:
                problem = "" if not trace.ok else f"it arrives at {k8s.owner_name(trace.pod)}"
                traces.fail(f"{url} ({key}) should reach the {workload} pods. {trace.row()}",
                            trace.panel(problem))
