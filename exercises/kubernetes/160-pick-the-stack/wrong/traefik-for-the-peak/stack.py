"""Pick a traffic stack for each cluster in scenarios.py."""

# Traefik is K3s's default and scales out with replicas, so it fits everywhere.
CHOICES = {
    "homelab": {"load_balancer": "servicelb", "ingress": "traefik", "mesh": "none"},
    "bare-metal-team": {"load_balancer": "metallb-l2", "ingress": "traefik", "mesh": "linkerd"},
    "high-traffic": {"load_balancer": "metallb-bgp", "ingress": "traefik", "mesh": "none"},
    "edge-iot": {"load_balancer": "servicelb", "ingress": "traefik", "mesh": "none"},
}
