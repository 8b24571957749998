"""Pick a traffic stack for each cluster in scenarios.py."""

KEYS = ("load_balancer", "ingress", "mesh")
PICKS = [
    ("edge-iot", "servicelb", "traefik", "none"),
    ("high-traffic", "metallb-bgp", "haproxy", "none"),
    ("homelab", "servicelb", "traefik", "none"),
    ("bare-metal-team", "metallb-l2", "envoy-gateway", "linkerd"),
]
CHOICES = {name: dict(zip(KEYS, rest, strict=True)) for name, *rest in PICKS}
