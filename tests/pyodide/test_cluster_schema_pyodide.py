"""The cluster model's schema validation (vendored JSON schemas, fastjsonschema) runs in real
Pyodide and refuses exactly what it refuses under CPython, at the same lines."""

from __future__ import annotations

import json

import pytest

from app.grading.cluster import apply_files
from app.grading.node import PyodideNodeRunner

pytestmark = pytest.mark.pyodide

LIMIT_MS = 120_000  # the first check compiles the validators; the machine may be busy

BROKEN = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  strategy: {rollingUpdate: {maxSurgee: 1}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx:1.27}]
---
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: {name: web}
spec:
  routes:
    - match: Host(`shop.example.com`)
      service: {name: web, port: 80}
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: pool, namespace: metallb-system}
spec: {addresses: [192.168.1.240/28], autoAssign: "no"}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http: [{route: [{destination: {host: reviews, subnet: v1}}]}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: shop}
spec:
  parentRefs: [{name: edge}]
  rules: [{matches: [{method: FETCH}], backendRefs: [{name: web, port: 80}]}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {nginx.conf: {server: {}}}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: api}
spec:
  endpointSelector: {matchLabels: {app: api}}
  ingress: [{toPorts: [{ports: [{port: "8080"}]}]}]
  ingresDeny: [{fromEntities: [world]}]
---
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: api}
spec:
  endpointSelector: {matchLabels: {app: api}}
  ingress: [{toPorts: [{ports: [{port: tcp/8080}]}]}]
"""

TESTS = '''\
import json

from grading import cluster, submission

EXPECTED = json.loads(submission.read("expected.json"))


def refused():
    c = cluster.apply_files([("broken.yaml", submission.read("broken.yaml"))])
    return [[r.resource.line_of(*r.path), r.message] for r in c.rejected]


def test_first_check_compiles_the_validators():
    assert refused() == EXPECTED


def test_a_second_check_reuses_them():
    assert refused() == EXPECTED
'''


def test_schema_validation_runs_in_pyodide_with_the_same_rejections(
    pyodide_runner: PyodideNodeRunner,
):
    cluster = apply_files([("broken.yaml", BROKEN)])
    expected = [[r.resource.line_of(*r.path), r.message] for r in cluster.rejected]
    # Each object is refused by its schema (CPython first, or the comparison proves nothing).
    assert [line for line, _ in expected] == [6, 18, 23, 30, 37, 42, 50, 57]
    assert all("API server refuses" in message for _, message in expected)
    job = {
        "mode": "check",
        "files": {"broken.yaml": BROKEN, "expected.json": json.dumps(expected)},
        "tests": {"test_schema.py": TESTS},
    }
    verdict = pyodide_runner.grade(job, LIMIT_MS)
    assert verdict.status == "passed", verdict
    first, second = verdict.tests
    print(f"\nin Pyodide: first check {first.duration_ms:.0f} ms (compiles the validators), "
          f"second {second.duration_ms:.0f} ms")
