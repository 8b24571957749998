"""Checks the repaired orders-api Service: it selects the pods and forwards to their port."""

from __future__ import annotations

from typing import NoReturn

import pytest
from grading import manifests
from grading import submission
from grading.cluster import testing as k8s

LEARNER_FILE = "service.yaml"


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it; no assert rewriting noise)."""
    raise AssertionError(message)


def load(strict: bool = False) -> list[manifests.Resource]:
    """The Deployment and the learner's Service (unreadable: the first check says why)."""
    resources = manifests.load_documents(submission.read("deployment.yaml"), "deployment.yaml")
    try:
        mine = manifests.load_documents(submission.read(LEARNER_FILE), LEARNER_FILE)
    except manifests.ManifestError as exc:
        if strict:
            fail(str(exc))
        pytest.skip(f"{LEARNER_FILE} cannot be read yet (see the first check)")
    return resources + mine


def the_service(resources: list[manifests.Resource]) -> manifests.Resource:
    """The learner's Service, or skip (the first check explains)."""
    services = [r for r in manifests.find(resources, "Service") if r.source == LEARNER_FILE]
    if not services:
        pytest.skip("no Service yet (see the first check)")
    return services[0]


def test_service_keeps_its_name_and_port():
    """service.yaml still holds Service orders-api in namespace shop, offering port 80."""
    resources = load(strict=True)
    services = [r for r in manifests.find(resources, "Service") if r.source == LEARNER_FILE]
    if not services:
        fail(f"{LEARNER_FILE} has no Service: repair the one that was there")
    service = services[0]
    if service.name != "orders-api" or (service.namespace or "default") != "shop":
        fail(
            f"{service.where('metadata')}: the Service must stay orders-api in namespace shop: "
            "the checkout calls http://orders-api.shop/, and a new name or namespace is a new "
            "DNS name that nobody calls"
        )
    offered = [p.get("port") for p in manifests.service_ports(service) if hasattr(p, "get")]
    if 80 not in offered:
        fail(
            f"{service.where('spec', 'ports')}: the Service must still offer port 80 (it offers "
            f"{offered or 'none'}): the checkout calls port 80, so its requests now find "
            "nothing listening on the Service"
        )


def test_service_selects_the_pods():
    """The selector matches the labels of the orders-api pods, so the Service gets endpoints."""
    resources = load()
    service = the_service(resources)
    selector = service.get("spec", "selector")
    if hasattr(selector, "get") and "pod-template-hash" in selector:
        fail(
            f"{service.where('spec', 'selector')}: the selector includes pod-template-hash. "
            "The Deployment controller adds that label to each ReplicaSet's pods, and its value "
            "changes with every rollout: after the next image update the new pods no longer "
            "match and the Service loses its endpoints again. Select only the labels from the "
            "pod template (spec.template.metadata.labels)"
        )
    findings = manifests.check_service_selectors(resources)
    if findings:
        fail(str(findings[0]))


def test_target_port_reaches_the_container():
    """The Service forwards to the port the container listens on (3000, or its name http)."""
    resources = load()
    service = the_service(resources)
    if not manifests.pods_selected_by(service, resources):
        pytest.skip("the Service does not select the pods yet (see that check)")
    findings = manifests.check_target_ports(resources)
    if findings:
        fail(str(findings[0]))


CHECKOUT = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: checkout, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: checkout}}
  template:
    metadata: {labels: {app: checkout}}
    spec: {containers: [{name: checkout, image: ghcr.io/example/checkout:1}]}
"""


def test_the_checkout_reaches_the_api_before_and_after_a_rollout():
    """http://orders-api.shop/ from the checkout reaches the API pods, also after a new image."""
    c = k8s.load(["deployment.yaml", LEARNER_FILE], learner=[LEARNER_FILE], extra=CHECKOUT)
    k8s.accepted(c, LEARNER_FILE)
    checkout = k8s.pod_of(c, "checkout", "shop")
    k8s.reaches(c, "http://orders-api.shop/orders/17", "orders-api", port=3000, source=checkout)
    # A rollout: a new image makes a new ReplicaSet, whose pods get a new pod-template-hash.
    rolled = submission.read("deployment.yaml").replace("image: ", "image: rollout-", 1)
    after = k8s.Cluster(
        manifests.load_documents(CHECKOUT, "(already in the cluster)")
        + manifests.load_documents(rolled, "deployment.yaml")
        + manifests.load_documents(submission.read(LEARNER_FILE), LEARNER_FILE)
    )
    checkout = k8s.pod_of(after, "checkout", "shop")
    trace = after.request("http://orders-api.shop/orders/17", source=checkout)
    if not trace.ok:
        fail(f"after the next rollout (a new image) the API is unreachable again: {trace.row()}")
