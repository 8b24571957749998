"""Coolify in the model: an application (Dockerfile build pack) or a Docker Compose stack.

    app = Application(dockerfile, context, ports_exposes="8000",
                      domains="https://shop.example.com", env={"SECRET_KEY": "..."})
    deployment = app.deploy()
    deployment.request("https://shop.example.com/")   # traefik.Response: status, container,
                                                      # port, explain()
    deployment.healthy()                              # Outcome of the health check
    deployment.rolling_update()                       # does the new version replace the old?

    stack = ComposeApp(compose_text, env={...}, domains={"web": "https://shop.example.com"},
                       builds={"web": image}).deploy()
    stack.request(url); stack.redeploy(); stack.stack.connect("web", url)

What Coolify does that the model follows: it sets PORT (the first of Ports Exposes) and
HOST=0.0.0.0 unless you set them; each entry of the Domains field becomes Traefik labels
(a router on entry point http, one on https with TLS from the `letsencrypt` resolver, and a
redirect from http to https), pointing at the port written after the domain or at the first
exposed port; in compose files it fills the magic variables SERVICE_FQDN_*, SERVICE_URL_*,
SERVICE_USER_*, SERVICE_PASSWORD_* and SERVICE_BASE64_*; its health checks from the dashboard
run curl or wget inside the container; a rolling update keeps the old container until the new
one is healthy, and is not possible for compose stacks or with host port mappings.
"""

from __future__ import annotations

import hashlib
import re
import urllib.parse
from collections.abc import Mapping
from typing import Any

from . import compose as compose_model
from .build import Image
from .build import build
from .run import Container
from .run import HttpResult
from .trace import Outcome
from .trace import Trace
from .traefik import Proxy
from .traefik import Response

MAGIC_RE = re.compile(r"^SERVICE_(FQDN|URL|USER|PASSWORD|PASSWORD_64|BASE64|BASE64_64|"
                      r"REALBASE64_64)_([A-Z0-9_-]+?)(?:_(\d+))?$")


def parse_domains(text: str) -> list[tuple[str, str, str, int | None]]:
    """'https://a.example.com,http://b.example.com:3000/api' -> (scheme, host, path, port)."""
    found = []
    for item in (text or "").split(","):
        item = item.strip()
        if not item:
            continue
        if "://" not in item:
            item = "http://" + item
        parts = urllib.parse.urlsplit(item)
        found.append((parts.scheme, parts.hostname or "", parts.path or "/", parts.port))
    return found


def domain_labels(name: str, domains: str, port: int | None) -> dict[str, str]:
    """The Traefik labels Coolify writes for an application's Domains field."""
    labels = {"traefik.enable": "true",
              "traefik.http.middlewares.redirect-to-https.redirectscheme.scheme": "https"}
    for i, (scheme, host, path, domain_port) in enumerate(parse_domains(domains)):
        rule = f"Host(`{host}`)" + (f" && PathPrefix(`{path}`)" if path != "/" else "")
        service = f"{name}-{i}"
        target = domain_port or port
        if target:
            labels[f"traefik.http.services.{service}.loadbalancer.server.port"] = str(target)
        http = f"http-{i}-{name}"
        labels[f"traefik.http.routers.{http}.rule"] = rule
        labels[f"traefik.http.routers.{http}.entrypoints"] = "http"
        labels[f"traefik.http.routers.{http}.service"] = service
        if scheme == "https":
            labels[f"traefik.http.routers.{http}.middlewares"] = "redirect-to-https"
            https = f"https-{i}-{name}"
            labels[f"traefik.http.routers.{https}.rule"] = rule
            labels[f"traefik.http.routers.{https}.entrypoints"] = "https"
            labels[f"traefik.http.routers.{https}.tls"] = "true"
            labels[f"traefik.http.routers.{https}.tls.certresolver"] = "letsencrypt"
            labels[f"traefik.http.routers.{https}.service"] = service
    return labels


class ContainerBackend:
    """Adapts a modelled container to what the proxy needs."""

    def __init__(self, container: Container | None, ports: list[int],
                 health: Outcome | None, service: Any = None) -> None:
        self.container = container
        self._ports = sorted(set(ports))
        self.health = health
        self.service = service  # a compose ServiceContainer, for images without a model

    def ports(self) -> list[int]:
        return self._ports

    def healthy_for_proxy(self, trace: Trace) -> bool:
        if self.health is None:
            return True
        if not self.health.ok:
            trace.add(f"the container's health check fails ({self.health.reason})")
        return self.health.ok

    def get(self, path: str, port: int) -> HttpResult:
        if self.container is None:
            listener = self.service.listener() if self.service is not None else None
            facts = self.service.facts if self.service is not None else None
            if facts is not None and facts.database:
                result = HttpResult(None, "not HTTP")
                result.trace.add(f"{facts.database} on port {port} does not speak HTTP"
                                 if listener and listener.port == port else
                                 f"nothing listens on port {port} in the {facts.database} "
                                 "container")
                return result
            if listener is not None and listener.port != port:
                result = HttpResult(None, "connection refused")
                result.trace.add(f"nothing listens on port {port} ({listener.text()})")
                return result
            result = HttpResult(200)
            result.trace.add(f"the service answers on port {port}")
            return result
        return self.container.get(path, port=port, inside=False)


