"""Checks the Traefik labels that route shop.example.com to the app over HTTPS on Coolify."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from typing import NoReturn

import pytest
from grading import compose
from grading import deploy
from grading import submission
from grading.deploy import checks

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
        fail(f"{FILE}: there is no service 'web' under services:, so nothing runs the app")


def test_traefik_routes_the_container():
    """The container is enabled for Traefik (traefik.enable=true)."""
    doc = document()
    value, line = labels(doc).get("traefik.enable", ("", labels_line(doc)))
    if value.lower() != "true":
        fail(
            f"{FILE} line {line}: web has no traefik.enable=true label. Coolify's Traefik "
            "does not route containers that do not ask for it (its exposedByDefault is off), "
            "so every request for the domain gets 404"
        )


# The app behind `build: .`: gunicorn on 0.0.0.0 and the port in PORT, as in the earlier
# exercise. The labels are what is judged; the image is fixed.
APP_DOCKERFILE = """FROM python:3.12-slim
WORKDIR /app
RUN pip install flask gunicorn
COPY app.py .
CMD ["sh", "-c", "exec gunicorn --bind 0.0.0.0:${PORT:-8000} app:app"]
"""
APP_PY = "from flask import Flask\napp = Flask(__name__)\n"


def visit(url: str):  # noqa: ANN201 - a traefik.Response
    """What a browser gets for this URL, with the learner's labels on Coolify's Traefik."""
    try:
        image = deploy.build(APP_DOCKERFILE, {"app.py": APP_PY})
        stack = deploy.coolify.ComposeApp(submission.read(FILE), builds={"web": image}).deploy()
    except deploy.DeployError as exc:
        fail(f"{FILE}: the deploy stops: {exc}")
    return stack.request(url)


def test_a_visitor_gets_the_shop_over_https():
    """https://shop.example.com/ reaches the app, with a trusted certificate."""
    response = visit(f"https://{DOMAIN}/")
    checks.require(response.outcome(), f"A visitor of https://{DOMAIN}/ gets no page")


def test_only_the_shop_domain_is_routed_to_it():
    """Another domain on the same VPS is not sent to the shop."""
    response = visit("https://blog.example.com/")
    if response.container == "web" and response.status is not None:
        fail("A visitor of https://blog.example.com/ is sent to the shop too: the router's "
             "rule matches more than shop.example.com\n" + response.trace.text())


def test_port_is_not_published():
    """The app's port is not published on the VPS (only Traefik talks to it)."""
    doc = document()
    if web(doc).get("ports"):
        fail(
            f"{FILE} line {doc.line_of('services', 'web', 'ports')}: web still publishes its "
            "port on the VPS, so anyone can reach the app at http://<server-ip>:<port> in "
            "plain HTTP, around Traefik and its certificate, while Traefik already reaches "
            "the container over Docker's network"
        )


def test_reviewer_finds_no_errors():
    """The compose reviewer finds no error."""
    findings = [f for f in compose.check(submission.read(FILE), source=FILE) if f.is_error]
    if findings:
        fail("\n".join(f"{FILE} line {f.line}: {f.message}" for f in findings))
