"""K3s's packaged Traefik as a HelmChartConfig makes it: merged values, entry points, dashboard.

    traefik = helmchart.PackagedTraefik(cluster)      # reads HelmChartConfig kube-system/traefik
    traefik.failure                                     # why the helm-install job fails ("" if not)
    traefik.request("http://shop.example.com/")         # a redirect, the dashboard, or a pod

How K3s does it (https://docs.k3s.io/helm#customizing-packaged-components-with-helmchartconfig,
checked 2026-11-29): the helm controller merges `spec.valuesContent` (a YAML string, then the
structured `spec.values` when given: k3s-io/helm-controller pkg/controllers/chart/chart.go) of the
HelmChartConfig with the same name and namespace as the HelmChart (traefik, kube-system) over the
chart's values and K3s's own, and re-runs the install job. Any other name or namespace is
ignored. The Traefik chart (v34 and later, as bundled here) writes `ports.<name>.redirections`
as the entry point's redirection and fails on the removed `redirectTo`
(https://github.com/traefik/traefik-helm-chart/pull/1301); `additionalArguments` go to Traefik's
command line. The dashboard IngressRoute (`ingressRoute.dashboard`) is off by default, listens on
the `traefik` entry point (port 8080, not exposed by the Service) unless given others, and
answers `PathPrefix(/dashboard) || PathPrefix(/api)` unless given a matchRule. Entry point
redirections take every request of the entry point, before any router
(https://doc.traefik.io/traefik/reference/install-configuration/entrypoints/).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from ..manifests import ManifestError
from ..manifests import Resource
from ..manifests import parse_yaml
from .model import Cluster
from .rules import Request
from .rules import RuleError
from .rules import evaluate
from .rules import parse_rule
from .trace import Trace
from .trace import bounded

DEFAULT_DASHBOARD_RULE = "PathPrefix(`/dashboard`) || PathPrefix(`/api`)"
# Entry points the chart creates, and whether its Service exposes them (K3s's LoadBalancer).
ENTRY_POINTS = {"web": (80, True), "websecure": (443, True), "traefik": (8080, False),
                "metrics": (9100, False)}


def deep_merge(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """Helm's merge of values: mappings merge key by key, anything else is replaced."""
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def lookup(values: Mapping[str, Any], *path: str) -> Any:
    """A nested value, or None."""
    node: Any = values
    for key in path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


