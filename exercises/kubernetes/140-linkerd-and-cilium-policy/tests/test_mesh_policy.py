"""Checks mesh-policy.yaml: Linkerd injection for shop, and a Cilium policy for the API."""

from __future__ import annotations

from typing import NoReturn

import pytest
from grading import manifests
from grading import submission
from grading.cluster import testing as k8s

LEARNER_FILE = "mesh-policy.yaml"
APP_FILE = "app.yaml"


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it; no assert rewriting noise)."""
    raise AssertionError(message)


def load(strict: bool = False) -> list[manifests.Resource]:
    """The app's resources and the learner's (unreadable: the first check says why)."""
    resources = manifests.load_documents(submission.read(APP_FILE), APP_FILE)
    try:
        mine = manifests.load_documents(submission.read(LEARNER_FILE), LEARNER_FILE)
    except manifests.ManifestError as exc:
        if strict:
            fail(str(exc))
        pytest.skip(f"{LEARNER_FILE} cannot be read yet (see the first check)")
    return resources + mine


def learner(resources: list[manifests.Resource], kind: str) -> list[manifests.Resource]:
    """Resources of one kind written by the learner."""
    return [r for r in manifests.find(resources, kind) if r.source == LEARNER_FILE]


def the_policy(resources: list[manifests.Resource]) -> manifests.Resource:
    """The learner's CiliumNetworkPolicy, or skip (the first check explains)."""
    policies = learner(resources, "CiliumNetworkPolicy")
    if not policies:
        pytest.skip("no CiliumNetworkPolicy yet (see the first check)")
    return policies[0]


def deployments_matching(selector: object, resources: list[manifests.Resource]) -> list[str]:
    """Names of the Deployments whose pods a Cilium endpoint selector ({matchLabels}) selects."""
    if not hasattr(selector, "get"):
        return []
    labels = selector.get("matchLabels") or {}
    if not hasattr(labels, "items"):
        return []
    return [
        d.name for d in manifests.find(resources, "Deployment")
        if all(d.pod_labels().get(k) == v for k, v in labels.items())
    ]


def ingress_rules(policy: manifests.Resource) -> list:
    """The policy's ingress rules (mappings only)."""
    rules = policy.get("spec", "ingress", default=[]) or []
    return [r for r in rules if hasattr(r, "get")] if isinstance(rules, list) else []


def test_file_holds_the_namespace_and_the_policy():
    """mesh-policy.yaml holds Namespace shop and a CiliumNetworkPolicy (cilium.io/v2)."""
    resources = load(strict=True)
    namespaces = [n for n in learner(resources, "Namespace") if n.name == "shop"]
    if not namespaces:
        fail(f"{LEARNER_FILE} has no Namespace named shop (the app runs in shop)")
    policies = learner(resources, "CiliumNetworkPolicy")
    if not policies:
        fail(
            f"{LEARNER_FILE} has no CiliumNetworkPolicy: a Cilium policy is kind "
            "CiliumNetworkPolicy, apiVersion cilium.io/v2"
        )
    if policies[0].api_version != "cilium.io/v2":
        fail(f"{policies[0].where('apiVersion')}: a CiliumNetworkPolicy is cilium.io/v2")
    if (policies[0].namespace or "default") != "shop":
        fail(
            f"{policies[0].where('metadata')}: put the policy in namespace shop: a "
            "CiliumNetworkPolicy only selects pods in its own namespace"
        )


def test_namespace_gets_the_linkerd_proxy():
    """Namespace shop has the annotation linkerd.io/inject: enabled."""
    resources = load()
    namespace = next((n for n in learner(resources, "Namespace") if n.name == "shop"), None)
    if namespace is None:
        pytest.skip("no Namespace shop yet (see the first check)")
    for finding in manifests.check_files([(LEARNER_FILE, submission.read(LEARNER_FILE))]):
        if finding.rule == "mesh-injection":
            fail(str(finding))
    annotations = namespace.get("metadata", "annotations") or {}
    value = annotations.get("linkerd.io/inject") if hasattr(annotations, "get") else None
    if value != "enabled":
        fail(
            f"{namespace.where('metadata')}: Namespace shop does not ask Linkerd to inject its "
            "proxy (the annotation linkerd.io/inject is "
            f"{'missing' if value is None else repr(value)}), so the shop's pods start without "
            "the proxy: no mTLS and no metrics between them"
        )


def test_policy_passes_the_review():
    """The manifest review finds no error in mesh-policy.yaml."""
    load()
    findings = manifests.check_files([
        (APP_FILE, submission.read(APP_FILE)), (LEARNER_FILE, submission.read(LEARNER_FILE)),
    ])
    for finding in findings:
        if finding.is_error and finding.source == LEARNER_FILE:
            fail(str(finding))


def test_only_port_8080_is_open():
    """Every ingress rule limits the frontend to TCP port 8080 with toPorts."""
    resources = load()
    policy = the_policy(resources)
    for i, rule in enumerate(ingress_rules(policy)):
        to_ports = rule.get("toPorts")
        if not isinstance(to_ports, list) or not to_ports:
            fail(
                f"{policy.where('spec', 'ingress', i)}: the rule has no toPorts, so the frontend "
                "may reach every port of the API pods, including the admin port 9090"
            )
        for entry in to_ports:
            ports = entry.get("ports") if hasattr(entry, "get") else None
            for port in ports if isinstance(ports, list) else []:
                value = port.get("port") if hasattr(port, "get") else None
                if str(value) not in ("8080", "http"):
                    fail(
                        f"{policy.where('spec', 'ingress', i, 'toPorts')}: the rule opens port "
                        f"{value}; the frontend needs only the API's port 8080"
                    )


RUNNING = """
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  selector: {app: api}
  ports:
    - {name: http, port: 8080, targetPort: http}
    - {name: admin, port: 9090, targetPort: admin}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: worker, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: worker}}
  template:
    metadata: {labels: {app: worker}}
    spec: {containers: [{name: worker, image: ghcr.io/example/worker:1}]}
"""


def test_connections_to_the_api_as_cilium_decides():
    """frontend -> api:8080 connects; frontend -> api:9090 and worker -> api:8080 are dropped."""
    c = k8s.load(["app.yaml", "mesh-policy.yaml"], learner=["mesh-policy.yaml"], extra=RUNNING)
    k8s.accepted(c, "mesh-policy.yaml")
    frontend, worker = k8s.pod_of(c, "frontend", "shop"), k8s.pod_of(c, "worker", "shop")
    k8s.reaches(c, "http://api:8080/orders", "api", port=8080, source=frontend)
    k8s.refused(c, "http://api.shop:9090/metrics", "api",
                "the admin port stays open to the frontend", source=frontend)
    k8s.refused(c, "http://api:8080/orders", "api",
                "any pod in the namespace, not only the frontend, can call the API",
                source=worker)
