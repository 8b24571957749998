"""Stacks: metallb-bgp + haproxy for high-traffic, metallb-l2 + linkerd for the team."""

DEFAULT = {"load_balancer": "servicelb", "ingress": "traefik", "mesh": "none"}
# high-traffic: metallb-bgp, haproxy; bare-metal-team: metallb-l2, linkerd (mTLS)
CHOICES = {name: dict(DEFAULT) for name in ("homelab", "bare-metal-team", "high-traffic",
                                             "edge-iot")}
