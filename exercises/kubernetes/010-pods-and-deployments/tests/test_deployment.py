"""Checks the orders-api Deployment: replicas, selector, resources and readiness probe."""

from __future__ import annotations

from typing import NoReturn

import pytest
from grading import cluster as k8s_cluster
from grading import manifests
from grading import submission
from grading.cluster import testing as k8s

FILE = "deployment.yaml"


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def load(name: str, strict: bool = False) -> list[manifests.Resource]:
    """The resources of one file (unreadable: the first check says why, the others skip)."""
    try:
        return manifests.load_documents(submission.read(name), name)
    except manifests.ManifestError as exc:
        if strict:
            fail(str(exc))
        pytest.skip(f"{name} cannot be read yet (see the first check)")


def review(*names: str) -> None:
    """Fail with the first error the manifest checker reports for these files read together."""
    findings = manifests.check_files([(n, submission.read(n)) for n in names])
    errors = [f for f in findings if f.is_error]
    if errors:
        fail(str(errors[0]))


def deployment() -> manifests.Resource:
    """The Deployment in the file (skips when there is none yet)."""
    found = manifests.find(load(FILE), "Deployment")
    if not found:
        pytest.skip("no Deployment yet (see the first check)")
    return found[0]


def container(d: manifests.Resource) -> dict:
    """The first container of the pod template (skips when there is none)."""
    containers = d.containers()
    if not containers:
        pytest.skip("the pod template has no container yet (see the first check)")
    return containers[0]


def test_file_holds_a_deployment():
    """deployment.yaml holds a Deployment (apps/v1) named orders-api."""
    resources = load(FILE, strict=True)
    found = manifests.find(resources, "Deployment")
    if not found:
        kinds = ", ".join(r.kind or "?" for r in resources)
        fail(
            f"{FILE} holds {kinds}, not a Deployment. A bare Pod is never recreated when its "
            "node dies; a Deployment (apiVersion: apps/v1) keeps the number of pods you ask for"
        )
    d = found[0]
    if d.api_version != "apps/v1":
        fail(f"{d.where('apiVersion')}: a Deployment is apps/v1, not '{d.api_version}'")
    if d.name != "orders-api":
        fail(f"{d.where('metadata', 'name')}: name the Deployment orders-api, not '{d.name}'")


def test_manifest_checker_finds_no_errors():
    """The manifest checker finds no errors in the file."""
    load(FILE)
    review(FILE)


def test_three_replicas():
    """The Deployment keeps three pods running."""
    d = deployment()
    replicas = d.get("spec", "replicas")
    if replicas is None:
        fail(
            f"{d.where('spec')}: spec.replicas is missing, and the default is 1: a single pod, "
            "so the API is down during every restart and whenever its node fails"
        )
    if replicas != 3:
        fail(f"{d.where('spec', 'replicas')}: replicas is {replicas!r}; the API needs 3 copies")


def selects(selector, labels) -> bool:
    """matchLabels and matchExpressions both hold for the template's labels."""
    from grading.cluster.selectors import label_selector_matches

    return label_selector_matches(selector, labels, empty_matches=False)


def test_selector_matches_the_template():
    """spec.selector.matchLabels asks for app: orders-api, the label the pods carry."""
    d = deployment()
    selector = d.get("spec", "selector", "matchLabels")
    labels = d.pod_labels()
    if labels.get("app") != "orders-api":
        fail(
            f"{d.where('spec', 'template', 'metadata')}: the pod template must label its pods "
            f"app: orders-api (it has {manifests.describe_labels(labels)}); Services and the "
            "Deployment itself find the pods by that label"
        )
    if not selects(d.get("spec", "selector"), labels):
        fail(
            f"{d.where('spec', 'selector')}: spec.selector "
            f"({manifests.describe_labels(selector or {})}) does not match the pod template's "
            f"labels ({manifests.describe_labels(labels)}); the API server rejects the "
            "Deployment, since it could never count its own pods"
        )


