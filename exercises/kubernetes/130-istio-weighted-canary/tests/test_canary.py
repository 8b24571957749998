"""Checks the Istio canary: DestinationRule subsets per version and a 90/10 VirtualService."""

from __future__ import annotations

from typing import NoReturn

import pytest
from grading import manifests
from grading import submission
from grading.cluster import testing as k8s

LEARNER_FILE = "canary.yaml"
APP_FILE = "reviews.yaml"
ISTIO_VERSIONS = ("networking.istio.io/v1", "networking.istio.io/v1beta1",
                  "networking.istio.io/v1alpha3")
WANTED = {"reviews-v1": 90, "reviews-v2": 10}


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


def host_is_reviews(host: object) -> bool:
    """'reviews', 'reviews.shop' or 'reviews.shop.svc.cluster.local'."""
    return str(host) in ("reviews", "reviews.shop") or str(host).startswith("reviews.shop.svc")


def subset_pods(rule: manifests.Resource, resources: list[manifests.Resource]) -> dict:
    """Each subset name of the DestinationRule -> names of the Deployments whose pods it selects."""
    result = {}
    deployments = manifests.find(resources, "Deployment")
    for subset in rule.get("spec", "subsets", default=[]) or []:
        if not hasattr(subset, "get") or not subset.get("name"):
            continue
        labels = subset.get("labels") or {}
        if not hasattr(labels, "items"):
            labels = {"": "not a mapping"}
        result[str(subset["name"])] = [
            d.name for d in deployments
            if all(d.pod_labels().get(k) == v for k, v in labels.items())
        ]
    return result


def test_file_holds_a_destination_rule_and_a_virtual_service():
    """canary.yaml holds a DestinationRule and a VirtualService (networking.istio.io)."""
    resources = load(strict=True)
    rules, services = learner(resources, "DestinationRule"), learner(resources, "VirtualService")
    for r in rules + services:
        if r.api_version not in ISTIO_VERSIONS:
            fail(
                f"{r.where('apiVersion')}: {r.kind} is part of Istio's API: apiVersion "
                f"networking.istio.io/v1 (older releases: v1beta1), not '{r.api_version}'"
            )
    if not services:
        fail(f"{LEARNER_FILE} has no VirtualService: that is where the 90/10 weights go")
    if not rules:
        fail(
            f"{LEARNER_FILE} has no DestinationRule. Pod labels are not subsets by themselves: "
            "Istio learns that subset v1 means the pods labelled version: v1 from a "
            "DestinationRule for host reviews. A VirtualService that routes to a subset no "
            "DestinationRule defines gets 503 (no healthy upstream)"
        )


def test_manifests_pass_the_review():
    """The manifest review finds no error in canary.yaml (hosts, routes, subsets that exist)."""
    load()
    findings = manifests.check_files([
        (APP_FILE, submission.read(APP_FILE)), (LEARNER_FILE, submission.read(LEARNER_FILE)),
    ])
    for finding in findings:
        if finding.is_error and finding.source == LEARNER_FILE:
            fail(str(finding))


def test_each_subset_selects_one_version():
    """The DestinationRule is for host reviews, and each subset selects the pods of one version."""
    resources = load()
    rules = learner(resources, "DestinationRule")
    if not rules:
        pytest.skip("no DestinationRule yet (see the first check)")
    rule = rules[0]
    if not host_is_reviews(rule.get("spec", "host")):
        fail(
            f"{rule.where('spec', 'host')}: the DestinationRule's host is "
            f"'{rule.get('spec', 'host')}'; it must be the Service whose traffic you split: "
            "reviews"
        )
    chosen = subset_pods(rule, resources)
    if len(chosen) < 2:
        fail(
            f"{rule.where('spec', 'subsets')}: define two subsets, one per version (e.g. v1 "
            "and v2), each with the labels that only that version's pods carry"
        )
    for name, deployments in chosen.items():
        if len(deployments) > 1:
            fail(
                f"{rule.where('spec', 'subsets')}: subset '{name}' selects the pods of both "
                f"versions ({', '.join(deployments)}). Then every subset is the same pool of 6 "
                "pods and the weights split nothing: v2 still gets half of the traffic"
            )
        if not deployments:
            fail(
                f"{rule.where('spec', 'subsets')}: subset '{name}' selects no pod in "
                f"{APP_FILE} (subsets match the labels pods carry); traffic sent to it would get "
            "503"
            )


CLIENT = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: productpage, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: productpage}}
  template:
    metadata: {labels: {app: productpage}}
    spec:
      containers: [{name: web, image: ghcr.io/example/productpage:1}]
"""


def test_weights_split_90_10():
    """Calls from a shop pod to reviews go 90 % to reviews-v1 and 10 % to reviews-v2."""
    c = k8s.load([APP_FILE, LEARNER_FILE], learner=[LEARNER_FILE], extra=CLIENT)
    k8s.accepted(c, LEARNER_FILE)
    client = k8s.pod_of(c, "productpage")
    for url in ("http://reviews:9080/reviews/1", "http://reviews.shop.svc.cluster.local:9080/"):
        trace = c.request(url, source=client)
        got = {name: round(share * 100) for name, share in trace.workload_shares.items()}
        if not trace.ok or got != WANTED:
            shown = ", ".join(f"{d}: {w}%" for d, w in sorted(got.items())) or "nothing"
            fail(
                f"{url} from a shop pod is split {shown}, so the canary gets "
                f"{got.get('reviews-v2', 0)}% of the traffic instead of 10%. {trace.row()}"
            )
