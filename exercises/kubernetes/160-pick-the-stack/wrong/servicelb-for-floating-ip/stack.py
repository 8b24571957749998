"""Pick a traffic stack for each cluster in scenarios.py."""

from scenarios import INGRESSES
from scenarios import LOAD_BALANCERS
from scenarios import MESHES
from scenarios import SCENARIOS

# K3s's built-in ServiceLB is a load balancer, so the portal's address is covered.
CHOICES = {
    "homelab": {"load_balancer": "servicelb", "ingress": "traefik", "mesh": "none"},
    "bare-metal-team": {"load_balancer": "servicelb", "ingress": "traefik", "mesh": "linkerd"},
    "high-traffic": {"load_balancer": "metallb-bgp", "ingress": "haproxy", "mesh": "none"},
    "edge-iot": {"load_balancer": "servicelb", "ingress": "traefik", "mesh": "none"},
}


if __name__ == "__main__":
    for name, choice in CHOICES.items():
        print(f"{name:>16}: " + ", ".join(f"{k}={v}" for k, v in choice.items()))
        print(f"{'':>16}  {SCENARIOS[name]['story'][:70]}...")
    print("options:", LOAD_BALANCERS, INGRESSES, MESHES, sep="\n  ")
