"""Checks the ingress-nginx Ingresses for shop.example.com: class, paths and the /api rewrite."""

from __future__ import annotations

import re
from typing import NoReturn

import pytest
from grading import manifests
from grading import submission
from grading.cluster import testing as k8s

FILE = "ingress.yaml"
HOST = "shop.example.com"
REWRITE = "nginx.ingress.kubernetes.io/rewrite-target"
REGEX_CHARS = set("()$*+?[]|^\\")


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


def ingresses(strict: bool = False) -> list[manifests.Resource]:
    """The learner's Ingresses."""
    return manifests.find(load(FILE, strict), "Ingress")


def route_to(service: str) -> tuple[manifests.Resource, tuple, dict]:
    """(Ingress, path in the document, path entry) of the first path sending to `service`."""
    for ingress in ingresses():
        for path, entry in manifests.ingress_paths(ingress):
            if entry.get("backend", {}).get("service", {}).get("name") == service:
                return ingress, path, entry
    pytest.skip(f"no path sends to {service} yet (see the first check)")


def rewrite_of(ingress: manifests.Resource) -> str | None:
    """The rewrite-target annotation of an Ingress, if any."""
    value = ingress.get("metadata", "annotations", REWRITE)
    return None if value is None else str(value)


def rewritten(path: str, target: str, request: str) -> str | None:
    """What ingress-nginx sends upstream for `request` (None when the path does not match)."""
    try:
        match = re.match(path, request, re.IGNORECASE)
    except re.error:
        return None
    if not match:
        return None
    groups = (match.group(0), *match.groups())
    return re.sub(r"\$(\d)", lambda m: (groups[int(m.group(1))] or "")
                  if int(m.group(1)) < len(groups) else "", target)


def test_file_holds_ingresses_for_both_services():
    """ingress.yaml holds networking.k8s.io/v1 Ingresses routing to storefront and catalog-api."""
    found = ingresses(strict=True)
    if not found:
        fail(f"{FILE} has no Ingress yet")
    for ingress in found:
        if ingress.api_version != "networking.k8s.io/v1":
            fail(f"{ingress.where('apiVersion')}: an Ingress is networking.k8s.io/v1")
    backends = {
        entry.get("backend", {}).get("service", {}).get("name")
        for ingress in found for _, entry in manifests.ingress_paths(ingress)
        if isinstance(entry.get("backend"), dict)
    }
    for service in ("storefront", "catalog-api"):
        if service not in backends:
            fail(
                f"{FILE}: no path sends traffic to the Service {service} yet (backends found: "
                f"{', '.join(sorted(str(b) for b in backends if b)) or 'none'})"
            )


def test_served_by_ingress_nginx():
    """Every Ingress names ingress-nginx with ingressClassName: nginx."""
    resources = load(FILE)
    findings = manifests.check_ingress_class(resources, "nginx")
    if findings:
        fail(str(findings[0]))


def test_manifest_checker_finds_no_errors():
    """The manifest checker finds no errors: pathTypes, Service names and ports resolve."""
    load(FILE)
    review("services.yaml", FILE)


def test_storefront_paths_pass_unchanged():
    """The storefront gets / as a Prefix path, with no rewrite."""
    ingress, path, entry = route_to("storefront")
    if entry.get("path") != "/" or entry.get("pathType") != "Prefix":
        fail(
            f"{ingress.where(*path)}: the storefront path should be path: / with pathType: "
            f"Prefix, which matches / and everything below it (got path {entry.get('path')!r}, "
            f"pathType {entry.get('pathType')!r})"
        )
    target = rewrite_of(ingress)
    if target is not None:
        fail(
            f"{ingress.where('metadata', 'annotations', REWRITE)}: {ingress.title()} carries "
            f"rewrite-target: {target}, and an ingress-nginx annotation applies to every path "
            "of the Ingress that carries it, so the storefront's /products/42 would be "
            "rewritten too and the storefront answers 404 for its own pages"
        )


def test_api_requests_lose_the_api_prefix():
    """GET /api/items/7 reaches catalog-api as /items/7 (rewrite-target with a capture group)."""
    ingress, path, entry = route_to("catalog-api")
    value = str(entry.get("path", ""))
    target = rewrite_of(ingress)
    if target is None:
        fail(
            f"{ingress.where('metadata')}: {ingress.title()} has no {REWRITE} annotation, so "
            "the API receives /api/items/7, a path it does not know (404)"
        )
    if REGEX_CHARS & set(value) and entry.get("pathType") != "ImplementationSpecific":
        fail(
            f"{ingress.where(*path, 'pathType')}: path {value} is a regular expression, but "
            f"pathType {entry.get('pathType')} promises a plain path prefix; current "
            "ingress-nginx releases reject regex characters in Prefix and Exact paths, so the "
            "Ingress is refused and the API gets no route"
        )
    result = rewritten(value, target, "/api/items/7")
    if result == "/items/7":
        return
    if result is None:
        fail(
            f"{ingress.where(*path, 'path')}: path {value} does not match /api/items/7 as "
            "ingress-nginx reads it (a regular expression from the start of the path)"
        )
    if "$" not in target:
        fail(
            f"{ingress.where('metadata', 'annotations', REWRITE)}: rewrite-target: {target} "
            f"replaces the whole path, so GET /api/items/7 arrives as {result}: it loses the "
            "rest of the path, and the API answers 404 for every item"
        )
    fail(
        f"{ingress.where('metadata', 'annotations', REWRITE)}: with path {value} and "
        f"rewrite-target {target}, GET /api/items/7 arrives as {result}, not /items/7. $1, $2 "
        "are the path's capture groups, counted from the left"
    )


RUNNING = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: storefront}
spec:
  replicas: 2
  selector: {matchLabels: {app: storefront}}
  template:
    metadata: {labels: {app: storefront}}
    spec:
      containers: [{name: web, image: ghcr.io/example/storefront:3, ports: [{containerPort: 3000}]}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: catalog-api}
spec:
  replicas: 2
  selector: {matchLabels: {app: catalog-api}}
  template:
    metadata: {labels: {app: catalog-api}}
    spec:
      containers: [{name: api, image: ghcr.io/example/catalog:7, ports: [{containerPort: 8080}]}]
"""


def test_requests_arrive_where_they_belong():
    """Through ingress-nginx: /api/... reaches catalog-api without /api; the rest, unchanged."""
    c = k8s.load(["services.yaml", FILE], learner=[FILE], extra=RUNNING)
    k8s.accepted(c, FILE)
    expected = [
        ("/api/items/7", "catalog-api", 8080, "/items/7"),
        ("/api/items", "catalog-api", 8080, "/items"),
        ("/products/42", "storefront", 3000, "/products/42"),
        ("/", "storefront", 3000, "/"),
        ("/apidocs/intro", "storefront", 3000, "/apidocs/intro"),
    ]
    for path, workload, port, arrives in expected:
        k8s.reaches(c, f"https://{HOST}{path}", workload, port=port, path=arrives, via="nginx")