class Deployment:
    """An application deployed by Coolify."""

    def __init__(self, app: Application, image: Image, container: Container,
                 proxy: Proxy, trace: Trace) -> None:
        self.app = app
        self.image = image
        self.container = container
        self.proxy = proxy
        self.trace = trace

    def request(self, url: str) -> Response:
        """What a visitor gets for this URL."""
        response = self.proxy.request(url)
        if self.container.crash is not None:
            response.trace.steps.insert(0, f"the container is not running: "
                                           f"{self.container.crash.reason}")
            if response.status == 502:
                response.reason = (f"502 Bad Gateway: the container is not running "
                                   f"({self.container.crash.reason})")
        return response

    def healthy(self) -> Outcome:
        """The health check Coolify waits for (the image's HEALTHCHECK, else the dashboard's)."""
        return self.app.health_of(self.container)

    def rolling_update(self) -> Outcome:
        """Deploying a new version: does it replace the old one, or is it rolled back?"""
        trace = Trace()
        if self.app.container_name or self.app.port_mappings:
            trace.add("a custom container name or a host port mapping makes Coolify stop the "
                      "old container first (two containers cannot share them)")
            return Outcome(False, "no rolling update: the old container stops before the new "
                                  "one is ready", trace)
        trace.add("Coolify starts the new container beside the old one")
        if self.container.crash is not None:
            trace.extend(self.container.crash.trace)
            return Outcome(False, "the new container does not start; Coolify keeps the old "
                                  f"one: {self.container.crash.reason}", trace)
        if self.container.stage.healthcheck is None and self.app.health_check_path is None:
            trace.add("no health check: Coolify treats the started container as ready")
            return Outcome(True, "the new version replaces the old one as soon as it starts "
                                 "(nothing checks that it works)", trace)
        health = self.healthy()
        trace.extend(health.trace)
        if not health.ok:
            return Outcome(False, f"the new container never becomes healthy, so Coolify rolls "
                                  f"back to the old one: {health.reason}", trace)
        down = self.app.health_of(self.container.stopped_copy())
        if down.ok:
            trace.add("the same check also passes when the app is down")
            return Outcome(False, "the health check passes even when the app is not running, "
                                  "so a broken version would replace a working one", trace)
        trace.add("healthy: the old container is stopped and removed")
        return Outcome(True, "the new version replaces the old one", trace)


class Application:
    """A Coolify application built from a Dockerfile."""

    def __init__(self, dockerfile: str, context: Mapping[str, str] | None = None,
                 ports_exposes: str = "8000", domains: str = "",
                 env: Mapping[str, str] | None = None,
                 build_env: Mapping[str, str] | None = None,
                 secrets: Mapping[str, str] | None = None,
                 health_check_path: str | None = None, container_name: str = "",
                 port_mappings: str = "", open_ports: set[int] | None = None,
                 labels: Mapping[str, str] | None = None, name: str = "shop") -> None:
        self.dockerfile = dockerfile
        self.context = dict(context or {})
        self.ports = [int(p) for p in re.split(r"[,\s]+", ports_exposes.strip()) if p.isdigit()]
        self.domains = domains
        self.env = dict(env or {})
        self.build_env = dict(build_env if build_env is not None else self.env)
        self.secrets = dict(secrets or {})
        self.health_check_path = health_check_path
        self.container_name = container_name
        self.port_mappings = port_mappings
        self.open_ports = open_ports
        self.custom_labels = dict(labels) if labels is not None else None
        self.name = name

    def runtime_env(self) -> dict[str, str]:
        env = dict(self.env)
        if self.ports:
            env.setdefault("PORT", str(self.ports[0]))
        env.setdefault("HOST", "0.0.0.0")
        first = parse_domains(self.domains)
        if first:
            scheme, host, _, _ = first[0]
            env.setdefault("COOLIFY_FQDN", host)
            env.setdefault("COOLIFY_URL", f"{scheme}://{host}")
        return env

    def health_of(self, container: Container) -> Outcome:
        if container.stage.healthcheck is not None:
            return container.health()
        if self.health_check_path is None:
            return Outcome(True, "no health check: Coolify treats a started container as "
                                 "ready", Trace())
        port = self.ports[0] if self.ports else 80
        url = f"http://localhost:{port}{self.health_check_path}"
        for program in ("curl", "wget"):
            if container.stage.has_program(program, container.env):
                args = ["-s", "-f", url] if program == "curl" else ["-q", "-O-", url]
                return container.health([program, *args], None, 0)
        trace = Trace()
        trace.add("Coolify's dashboard health check runs curl or wget inside the container")
        return Outcome(False, "the health check from the dashboard needs curl or wget in the "
                              f"image, and {container.stage.base.ref} has neither", trace)

    def deploy(self) -> Deployment:
        trace = Trace()
        image = build(self.dockerfile, self.context, self.build_env, self.secrets)
        trace.extend(image.trace)
        env = self.runtime_env()
        container = Container(image, env)
        trace.extend(container.trace)
        labels = self.custom_labels if self.custom_labels is not None else domain_labels(
            self.name, self.domains, self.ports[0] if self.ports else None)
        proxy = Proxy(open_ports=self.open_ports)
        health = self.health_of(container) if (
            container.stage.healthcheck is not None or self.health_check_path) else None
        ports = list(self.ports) + [int(p) for p in image.final.exposes if p.isdigit()]
        proxy.add(self.name, labels, ContainerBackend(container, ports, health))
        return Deployment(self, image, container, proxy, trace)


