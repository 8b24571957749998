"""Pick a traffic stack for each cluster in scenarios.py."""

from scenarios import INGRESSES
from scenarios import LOAD_BALANCERS
from scenarios import MESHES
from scenarios import SCENARIOS

# One answer per scenario. Use only the names listed in scenarios.py.
CHOICES = {
    "homelab": {"load_balancer": "?", "ingress": "?", "mesh": "?"},
    "bare-metal-team": {"load_balancer": "?", "ingress": "?", "mesh": "?"},
    "high-traffic": {"load_balancer": "?", "ingress": "?", "mesh": "?"},
    "edge-iot": {"load_balancer": "?", "ingress": "?", "mesh": "?"},
}


if __name__ == "__main__":
    for name, choice in CHOICES.items():
        print(f"{name:>16}: " + ", ".join(f"{k}={v}" for k, v in choice.items()))
        print(f"{'':>16}  {SCENARIOS[name]['story'][:70]}...")
    print("options:", LOAD_BALANCERS, INGRESSES, MESHES, sep="\n  ")