class PackagedTraefik:
    """The Traefik K3s deploys, customised by the HelmChartConfigs in the cluster."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.config: Resource | None = None
        self.ignored: list[tuple[Resource, str]] = []
        self.values: dict[str, Any] = {}
        self.failure = ""
        self.failure_where = ""
        for r in cluster.objects("HelmChartConfig"):
            if r.name != "traefik" or (r.namespace or "default") != "kube-system":
                self.ignored.append((r, (
                    f"{r.where('metadata')}: K3s only merges the HelmChartConfig named like its "
                    f"HelmChart (traefik) in kube-system; '{bounded(r.namespace or 'default', 30)}"
                    f"/{bounded(r.name, 40)}' customises nothing")))
                continue
            self.config = r
        if self.config is not None:
            self._read(self.config)

    def _read(self, config: Resource) -> None:
        """valuesContent as the helm controller reads it, merged, and checked as the chart does."""
        content = config.get("spec", "valuesContent")
        structured = config.get("spec", "values")
        where = config.where("spec", "valuesContent") if content is not None else config.where(
            "spec")
        if content is None:
            if isinstance(structured, Mapping):
                self.values = deep_merge({}, structured)
                self._check_chart(config.where("spec", "values"))
            return
        if not isinstance(content, str):
            self.fail(where, "spec.valuesContent is a YAML mapping here, but the field is one "
                             "string of YAML; the API server rejects the object, so nothing "
                             "changes")
            return
        try:
            _, documents, _ = parse_yaml(content, config.source)
        except ManifestError as exc:
            self.fail(where, f"valuesContent is not readable YAML ({bounded(exc, 80)}); the "
                             "helm-install-traefik job fails and Traefik keeps its old values")
            return
        values = documents[0] if documents else {}
        if not isinstance(values, Mapping):
            self.fail(where, "valuesContent must be a mapping of chart values; the "
                             "helm-install-traefik job fails")
            return
        self.values = deep_merge({}, values)
        if isinstance(structured, Mapping):
            # helm-controller (since v0.16.20, 2026) also takes `spec.values` as YAML and
            # hands it to helm after valuesContent, so its keys win.
            self.values = deep_merge(self.values, structured)
        self._check_chart(where)

    def _check_chart(self, where: str) -> None:
        """The chart's own refusals (its templates `fail`), checked on the merged values."""
        for name, port in (lookup(self.values, "ports") or {}).items():
            if isinstance(port, Mapping) and "redirectTo" in port:
                self.fail(where, f"ports.{name}.redirectTo was removed in v34 of the Traefik "
                                 "chart: rendering fails, the helm-install-traefik job fails, "
                                 "and Traefik keeps running without the change")

    def fail(self, where: str, message: str) -> None:
        """The install job fails: the values are not applied."""
        self.failure, self.failure_where, self.values = message, where, {}

    # -- what the values make ------------------------------------------------------------------

    def arguments(self) -> dict[str, str]:
        """additionalArguments as lower-cased option -> value."""
        found = {}
        for arg in lookup(self.values, "additionalArguments") or []:
            text = str(arg).strip()
            if text.startswith("--"):
                key, _, value = text[2:].partition("=")
                found[key.lower()] = value or "true"
        return found

    def redirect(self, entry_point: str) -> tuple[str, str, bool] | None:
        """(target entry point, scheme, permanent) of an entry point's redirection, if any."""
        configured = lookup(self.values, "ports", entry_point, "redirections", "entryPoint")
        if isinstance(configured, Mapping) and configured.get("to"):
            return (str(configured.get("to")), str(configured.get("scheme") or ""),
                    configured.get("permanent", True) is not False)
        args = self.arguments()
        prefix = f"entrypoints.{entry_point}.http.redirections.entrypoint."
        if args.get(prefix + "to"):
            return (args[prefix + "to"], args.get(prefix + "scheme", ""),
                    args.get(prefix + "permanent", "true") != "false")
        return None

    def access_logs(self) -> bool:
        """Whether Traefik writes access logs (chart values or command-line options)."""
        if lookup(self.values, "logs", "access", "enabled") is True:
            return True
        # Traefik's static options: --accesslog, or any --accesslog.<option>, turns them on
        # (https://doc.traefik.io/traefik/observability/access-logs/).
        args = self.arguments()
        if "accesslog" in args:
            return args["accesslog"].lower() == "true"
        return any(key.startswith("accesslog.") for key in args)

    def dashboard(self) -> dict[str, Any] | None:
        """The dashboard IngressRoute's settings, when the chart creates it."""
        settings = lookup(self.values, "ingressRoute", "dashboard")
        if not isinstance(settings, Mapping) or settings.get("enabled") is not True:
            return None
        return {
            "entryPoints": [str(e) for e in settings.get("entryPoints") or ["traefik"]],
            "matchRule": str(settings.get("matchRule") or DEFAULT_DASHBOARD_RULE),
            "middlewares": list(settings.get("middlewares") or []),
        }

    # -- requests ------------------------------------------------------------------------------

    def request(self, url: str, credentials: bool = False) -> Trace:
        """A request from outside to Traefik's LoadBalancer: a redirect, the dashboard (status
        200, or 401 without `credentials` behind basic auth), or the cluster's own routing."""
        parts = urlsplit(url)
        scheme, host, path = parts.scheme or "http", (parts.hostname or "").lower(), (
            parts.path or "/")
        entry = "websecure" if scheme == "https" else "web"
        trace = Trace(url)
        trace.add("Traefik (K3s)", f"entryPoint {entry} (:{ENTRY_POINTS[entry][0]})",
                  self.config.where("metadata") if self.config else "")
        redirect = self.redirect(entry)
        if redirect is not None:
            target, to_scheme, permanent = redirect
            port = ENTRY_POINTS.get(target, (0, False))[0]
            to_scheme = to_scheme or scheme
            default = {"http": 80, "https": 443}.get(to_scheme)
            location = f"{to_scheme}://{host}{'' if port == default else f':{port}'}{path}"
            trace.notes["redirect"] = location
            trace.add(f"redirection {entry} -> {target}", location, self.config.where("spec")
                      if self.config else "")
            return trace.fail(301 if permanent else 302, f"redirected to {location}")
        board = self.dashboard()
        if board is not None:
            answer = self._dashboard(trace, board, entry, host, path, credentials)
            if answer is not None:
                return answer
        inside = self.cluster.request(url)
        trace.hops += [h for h in inside.hops if not h.what.startswith(("Traefik",
                                                                          "entryPoint"))]
        for name in ("status", "stop", "stop_where", "pod", "port", "path", "host", "notes"):
            setattr(trace, name, getattr(inside, name))
        return trace

    def _dashboard(self, trace: Trace, board: Mapping[str, Any], entry: str, host: str,
                   path: str, credentials: bool) -> Trace | None:
        """The dashboard router, if it takes this request."""
        if entry not in board["entryPoints"]:
            return None
        try:
            matched = evaluate(parse_rule(board["matchRule"]), Request(host, path))
        except RuleError:
            return None
        if not matched:
            return None
        trace.add("IngressRoute traefik-dashboard", bounded(board["matchRule"], 60),
                  self.config.where("spec") if self.config else "")
        for mw in board["middlewares"]:
            name = str((mw or {}).get("name")) if isinstance(mw, Mapping) else str(mw)
            namespace = str((mw or {}).get("namespace") or "kube-system") if isinstance(
                mw, Mapping) else "kube-system"
            middleware = self.cluster.get("Middleware", name, namespace)
            if middleware is None:
                return trace.fail(404, f"middleware {namespace}/{bounded(name, 40)} does not "
                                       "exist, so Traefik does not create the dashboard router")
            trace.add(f"Middleware '{middleware.name}'",
                      ", ".join(str(k) for k in middleware.get("spec") or {}))
            if middleware.get("spec", "basicAuth") and not credentials:
                return trace.fail(401, "basic authentication asks for a user and password")
        trace.add("api@internal", "the Traefik dashboard")
        trace.status = 200
        trace.notes["dashboard"] = True
        return trace


def exposed(entry_point: str) -> bool:
    """Whether the chart's LoadBalancer Service exposes an entry point."""
    return ENTRY_POINTS.get(entry_point, (0, False))[1]
