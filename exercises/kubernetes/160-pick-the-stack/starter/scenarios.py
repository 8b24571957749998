"""Four clusters that need a traffic stack. Read it; do not change it.

Every cluster is bare metal or a plain VPS running K3s: there is no cloud load balancer.
"""

LOAD_BALANCERS = ("cloud", "servicelb", "metallb-l2", "metallb-bgp", "kube-vip")
INGRESSES = ("traefik", "nginx", "haproxy", "envoy-gateway")
MESHES = ("none", "linkerd", "istio", "cilium")

SCENARIOS = {
    "homelab": {
        "story": "One mini PC with K3s at home, 16 GB RAM, a few apps for the family.",
        "nodes": 1,
        "ram_gb_per_node": 16,
        "bgp_router": False,
        "ip_must_survive_node_failure": False,
        "spread_traffic_over_nodes": False,
        "mtls_required": False,
        "peak_rps": 50,
    },
    "bare-metal-team": {
        "story": "Three servers on one office LAN (a plain switch, no BGP). The customer portal "
                 "must keep its address if a server dies, and an audit requires encrypted, "
                 "authenticated traffic between services. Two developers run everything.",
        "nodes": 3,
        "ram_gb_per_node": 32,
        "bgp_router": False,
        "ip_must_survive_node_failure": True,
        "spread_traffic_over_nodes": False,
        "mtls_required": True,
        "peak_rps": 2_000,
    },
    "high-traffic": {
        "story": "A ticket shop: 6 nodes in a rented rack whose routers speak BGP. On sale days "
                 "traffic peaks at 40 000 requests per second, more than one node's network "
                 "card should carry alone.",
        "nodes": 6,
        "ram_gb_per_node": 64,
        "bgp_router": True,
        "ip_must_survive_node_failure": True,
        "spread_traffic_over_nodes": True,
        "mtls_required": False,
        "peak_rps": 40_000,
    },
    "edge-iot": {
        "story": "A 2 GB ARM box in a factory hall running K3s, collecting sensor data from the "
                 "local network and forwarding it. One node, nothing to fail over to.",
        "nodes": 1,
        "ram_gb_per_node": 2,
        "bgp_router": False,
        "ip_must_survive_node_failure": False,
        "spread_traffic_over_nodes": False,
        "mtls_required": False,
        "peak_rps": 200,
    },
}

# Published figures (one benchmark; your workload will differ):
# ingress throughput  HAProxy ~42k RPS, Envoy ~38k, NGINX ~35k, Traefik ~19k
# mesh overhead       Linkerd 5-10 %, Cilium 20-30 %, Istio 25-35 %
# mesh memory         Istio: istiod ~500 MB plus ~50 MB per sidecar; Linkerd proxy ~10 MB
