"""Checks the HAProxy Ingress for auth.example.com and its rate-limit annotations."""

from __future__ import annotations

from typing import NoReturn

import pytest
from grading import manifests
from grading import submission

FILE = "ingress.yaml"
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
                f"the annotation {key} is missing (want \"{value}\")"
            )
        written = annotations[key]
        if not isinstance(written, str):
            fail(
                f"{r.where('metadata', 'annotations', key)}: {key}: {written} is read as a "
                "number, but annotation values are strings; the API server rejects the Ingress. "
                f"Quote it: \"{written}\""
            )
        if written != value:
            fail(f"{r.where('metadata', 'annotations', key)}: {key} is {written!r}, want {value!r}")
