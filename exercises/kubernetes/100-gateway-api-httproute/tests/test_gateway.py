"""Checks the Gateway and HTTPRoute that publish shop.example.com through Envoy Gateway."""

from __future__ import annotations

from typing import NoReturn

import pytest
from grading import manifests
from grading import submission
from grading.cluster import testing as k8s

FILE = "gateway.yaml"
GROUP = "gateway.networking.k8s.io/v1"


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


def one(kind: str) -> manifests.Resource:
    """The learner's resource of this kind (skips when missing)."""
    found = manifests.find(load(FILE), kind)
    if not found:
        pytest.skip(f"no {kind} yet (see the first check)")
    return found[0]


def test_file_holds_a_gateway_and_a_route():
    """gateway.yaml holds a Gateway and an HTTPRoute (gateway.networking.k8s.io/v1)."""
    resources = load(FILE, strict=True)
    for kind in ("Gateway", "HTTPRoute"):
        found = manifests.find(resources, kind)
        if not found:
            fail(f"{FILE} has no {kind} yet")
        if found[0].api_version != GROUP:
            fail(
                f"{found[0].where('apiVersion')}: write apiVersion: {GROUP}; the Gateway and "
                "HTTPRoute are GA (v1) since Gateway API 1.0"
            )


def test_manifest_checker_finds_no_errors():
    """The manifest checker finds no errors: parent Gateway, path type, backend Service and port."""
    load(FILE)
    review("service.yaml", FILE)


def test_gateway_listens_for_http():
    """Gateway edge uses class eg and has a listener http (HTTP, port 80)."""
    g = one("Gateway")
    if g.name != "edge" or g.get("spec", "gatewayClassName") != "eg":
        fail(
            f"{g.where('metadata', 'name')}: the Gateway should be named edge with "
            f"gatewayClassName: eg (Envoy Gateway's class); got '{g.name}' with class "
            f"{g.get('spec', 'gatewayClassName')!r}"
        )
    listeners = g.get("spec", "listeners", default=[])
    ok = any(
        hasattr(item, "get") and item.get("protocol") == "HTTP" and item.get("port") == 80
        for item in listeners
    )
    if not ok:
        fail(
            f"{g.where('spec', 'listeners')}: no listener accepts HTTP on port 80; add "
            "{name: http, protocol: HTTP, port: 80}"
        )


def test_route_attaches_and_reaches_the_service():
    """HTTPRoute shop attaches to edge, answers shop.example.com and sends / to shop:80."""
    r = one("HTTPRoute")
    parents = [p.get("name") for p in r.get("spec", "parentRefs", default=[]) if hasattr(p, "get")]
    if "edge" not in parents:
        fail(
            f"{r.where('spec', 'parentRefs') if parents else r.where('spec')}: the route's "
            f"parentRefs name {', '.join(map(str, parents)) or 'nothing'}, not the Gateway "
            "edge; a route attaches to a Gateway (which names the class), so this one routes "
            "nothing"
        )
    if "shop.example.com" not in [str(h) for h in r.get("spec", "hostnames", default=[])]:
        fail(f"{r.where('spec')}: the route's hostnames do not include shop.example.com, so "
             "the route is not tied to the shop's host as the prompt asks: it answers for "
             "whatever hosts its listener takes")
    backends = [
        b for rule in r.get("spec", "rules", default=[]) if hasattr(rule, "get")
        for b in rule.get("backendRefs") or [] if hasattr(b, "get")
    ]
    if not any(b.get("name") == "shop" and b.get("port") == 80 for b in backends):
        fail(
            f"{r.where('spec', 'rules')}: no backendRef sends to Service shop on port 80 (the "
            "Service's port; the Service forwards to the pods' 8080)"
        )


SHOP_PODS = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: shop}}
  template:
    metadata: {labels: {app: shop}}
    spec:
      containers: [{name: web, image: ghcr.io/example/shop:1, ports: [{containerPort: 8080}]}]
"""


def test_requests_reach_the_shop_through_the_gateway():
    """http://shop.example.com/... reaches the shop pods through the Gateway; other hosts do not."""
    c = k8s.load(["service.yaml", "gateway.yaml"], learner=["gateway.yaml"], extra=SHOP_PODS)
    k8s.accepted(c, "gateway.yaml")
    for path in ("/", "/cart", "/products/42"):
        k8s.reaches(c, f"http://shop.example.com{path}", "shop", port=8080, path=path,
                    via="gateway")
    k8s.refused(c, "http://intranet.example.org/", "shop",
                "the route answers for every host that reaches the Gateway", via="gateway")
