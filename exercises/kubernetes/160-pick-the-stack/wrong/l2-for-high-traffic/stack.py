"""Pick a traffic stack for each cluster in scenarios.py."""

from scenarios import INGRESSES
from scenarios import LOAD_BALANCERS
from scenarios import MESHES
from scenarios import SCENARIOS

# MetalLB L2 everywhere a load balancer is needed: no router configuration at all.
CHOICES = {
    "homelab": {"load_balancer": "servicelb", "ingress": "traefik", "mesh": "none"},
    "bare-metal-team": {"load_balancer": "metallb-l2", "ingress": "traefik", "mesh": "linkerd"},
    "high-traffic": {"load_balancer": "metallb-l2", "ingress": "haproxy", "mesh": "none"},
    "edge-iot": {"load_balancer": "servicelb", "ingress": "traefik", "mesh": "none"},
}


if __name__ == "__main__":
    for name, choice in CHOICES.items():
        print(f"{name:>16}: " + ", ".join(f"{k}={v}" for k, v in choice.items()))
        print(f"{'':>16}  {SCENARIOS[name]['story'][:70]}...")
    print("options:", LOAD_BALANCERS, INGRESSES, MESHES, sep="\n  ")
