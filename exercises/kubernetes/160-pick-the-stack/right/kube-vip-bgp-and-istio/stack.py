"""kube-vip for the floating addresses (ARP on the office LAN, BGP in the rack)."""

CHOICES = {
    "homelab": {"load_balancer": "servicelb", "ingress": "traefik", "mesh": "none"},
    "bare-metal-team": {"load_balancer": "kube-vip", "ingress": "traefik", "mesh": "istio"},
    "high-traffic": {"load_balancer": "kube-vip", "ingress": "haproxy", "mesh": "none"},
    "edge-iot": {"load_balancer": "servicelb", "ingress": "traefik", "mesh": "none"},
}
