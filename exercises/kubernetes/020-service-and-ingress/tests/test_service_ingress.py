"""Checks that the Service and Ingress route shop.example.com to the shop-web pods on K3s."""

from __future__ import annotations

from typing import NoReturn

import pytest
from grading import manifests
from grading import submission
from grading.cluster import testing as k8s

LEARNER_FILE = "service-ingress.yaml"
HOST = "shop.example.com"
REMOVED_INGRESS_VERSIONS = ("extensions/v1beta1", "networking.k8s.io/v1beta1")


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it; no assert rewriting noise)."""
    raise AssertionError(message)


def load(strict: bool = False) -> list[manifests.Resource]:
    """The Deployment and the learner's resources (unreadable: the first check says why)."""
    resources = manifests.load_documents(submission.read("deployment.yaml"), "deployment.yaml")
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


def first_finding(findings: list[manifests.Finding]) -> None:
    """Fail with the first finding, if there is one."""
    if findings:
        fail(str(findings[0]))


def test_file_holds_a_service_and_an_ingress():
    """service-ingress.yaml holds a Service (v1) and an Ingress (networking.k8s.io/v1)."""
    resources = load(strict=True)
    for r in resources:
        if r.source != LEARNER_FILE:
            continue
        if not r.kind or not r.api_version or not r.name:
            missing = [k for k, v in (
                ("apiVersion", r.api_version), ("kind", r.kind), ("metadata.name", r.name)
            ) if not v]
            fail(
                f"{LEARNER_FILE} line {r.line}: document {r.index} has no "
                f"{' or '.join(missing)}; every resource needs apiVersion, kind and metadata.name"
            )
    services, ingresses = learner(resources, "Service"), learner(resources, "Ingress")
    if not services:
        fail(f"{LEARNER_FILE} has no Service yet: the Ingress needs one to send traffic to")
    if services[0].api_version != "v1":
        fail(
            f"{services[0].where('apiVersion')}: a Service's apiVersion is v1, not "
            f"'{services[0].api_version}'"
        )
    if not ingresses:
        fail(
            f"{LEARNER_FILE} has no Ingress yet: add one after a '---' line so that Traefik "
            f"routes {HOST} to your Service"
        )
    version = ingresses[0].api_version
    if version in REMOVED_INGRESS_VERSIONS:
        fail(
            f"{ingresses[0].where('apiVersion')}: {version} was removed in Kubernetes 1.22 and "
            "a current K3s rejects it, so the shop gets no route (the current version also "
            "writes the backend differently)"
        )
    if version != "networking.k8s.io/v1":
        fail(f"{ingresses[0].where('apiVersion')}: an Ingress is networking.k8s.io/v1")


def test_service_selects_the_pods():
    """The Service's selector matches the labels of the Deployment's pods."""
    resources = load()
    if not learner(resources, "Service"):
        pytest.skip("no Service yet (see the first check)")
    first_finding(manifests.check_service_selectors(resources))


def test_target_port_reaches_the_container():
    """The Service forwards to the port the container listens on (by number or by name)."""
    resources = load()
    services = learner(resources, "Service")
    if not services:
        pytest.skip("no Service yet (see the first check)")
    if not any(manifests.pods_selected_by(s, resources) for s in services):
        pytest.skip("the Service does not select the pods yet (see that check)")
    first_finding(manifests.check_target_ports(resources))


def test_ingress_is_served_by_traefik():
    """The Ingress names Traefik, K3s's ingress controller, with ingressClassName."""
    resources = load()
    if not learner(resources, "Ingress"):
        pytest.skip("no Ingress yet (see the first check)")
    first_finding(manifests.check_ingress_class(resources, "traefik"))


def test_ingress_routes_the_shop_host():
    """The Ingress has a rule for shop.example.com."""
    resources = load()
    ingresses = learner(resources, "Ingress")
    if not ingresses:
        pytest.skip("no Ingress yet (see the first check)")
    ingress = ingresses[0]
    rules = ingress.get("spec", "rules", default=[])
    count = len(rules) if isinstance(rules, list) else 0
    hosts = [ingress.get("spec", "rules", i, "host") for i in range(count)]
    if HOST not in hosts:
        written = ", ".join(str(h) for h in hosts if h) or "none"
        fail(
            f"{ingress.where('spec', 'rules')}: no rule has host: {HOST} (hosts written: "
            f"{written}). Traefik matches a request's Host header against it; without it the "
            "rule answers for every domain that points at the cluster"
        )


def test_ingress_paths_reach_the_service():
    """Each Ingress path has a pathType and a backend naming the Service and one of its ports."""
    resources = load()
    if not learner(resources, "Ingress"):
        pytest.skip("no Ingress yet (see the first check)")
    first_finding(manifests.check_ingress_backends(resources))


def test_api_server_accepts_both_objects():
    """kubectl apply accepts every object in service-ingress.yaml."""
    c = k8s.load(["deployment.yaml", LEARNER_FILE], learner=[LEARNER_FILE])
    k8s.accepted(c, LEARNER_FILE)


def test_requests_for_the_shop_reach_the_pods():
    """https://shop.example.com/ and every path under it reach a shop-web pod on port 8080."""
    c = k8s.load(["deployment.yaml", LEARNER_FILE], learner=[LEARNER_FILE])
    for url in (f"https://{HOST}/", f"http://{HOST}/cart/checkout", f"https://{HOST}/healthz"):
        k8s.reaches(c, url, "shop-web", port=8080, via="traefik")


def test_other_domains_are_not_the_shop():
    """A request for another domain pointing at the cluster does not reach the shop."""
    c = k8s.load(["deployment.yaml", LEARNER_FILE], learner=[LEARNER_FILE])
    k8s.refused(
        c, "https://intranet.example.org/", "shop-web",
        "the rule answers for every domain that points at the cluster, not only the shop's",
        via="traefik",
    )
