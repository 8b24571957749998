"""Checks the HelmChartConfig through what K3s's Traefik would then do with requests."""

from __future__ import annotations

import pytest
from grading import traces
from grading.cluster import testing as k8s
from grading.cluster.helmchart import PackagedTraefik

FILE = "traefik-config.yaml"
APP = "app.yaml"
DASHBOARD = "https://traefik.example.com/dashboard/"
# The dashboard page fetches everything it shows from Traefik's API under /api on its own host
# (https://doc.traefik.io/traefik/operations/dashboard/: the rule "must match the path prefixes
# /api and /dashboard").
DASHBOARD_API = "https://traefik.example.com/api/overview"


def traefik(strict: bool = False) -> PackagedTraefik:
    """K3s's Traefik with the learner's HelmChartConfig applied to the cluster model."""
    c = k8s.load([APP, FILE], learner=[FILE], strict=strict)
    return PackagedTraefik(c)


def applied(strict: bool = False) -> PackagedTraefik:
    """The Traefik model; when K3s would not apply the values at all, the first check fails
    and says why, the others skip."""
    t = traefik(strict=strict)
    why = ""
    if t.config is None:
        why = t.ignored[0][1] if t.ignored else f"{FILE} has no HelmChartConfig for K3s's Traefik"
    elif t.failure:
        why = f"{t.failure_where}: {t.failure}"
    if why and strict:
        raise AssertionError(why)
    if why:
        pytest.skip("K3s does not apply these values (see the first check)")
    return t


def fail(message: str, trace) -> None:
    """Fail with the message and the request's row; the panel gets the trace."""
    traces.fail(f"{message}. {trace.row()}", trace.panel())


def test_k3s_applies_the_values():
    """kubectl accepts the file and K3s merges the values into its Traefik chart."""
    t = traefik(strict=True)
    k8s.accepted(t.cluster, FILE)
    applied(strict=True)
    # kubectl apply of two objects with one name keeps the last: the first one's values are lost.
    for earlier in t.cluster.replaced:
        if earlier.kind == "HelmChartConfig" and earlier.name == t.config.name and \
                earlier.namespace == t.config.namespace and \
                earlier.get("spec", "valuesContent") != t.config.get("spec", "valuesContent"):
            raise AssertionError(
                f"{t.config.where('metadata')}: this HelmChartConfig has the same name as the one "
                f"at {earlier.where('metadata')}; kubectl apply replaces that one with this one, "
                "so K3s never sees the values written there")


def test_the_access_logs_stay_on():
    """The starter's access logs are still written once the values are merged."""
    t = applied()
    if not t.access_logs():
        raise AssertionError(
            f"{t.config.where('spec', 'valuesContent')}: these values no longer turn on "
            "Traefik's access logs that the starter wrote; K3s replaces the chart's values with "
            "this valuesContent, so Traefik stops logging requests and nobody can trace who "
            "called what")


def test_plain_http_is_redirected_to_https():
    """http://shop.example.com/cart answers with a redirect to https://shop.example.com/cart."""
    t = applied()
    trace = t.request("http://shop.example.com/cart")
    location = trace.notes.get("redirect")
    if location is None:
        fail("http://shop.example.com/cart is served over plain HTTP: passwords and cookies "
             "cross the network readable, and nothing sends the visitor to HTTPS", trace)
    if location != "https://shop.example.com/cart":
        fail(f"http://shop.example.com/cart is redirected to {location}, where no browser "
             "finds the shop over HTTPS", trace)


def test_https_reaches_the_shop():
    """https://shop.example.com/ and its /api reach the shop pods."""
    t = applied()
    for url in ("https://shop.example.com/", "https://shop.example.com/api/items/7"):
        trace = t.request(url)
        if trace.notes.get("dashboard") or trace.status == 401:
            fail(f"{url} is answered by Traefik's dashboard, not by the shop: its rule takes "
                 "that path on every host, so the shop's API is gone", trace)
        if trace.notes.get("redirect"):
            fail(f"{url} is redirected again: HTTPS requests loop and never reach the shop",
                 trace)
        if not trace.ok or k8s.owner_name(trace.pod) != "shop":
            fail(f"{url} should reach the shop pods", trace)


def test_the_dashboard_answers_on_its_host():
    """https://traefik.example.com/dashboard/ and its /api data show the dashboard (with a
    password)."""
    t = applied()
    trace = t.request(DASHBOARD, credentials=True)
    if trace.notes.get("dashboard"):
        data = t.request(DASHBOARD_API, credentials=True)
        if not data.notes.get("dashboard"):
            fail(f"{DASHBOARD} loads, but {DASHBOARD_API}, where the page fetches its routers "
                 "and services, is not answered by the dashboard; the dashboard shows an empty "
                 "page with errors", data)
        return
    board = t.dashboard()
    if board is not None and "websecure" not in board["entryPoints"]:
        fail(f"{DASHBOARD} finds no dashboard: it listens only on the entry points "
             f"{', '.join(board['entryPoints'])}, which Traefik's LoadBalancer Service does "
             "not expose, so it is unreachable from outside", trace)
    fail(f"{DASHBOARD} should show Traefik's dashboard", trace)


def test_the_dashboard_asks_for_a_password():
    """Without a password, the dashboard answers 401."""
    t = applied()
    trace = t.request(DASHBOARD, credentials=False)
    if trace.notes.get("dashboard"):
        fail(f"{DASHBOARD} shows the dashboard to anyone: every router, service and "
             "middleware of the cluster is visible without a password", trace)