def test_resources_are_requested():
    """The container requests 100m CPU and 128Mi memory, with a 256Mi memory limit."""
    d = deployment()
    c = container(d)
    path = ("spec", "template", "spec", "containers", 0, "resources")
    wanted = {("requests", "cpu"): "100m", ("requests", "memory"): "128Mi",
              ("limits", "memory"): "256Mi"}
    for (section, resource), value in wanted.items():
        written = d.get(*path, section, resource)
        if written is None:
            fail(
                f"{d.where(*path, section) if c.get('resources') else d.where(*path[:-1])}: "
                f"resources.{section}.{resource} is missing. Without requests the scheduler packs "
                "pods blindly; without a memory limit one leaking pod can starve the node"
            )
        have, want = k8s_cluster.quantity(written), k8s_cluster.quantity(value)
        if have != want:
            fail(
                f"{d.where(*path, section, resource)}: resources.{section}.{resource} is "
                f"{written}: {misfit(section, resource, have, want)}"
                + (" ('m' is milli: thousandths of a byte, not megabytes)"
                   if str(written).endswith("m") and resource == "memory" else "")
            )


def misfit(section: str, resource: str, have, want) -> str:
    """What a request or limit other than the prompt's figure does (without giving it)."""
    more = have is not None and want is not None and have > want
    if section == "requests":
        if more:
            return (f"more {resource} than the API uses, the figure the prompt gives; the "
                    "scheduler reserves it all, so fewer pods fit on each node")
        return (f"less {resource} than the API uses, the figure the prompt gives; the scheduler "
                "packs too many pods on a node and they starve each other")
    if more:
        return ("above the limit the prompt gives: a leaking pod takes that much memory from its "
                "neighbours before the kernel kills it")
    return ("below the limit the prompt gives: the kernel kills the container (OOMKilled) "
            "before it reaches the memory it needs")


def test_readiness_probe():
    """A readinessProbe GETs /ready on the http port."""
    d = deployment()
    c = container(d)
    path = ("spec", "template", "spec", "containers", 0)
    probe = c.get("readinessProbe")
    if probe is None:
        extra = (
            " A livenessProbe restarts a container that fails it; it does not take the pod "
            "out of the Service. Only a readinessProbe decides whether a pod gets traffic"
            if c.get("livenessProbe") is not None else ""
        )
        fail(
            f"{d.where(*path)}: container '{c.get('name')}' has no readinessProbe, so the "
            "Service sends requests to a pod as soon as the process starts, before it has "
            f"reached its database.{extra}"
        )
    get = probe.get("httpGet") if hasattr(probe, "get") else None
    if not get or get.get("path") != "/ready":
        fail(
            f"{d.where(*path, 'readinessProbe')}: the readinessProbe should be httpGet with "
            "path: /ready, the endpoint that answers 200 once the API can serve"
        )
    if get.get("port") not in ("http", 8000):
        fail(
            f"{d.where(*path, 'readinessProbe', 'httpGet')}: the probe's port is "
            f"{get.get('port')!r}, where the API does not listen: the probe never gets an "
            "answer, so no pod ever becomes ready and the Service sends them no traffic"
        )


def test_the_cluster_runs_three_ready_pods():
    """Applied, the Deployment runs three pods labelled app: orders-api, listening on http/8000."""
    c = k8s.load(["deployment.yaml"])
    k8s.accepted(c, "deployment.yaml")
    pods = [p for p in c.pods() if p.labels.get("app") == "orders-api"]
    if len(pods) != 3:
        paused = next((d for d in c.objects("Deployment") if d.get("spec", "paused") is True),
                      None)
        why = (
            f" ({paused.where('spec', 'paused')}: a Deployment created paused is never rolled "
            "out, so its ReplicaSet and its pods are never created)" if paused is not None
            else ""
        )
        fail(
            f"the cluster would run {len(pods)} pod(s) labelled app: orders-api, not 3: a "
            f"Service selecting app: orders-api would not find three copies{why}"
        )
    port = pods[0].port_named("http")
    if port is None or port.number != 8000:
        fail(
            "the pods have no container port named http on 8000, so a Service with "
            "targetPort: http finds no endpoint and the probe on port http has nothing to ask"
        )
