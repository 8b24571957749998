"""Checks the blog's IngressRoute, Middleware and the HelmChartConfig for K3s's Traefik."""

from __future__ import annotations

from typing import NoReturn

import pytest
from grading import manifests
from grading import submission
from grading.cluster import testing as k8s

ROUTES = "ingressroute.yaml"
CONFIG = "helmchartconfig.yaml"
HOST = "blog.example.com"


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


def route() -> manifests.Resource:
    """The learner's IngressRoute."""
    found = manifests.find(load(ROUTES), "IngressRoute")
    if not found:
        pytest.skip("no IngressRoute yet (see the first check)")
    return found[0]


def test_files_hold_the_resources():
    """The files hold a Middleware, an IngressRoute and a HelmChartConfig."""
    resources = load(ROUTES, strict=True)
    for kind in ("Middleware", "IngressRoute"):
        found = manifests.find(resources, kind)
        if not found:
            fail(f"{ROUTES} has no {kind} yet")
        if found[0].api_version == "traefik.containo.us/v1alpha1":
            fail(
                f"{found[0].where('apiVersion')}: traefik.containo.us is Traefik v2's API group; "
                "the Traefik v3 that current K3s ships only reads traefik.io, so this "
                f"{kind} is ignored and the blog gets no route"
            )
        if found[0].api_version != "traefik.io/v1alpha1":
            fail(f"{found[0].where('apiVersion')}: a Traefik {kind} is traefik.io/v1alpha1")
    configs = manifests.find(load(CONFIG, strict=True), "HelmChartConfig")
    if not configs:
        fail(f"{CONFIG} has no HelmChartConfig yet")
    if configs[0].api_version != "helm.cattle.io/v1":
        fail(f"{configs[0].where('apiVersion')}: a HelmChartConfig is helm.cattle.io/v1")


def test_manifest_checker_finds_no_errors():
    """The manifest checker finds no errors: rule, middleware, Service, port, resolver."""
    load(ROUTES)
    load(CONFIG)
    review("service.yaml", ROUTES, CONFIG)


def test_route_listens_on_websecure():
    """The IngressRoute listens on the entry point websecure (443) and matches the blog's host."""
    r = route()
    points = r.get("spec", "entryPoints", default=[])
    if points != ["websecure"]:
        fail(
            f"{r.where('spec', 'entryPoints')}: entryPoints is {list(points)}; K3s's Traefik "
            "takes HTTP on the entry point web (80) and HTTPS on websecure (443). A name it "
            "does not define means the route listens nowhere; web alone serves the blog "
            "unencrypted"
        )
    match = r.get("spec", "routes", 0, "match")
    if f"`{HOST}`" not in str(match or "") and f'"{HOST}"' not in str(match or ""):
        fail(
            f"{r.where('spec', 'routes', 0)}: the route's rule {match!r} does not name the "
            "blog's host; Traefik compares the rule with the request's Host header, so "
            "blog.example.com does not reach this route"
        )


def test_route_uses_the_headers_middleware():
    """The route uses the Middleware security-headers, which sets HSTS for a year."""
    r = route()
    middlewares = manifests.find(load(ROUTES), "Middleware")
    used = [m.get("name") for m in r.get("spec", "routes", 0, "middlewares", default=[])
            if hasattr(m, "get")]
    if "security-headers" not in used:
        fail(
            f"{r.where('spec', 'routes', 0)}: the route does not list the middleware "
            "security-headers, so defining it has no effect: a Middleware only acts on routes "
            "that name it, and these responses go out without the security headers"
        )
    m = next((m for m in middlewares if m.name == "security-headers"), None)
    if m is None or m.get("spec", "headers", "stsSeconds") != 31536000:
        where = m.where("spec") if m else f"{ROUTES}"
        fail(
            f"{where}: the Middleware security-headers does not set HSTS for the year the "
            "prompt asks (its headers' stsSeconds): browsers forget to insist on HTTPS too "
            "soon, or never learn to"
        )


def test_certificate_comes_from_the_le_resolver():
    """tls.certResolver is le, and the HelmChartConfig for traefik in kube-system declares it."""
    r = route()
    resolver = r.get("spec", "tls", "certResolver")
    if resolver is None:
        fail(
            f"{r.where('spec')}: the IngressRoute has no tls.certResolver, so Traefik serves "
            "its self-signed default certificate on websecure, and every browser warns "
            "visitors away from the blog"
        )
    configs = manifests.find(load(CONFIG), "HelmChartConfig")
    if not configs:
        pytest.skip("no HelmChartConfig yet (see the first check)")
    config = configs[0]
    if config.name != "traefik" or config.namespace != "kube-system":
        fail(
            f"{config.where('metadata')}: the HelmChartConfig is '{config.name}' in "
            f"'{config.namespace or 'default'}'; K3s merges it only into the HelmChart of the "
            "same name and namespace, and the bundled chart is traefik, whose charts live in "
            "kube-system; this one changes nothing, so the resolver is never declared"
        )
    declared = manifests.traefik_cert_resolvers(manifests.Cluster(configs)) or set()
    if str(resolver) not in declared:
        fail(
            f"{r.where('spec', 'tls', 'certResolver')}: certResolver '{resolver}' is not "
            f"configured in the Traefik HelmChartConfig (it declares "
            f"{', '.join(sorted(declared)) or 'none'}); Traefik then serves its self-signed "
            "certificate"
        )
    values, _ = manifests.helm_values(config)
    if not (values or {}).get("persistence", {}).get("enabled"):
        fail(
            f"{config.where('spec', 'valuesContent')}: persistence.enabled is not true, so "
            "acme.json lives in the pod and every restart asks Let's Encrypt again, until its "
            "rate limit refuses"
        )


BLOG_PODS = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: blog}
spec:
  replicas: 2
  selector: {matchLabels: {app: blog}}
  template:
    metadata: {labels: {app: blog}}
    spec:
      containers: [{name: ghost, image: ghost:5, ports: [{name: http, containerPort: 2368}]}]
"""


def test_https_requests_reach_the_blog_with_hsts():
    """https://blog.example.com/... reaches the blog pods, with the HSTS header."""
    c = k8s.load(["service.yaml", "ingressroute.yaml"], learner=["ingressroute.yaml"],
                 extra=BLOG_PODS)
    k8s.accepted(c, "ingressroute.yaml")
    for path in ("/", "/welcome/", "/ghost/api/content/posts/"):
        trace = k8s.reaches(c, f"https://blog.example.com{path}", "blog", port=2368, path=path)
        headers = trace.notes.get("headers") or {}
        if headers.get("stsSeconds") != 31536000:
            fail(
                f"https://blog.example.com{path} reaches the blog without a one-year "
                f"Strict-Transport-Security header (stsSeconds {headers.get('stsSeconds')!r}): "
                f"browsers may fall back to plain HTTP. {trace.row()}"
            )
        if trace.notes.get("certificate") != "resolver le":
            fail(
                f"https://blog.example.com{path} is answered with "
                f"{trace.notes.get('certificate')}, not a certificate from the resolver le: "
                f"browsers warn. {trace.row()}"
            )
