"""Checks the Traefik labels that route shop.example.com to the app over HTTPS on Coolify."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from typing import NoReturn

import pytest
from grading import compose
from grading import submission
from grading.manifests import traefik_rule_problems

FILE = "compose.yaml"
DOMAIN = "shop.example.com"
ROUTER_RE = re.compile(r"^traefik\.http\.routers\.([^.]+)\.(.+)$", re.IGNORECASE)
SERVICE_PORT_RE = re.compile(
    r"^traefik\.http\.services\.([^.]+)\.loadbalancer\.server\.port$", re.IGNORECASE
)


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def document(strict: bool = False):
    """The learner's compose file; if it cannot be read, only the first test says why."""
    try:
        return compose.load(submission.read(FILE), source=FILE)
    except compose.ComposeError as exc:
        if strict:
            fail(f"{FILE} line {exc.line}: {exc.message}")
        pytest.skip("the compose file cannot be read yet (see the first check)")


def web(doc) -> Mapping[str, Any]:
    """The web service, or skip (the first check reports it)."""
    found = doc.get("services", "web")
    if not isinstance(found, Mapping):
        pytest.skip("there is no service 'web' yet (see the first check)")
    return found


def labels(doc) -> dict[str, tuple[str, int]]:
    """web's labels as {key: (value, line)}."""
    return {
        key: (str(value), doc.line_of("services", "web", *where))
        for key, (value, where) in compose.label_map(web(doc)).items()
    }


def routers(doc) -> dict[str, dict[str, tuple[str, int]]]:
    """{router name: {option (rule, entrypoints, tls.certresolver...): (value, line)}}."""
    found: dict[str, dict[str, tuple[str, int]]] = {}
    for key, (value, line) in labels(doc).items():
        match = ROUTER_RE.match(key)
        if match:
            found.setdefault(match.group(1), {})[match.group(2).lower()] = (value, line)
    return found


def domain_router(doc) -> tuple[str, dict[str, tuple[str, int]]]:
    """The router whose rule names the shop's domain, or skip (its own check reports it)."""
    for name, options in routers(doc).items():
        if DOMAIN in options.get("rule", ("", 0))[0]:
            return name, options
    pytest.skip("no router matches the domain yet (see that check)")


def labels_line(doc) -> int:
    return doc.line_of("services", "web", "labels")


def test_file_can_be_read():
    """compose.yaml is a compose file with the service web."""
    doc = document(strict=True)
    if not isinstance(doc.get("services", "web"), Mapping):
        fail(f"{FILE}: there is no service 'web' under services:; keep the app's service")


def test_traefik_routes_the_container():
    """The container is enabled for Traefik (traefik.enable=true)."""
    doc = document()
    value, line = labels(doc).get("traefik.enable", ("", labels_line(doc)))
    if value.lower() != "true":
        fail(
            f"{FILE} line {line}: web has no traefik.enable=true label. Coolify's Traefik "
            "does not route containers that do not ask for it (its exposedByDefault is off), "
            "so every request for the domain gets 404. Add the label traefik.enable=true"
        )


def test_router_matches_the_domain():
    """A router's rule matches Host(`shop.example.com`), in syntax Traefik v3 accepts."""
    doc = document()
    found = routers(doc)
    for options in found.values():
        rule, line = options.get("rule", ("", 0))
        if DOMAIN not in rule:
            continue
        problems = traefik_rule_problems(rule)
        if problems:
            fail(
                f"{FILE} line {line}: the rule {rule}: {problems[0]}. Traefik rejects the "
                "router and the domain answers 404"
            )
        return
    rules = [f"{o['rule'][0]} (line {o['rule'][1]})" for o in found.values() if "rule" in o]
    fail(
        f"{FILE} line {labels_line(doc)}: no router rule matches {DOMAIN}"
        + (f"; the rules found are {', '.join(rules)}" if rules else "")
        + ". A router says which requests go to this container: add "
        f"traefik.http.routers.shop.rule=Host(`{DOMAIN}`)"
    )