def magic_value(kind: str, name: str, seed: str) -> str:
    """A stable generated value for SERVICE_PASSWORD_X and friends (same on every redeploy)."""
    digest = hashlib.sha256(f"{seed}:{kind}:{name}".encode()).hexdigest()
    if kind == "USER":
        return "u" + digest[:15]
    if kind.startswith("BASE64") or kind.startswith("REALBASE64") or kind == "PASSWORD_64":
        return digest[:64 if kind.endswith("64") else 32]
    return digest[:32]


class ComposeDeployment:
    """A compose stack deployed by Coolify."""

    def __init__(self, stack: compose_model.Stack, proxy: Proxy, magic: dict[str, str],
                 domains: dict[str, str] | None = None) -> None:
        self.stack = stack
        self.proxy = proxy
        self.magic = magic
        self.domains = dict(domains or {})  # service -> https://its.domain

    def request(self, url: str) -> Response:
        return self.proxy.request(url)

    def redeploy(self) -> Outcome:
        return self.stack.redeploy()

    def healthy(self, service: str) -> Outcome:
        return self.stack.healthy(service)


class ComposeApp:
    """A Coolify resource deployed with the Docker Compose build pack."""

    def __init__(self, text: str, env: Mapping[str, str] | None = None,
                 dotenv: str | None = None, domains: Mapping[str, str] | None = None,
                 builds: Mapping[str, Image] | None = None, seed: str = "coolify",
                 open_ports: set[int] | None = None) -> None:
        self.text = text
        self.env = dict(env or {})
        self.dotenv = dotenv
        self.domains = dict(domains or {})
        self.builds = dict(builds or {})
        self.seed = seed
        self.open_ports = open_ports

    def magic_variables(self) -> tuple[dict[str, str], dict[str, tuple[str, int | None]]]:
        """Values of SERVICE_* variables used in the file, and generated domains per service."""
        values: dict[str, str] = {}
        generated: dict[str, tuple[str, int | None]] = {}
        for match in re.finditer(r"SERVICE_[A-Z0-9_-]+", self.text):
            full = match.group(0)
            parsed = MAGIC_RE.match(full)
            if not parsed:
                continue
            kind, name, port = parsed.group(1), parsed.group(2), parsed.group(3)
            if kind in ("FQDN", "URL"):
                host = f"{name.lower().replace('_', '-')}.example.com"
                values[full] = host if kind == "FQDN" else f"https://{host}"
                values[f"SERVICE_{kind}_{name}"] = values[full]
                generated[name.lower()] = (host, int(port) if port else None)
            else:
                values[full] = magic_value(kind, name, self.seed)
        return values, generated

    def deploy(self) -> ComposeDeployment:
        magic, generated = self.magic_variables()
        env = {**magic, **self.env}
        project = compose_model.load(self.text, env, self.dotenv)
        stack = project.up(self.builds)
        proxy = Proxy(open_ports=self.open_ports)
        domains: dict[str, str] = {}
        for name, holder in stack.containers.items():
            service = holder.service
            labels = dict(service.labels)
            domain = self.domains.get(name)
            # A SERVICE_FQDN_<NAME>_<PORT> (or SERVICE_URL_...) declared in a service's
            # environment gives *that* service a generated domain, routed to <PORT> inside it.
            declared = [k for k in service.environment if
                        k.startswith("SERVICE_FQDN_") or k.startswith("SERVICE_URL_")]
            if domain is None and declared:
                match = MAGIC_RE.match(declared[0])
                if match:
                    host, _ = generated.get(match.group(2).lower(), ("", None))
                    port = match.group(3)
                    domain = f"https://{host}:{port}" if port else f"https://{host}"
            if domain:
                first = parse_domains(domain)[0]
                domains[name] = f"{first[0]}://{first[1]}"
            if domain:
                ports = holder.exposed_ports()
                labels.update(domain_labels(name, domain, ports[0] if ports else None))
            argv, script, disabled = service.healthcheck()
            health = None
            if not disabled and service.spec.get("exclude_from_hc") not in (True, "true") and (
                    argv is not None or script is not None or (
                        holder.container is not None and
                        holder.container.stage.healthcheck is not None)):
                health = stack.healthy(name)
            proxy.add(name, labels, ContainerBackend(holder.container, holder.exposed_ports(),
                                                     health, holder))
        return ComposeDeployment(stack, proxy, magic, domains)


def build_image(text: str, context: Mapping[str, str] | None = None, **kwargs: Any) -> Image:
    """Shorthand for build() (tests read better with coolify.build_image)."""
    return build(text, context, **kwargs)
