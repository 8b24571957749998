"""What a K3s cluster would do with a set of manifests: apply them, run the controllers, route.

    from grading import cluster, submission
    c = cluster.apply_files([("deployment.yaml", submission.read("deployment.yaml")),
                             ("service.yaml", submission.read("service.yaml"))])
    c.rejected                      # objects the API server would refuse, with line and reason
    c.pods("shop")                  # the pods the Deployments, StatefulSets... would create
    c.endpoints(c.service("web"))   # (pod, port) pairs a Service sends traffic to
    trace = c.request("https://shop.example.com/api/items/7")        # through K3s's Traefik
    trace = c.request("http://shop.example.com/", via="nginx")       # an NGINX Ingress
    trace = c.request("http://reviews:9080/", source=pod)            # from a pod (mesh, policy)
    trace.ok, trace.status, trace.pod, trace.path, str(trace)        # a row of hops, or the stop

Every object is applied (not only the first of its kind); where several compete for one
request, the model resolves it as the real controller does (each rule cites its documentation).
"""

from __future__ import annotations

from . import bgp
from . import envoy_policy
from . import helmchart
from . import istio_security
from . import k3s
from . import testing
from .model import Cluster
from .model import Endpoint
from .model import Node
from .model import Pod
from .model import Rejection
from .model import apply_files
from .model import quantity
from .trace import Hop
from .trace import Trace

__all__ = [
    "Cluster", "Endpoint", "Hop", "Node", "Pod", "Rejection", "Trace", "apply_files", "bgp",
    "envoy_policy",
    "helmchart", "istio_security", "k3s", "quantity", "testing",
]
