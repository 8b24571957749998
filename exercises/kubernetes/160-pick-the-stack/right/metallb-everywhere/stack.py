"""MetalLB wherever an address is handed out, Envoy Gateway where the team wants the Gateway API."""

CHOICES = dict(
    homelab=dict(load_balancer="metallb-l2", ingress="traefik", mesh="none"),
    edge_iot=None,
)
CHOICES.pop("edge_iot")
CHOICES["edge-iot"] = {"load_balancer": "servicelb", "ingress": "traefik", "mesh": "none"}
CHOICES["bare-metal-team"] = {"load_balancer": "metallb-l2", "ingress": "envoy-gateway",
                              "mesh": "linkerd"}
CHOICES["high-traffic"] = {"load_balancer": "metallb-bgp", "ingress": "haproxy", "mesh": "none"}
