"""Checks the HAProxy Ingress for auth.example.com and its rate-limit annotations."""

from __future__ import annotations

from typing import NoReturn

import pytest
from grading import manifests
from grading import submission
from grading.cluster import testing as k8s

FILE = "ingress.yaml"
# What HAProxy does when an annotation is left out (haproxytech kubernetes-ingress annotations).
MISSING = {
    "haproxy.org/rate-limit-requests": "HAProxy counts nothing and limits nothing, so the bots "
    "keep hammering the login",
    "haproxy.org/rate-limit-period": "the limit then rests on HAProxy's default period, which "
    "nobody reading the Ingress sees, and the prompt asks for the period to be written",
    "haproxy.org/rate-limit-status-code": "HAProxy answers refused requests with its default "
    "403 Forbidden, which clients read as a permission error, not as 'slow down'",
}
WANTED = {
    "haproxy.org/rate-limit-requests": "10",
    "haproxy.org/rate-limit-period": "1s",
    "haproxy.org/rate-limit-status-code": "429",
}


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


def ingress(strict: bool = False) -> manifests.Resource:
    """The learner's Ingress."""
    found = manifests.find(load(FILE, strict), "Ingress")
    if not found:
        if strict:
            fail(f"{FILE} has no Ingress yet")
        pytest.skip("no Ingress yet (see the first check)")
    return found[0]


def test_file_holds_the_ingress():
    """ingress.yaml holds an Ingress (networking.k8s.io/v1) named auth."""
    r = ingress(strict=True)
    if r.api_version != "networking.k8s.io/v1":
        fail(f"{r.where('apiVersion')}: an Ingress is networking.k8s.io/v1")
    if r.name != "auth":
        fail(f"{r.where('metadata', 'name')}: name the Ingress auth, not '{r.name}'")


def test_served_by_haproxy():
    """The Ingress names the HAProxy controller with ingressClassName: haproxy."""
    findings = manifests.check_ingress_class(load(FILE), "haproxy")
    if findings:
        fail(str(findings[0]))


def test_manifest_checker_finds_no_errors():
    """The manifest checker finds no errors: backend, port and annotation values."""
    load(FILE)
    review("service.yaml", FILE)


def test_annotations_are_for_haproxy():
    """Every controller annotation is one HAProxy reads (haproxy.org/...)."""
    r = ingress()
    for key in r.get("metadata", "annotations", default={}):
        if str(key).startswith("nginx.ingress.kubernetes.io/"):
            fail(
                f"{r.where('metadata', 'annotations', key)}: {key} is read only by "
                "ingress-nginx; this Ingress is served by HAProxy, which ignores it, so no "
                "request is ever limited. HAProxy's rate limit is haproxy.org/rate-limit-requests"
            )


def test_rate_limit_is_ten_per_second():
    """The rate-limit annotations allow 10 requests per 1s per client and answer 429."""
    r = ingress()
    annotations = r.get("metadata", "annotations", default={})
    for key, value in WANTED.items():
        if key not in annotations:
            fail(
                f"{r.where('metadata', 'annotations') if annotations else r.where('metadata')}: "
                f"the annotation {key} is missing: {MISSING[key]}"
            )
        written = annotations[key]
        if not isinstance(written, str):
            fail(
                f"{r.where('metadata', 'annotations', key)}: {key}: {written} is read as a "
                "number, but annotation values are strings; the API server rejects the Ingress. "
                "The limit never takes effect"
            )
        if same_value(key, written) != same_value(key, value):
            fail(
                f"{r.where('metadata', 'annotations', key)}: {key} is {written!r}, so the auth "
                "service is not limited to 10 requests per second answered with 429"
            )


def same_value(key: str, value: str) -> object:
    """A period as milliseconds (1s == 1000ms), other values as written."""
    if key.endswith("period"):
        units = {"ms": 1, "s": 1000, "m": 60000}
        for unit in ("ms", "s", "m"):
            if value.endswith(unit) and value[: -len(unit)].isdigit():
                return int(value[: -len(unit)]) * units[unit]
    return value


AUTH_PODS = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: auth}
spec:
  replicas: 2
  selector: {matchLabels: {app: auth}}
  template:
    metadata: {labels: {app: auth}}
    spec:
      containers: [{name: auth, image: ghcr.io/example/auth:1, ports: [{containerPort: 9000}]}]
"""


def test_haproxy_limits_then_forwards():
    """Through HAProxy, auth.example.com is limited to 10 requests per second, then 429."""
    c = k8s.load(["service.yaml", "ingress.yaml"], learner=["ingress.yaml"], extra=AUTH_PODS)
    k8s.accepted(c, "ingress.yaml")
    for path in ("/", "/login", "/oauth/token"):
        trace = k8s.reaches(c, f"https://auth.example.com{path}", "auth", port=9000,
                            via="haproxy")
        limit = trace.notes.get("rate_limit")
        if not limit or limit.get("requests") != 10 or str(limit.get("period")) not in (
            "1s", "1000ms"
        ) or limit.get("status") != 429:
            fail(
                f"https://auth.example.com{path} reaches the auth pods with the limit {limit}: "
                "a client can try passwords faster than 10 per second or is refused with the "
                f"wrong status. {trace.row()}"
            )
