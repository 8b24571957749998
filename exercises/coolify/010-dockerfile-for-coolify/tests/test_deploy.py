"""What Coolify would do with this Dockerfile: build it, start it, send visitors to it."""

from __future__ import annotations

import pytest
from grading import submission
from grading.deploy import DeployError
from grading.deploy import checks
from grading.deploy import coolify

SITE = "https://shop.example.com/"


def deploy(ports: str = "8000") -> coolify.Deployment:
    """Deploy the learner's Dockerfile as Coolify would, with this Ports Exposes value."""
    try:
        return coolify.Application(
            submission.read("Dockerfile"), checks.context("app.py", "requirements.txt"),
            ports_exposes=ports, domains="https://shop.example.com",
        ).deploy()
    except DeployError:
        pytest.skip("the Dockerfile cannot be read yet (see the first check)")


def test_a_visitor_reaches_the_shop():
    """A visitor of https://shop.example.com/ gets the shop's page."""
    deployment = deploy()
    if deployment.image.error is not None:
        checks.require(deployment.image.error, "The image does not build")
    response = deployment.request(SITE)
    checks.require(response.outcome(), f"A visitor of {SITE} gets no page")


def test_the_port_set_in_coolify_is_the_port_the_app_uses():
    """With Ports Exposes set to 3000 in Coolify, visitors still reach the app."""
    deployment = deploy("3000")
    if deployment.image.error is not None:
        pytest.skip("the image does not build (see the first check)")
    response = deployment.request(SITE)
    checks.require(response.outcome(), (
        "The team changes Ports Exposes to 3000 (Coolify then sets PORT=3000), and a visitor "
        f"of {SITE} gets no page"))


def test_the_server_is_not_a_development_server():
    """The process that answers is a production server, not Flask's development server."""
    deployment = deploy()
    listener = deployment.container.listener
    if listener is not None and listener.dev_server:
        checks.fail(
            f"The container answers with {listener.text()}, Flask's development server: made "
            "for a laptop, single-threaded, and with debug=True an interactive debugger that "
            "runs any code a visitor sends")


def test_the_app_does_not_run_as_root():
    """The server runs as a user without root rights."""
    deployment = deploy()
    user = deployment.container.stage.user.split(":", 1)[0]
    if deployment.container.crash is None and user in ("root", "0"):
        checks.fail(
            "The server process runs as root (no USER applies to the final image): whoever "
            "breaks into the app is root in the container, one escape bug away from the VPS")