def test_router_listens_on_https():
    """The router listens on Coolify's https entry point."""
    doc = document()
    name, options = domain_router(doc)
    value, line = options.get("entrypoints", ("", options["rule"][1]))
    points = [p.strip() for p in value.split(",") if p.strip()]
    if "https" in points:
        return
    if not points:
        fail(
            f"{FILE} line {line}: router '{name}' names no entry point, so it listens on all "
            "of them, plain HTTP included, and HTTPS depends on luck. Add "
            f"traefik.http.routers.{name}.entrypoints=https"
        )
    if "http" in points:
        fail(
            f"{FILE} line {line}: router '{name}' listens on the http entry point (port 80) "
            f"only: the shop is served unencrypted and https://{DOMAIN} finds no router. "
            f"Use traefik.http.routers.{name}.entrypoints=https"
        )
    fail(
        f"{FILE} line {line}: router '{name}' listens on '{value}', but Coolify's Traefik "
        "entry points are called http and https ('websecure' is the name used in Traefik's "
        "own examples). A router on an entry point that does not exist is never used: the "
        "domain answers 404. Write entrypoints=https"
    )


def test_tls_uses_lets_encrypt():
    """The router has TLS with the letsencrypt certificate resolver."""
    doc = document()
    name, options = domain_router(doc)
    resolver, line = options.get("tls.certresolver", ("", options["rule"][1]))
    if not resolver:
        fail(
            f"{FILE} line {line}: router '{name}' has no tls.certresolver, so Traefik never "
            "asks Let's Encrypt for a certificate and serves its self-signed default one: "
            "browsers show a security warning. Add "
            f"traefik.http.routers.{name}.tls.certresolver=letsencrypt"
        )
    if resolver != "letsencrypt":
        fail(
            f"{FILE} line {line}: the certresolver '{resolver}' does not exist in Coolify's "
            "Traefik, whose resolver is called letsencrypt. Traefik logs 'nonexistent "
            "certificate resolver' and serves no valid certificate"
        )


def app_port(doc) -> str:
    """The app's PORT from web's environment ('' if not set)."""
    env = compose.environment_of(web(doc))
    value = env.get("PORT", (None, ()))[0]
    return "" if value is None else str(value)


def test_service_port_is_the_app_port():
    """Traefik forwards to the port the app listens on inside the container."""
    doc = document()
    ports = [(m.group(1), value, line) for key, (value, line) in labels(doc).items()
             if (m := SERVICE_PORT_RE.match(key))]
    expected = app_port(doc) or "8000"
    if not ports:
        fail(
            f"{FILE} line {labels_line(doc)}: no traefik.http.services.<name>.loadbalancer."
            "server.port label. Without it Traefik guesses from the image's EXPOSE line, and "
            "with no EXPOSE (or several) it cannot know where the app listens. Add "
            f"traefik.http.services.shop.loadbalancer.server.port={expected}"
        )
    for name, value, line in ports:
        if value != expected:
            fail(
                f"{FILE} line {line}: service '{name}' sends traffic to port {value}, but the "
                f"app listens on {expected} (its PORT). Traefik knocks on a closed port and "
                "visitors get 502 Bad Gateway. This label is the port inside the container, "
                f"not the public 80/443: write {expected}"
            )


def test_port_is_not_published():
    """The app's port is not published on the VPS (only Traefik talks to it)."""
    doc = document()
    if web(doc).get("ports"):
        fail(
            f"{FILE} line {doc.line_of('services', 'web', 'ports')}: web still publishes its "
            "port on the VPS, so anyone can reach the app at http://<server-ip>:<port> in "
            "plain HTTP, around Traefik and its certificate. Traefik reaches the container "
            "over Docker's network; remove ports:"
        )


def test_reviewer_finds_no_errors():
    """The compose reviewer finds no error."""
    findings = [f for f in compose.check(submission.read(FILE), source=FILE) if f.is_error]
    if findings:
        fail("\n".join(f"{FILE} line {f.line}: {f.message}" for f in findings))
