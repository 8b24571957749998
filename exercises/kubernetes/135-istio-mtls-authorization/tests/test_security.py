"""Checks Istio's PeerAuthentication and AuthorizationPolicy by which calls get through."""

from __future__ import annotations

from grading import traces
from grading.cluster import istio_security as istio
from grading.cluster import testing as k8s

FILE = "security.yaml"
APPS = "apps.yaml"


def cluster(strict: bool = False):
    """The model with the shop's workloads and the learner's security objects."""
    return k8s.load([APPS, FILE], learner=[FILE], strict=strict)


def call(c, source: str, target: str, method: str = "GET", path: str = "/"):
    """One pod-to-pod request on port 8080."""
    src = k8s.pod_of(c, source)
    dst = k8s.pod_of(c, target)
    return istio.call(c, src, dst, 8080, method, path)


def describe(source: str, target: str, method: str, path: str) -> str:
    """The request in words."""
    return f"{method} {path} from {source} to {target}"


def must_pass(c, source: str, target: str, method: str, path: str, why: str) -> None:
    """Fail (with the request's hops) when this call is refused."""
    verdict = call(c, source, target, method, path)
    if not verdict.allowed:
        where = f"{verdict.where}: " if verdict.where else ""
        traces.fail(f"{where}{describe(source, target, method, path)} is refused "
                    f"({verdict.reason}); {why}", verdict.trace.panel())


def must_fail(c, source: str, target: str, method: str, path: str, why: str) -> None:
    """Fail (with the request's hops) when this call gets through."""
    verdict = call(c, source, target, method, path)
    if verdict.allowed:
        where = f"{verdict.where}: " if verdict.where else f"{FILE}: "
        traces.fail(f"{where}{describe(source, target, method, path)} gets through: {why}",
                    verdict.trace.panel(f"let in: {why}"))


def test_the_api_server_accepts_the_objects():
    """kubectl apply accepts every object in security.yaml."""
    k8s.accepted(cluster(strict=True), FILE)


def test_plaintext_callers_are_refused_everywhere_in_shop():
    """The nightly report (no sidecar) cannot open a plaintext connection to any shop workload."""
    c = cluster()
    for target in ("payments", "orders", "frontend"):
        must_fail(c, "nightly-report", target, "GET", "/",
                  f"the {target} sidecar still accepts plaintext, so traffic to it can be read "
                  "and forged on the network, and the caller has no identity")


def test_the_frontend_can_charge():
    """The frontend's POST /charge reaches payments."""
    c = cluster()
    must_pass(c, "frontend", "payments", "POST", "/charge", "checkout is broken")


def test_only_the_frontend_reaches_payments():
    """orders (same namespace, with a sidecar) gets 403 from payments."""
    c = cluster()
    must_fail(c, "orders", "payments", "POST", "/charge",
              "any workload in the namespace can charge cards, not only the frontend")


def test_the_frontend_can_only_charge():
    """The frontend's GET /charge, GET /admin and POST /refund on payments get 403."""
    c = cluster()
    for method, path in (("GET", "/charge"), ("PUT", "/charge"), ("GET", "/admin"),
                         ("POST", "/refund")):
        must_fail(c, "frontend", "payments", method, path,
                  "the frontend may only POST /charge; a compromised frontend could use "
                  "every other endpoint of payments")


def test_the_rest_of_the_shop_keeps_working():
    """The frontend still reaches orders (no policy locks orders down)."""
    c = cluster()
    must_pass(c, "frontend", "orders", "GET", "/orders/7",
              "the rule meant for payments also locks the rest of the shop")
