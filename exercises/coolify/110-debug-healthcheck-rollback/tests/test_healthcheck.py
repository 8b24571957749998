"""The HEALTHCHECK is run against the new container as Coolify's rolling update would."""

from __future__ import annotations

import pytest
from grading import submission
from grading.deploy import DeployError
from grading.deploy import checks
from grading.deploy import coolify


def deploy() -> coolify.Deployment:
    """Deploy the learner's Dockerfile as Coolify would (Ports Exposes 8000)."""
    try:
        return coolify.Application(
            submission.read("Dockerfile"), checks.context("app.py", "requirements.txt"),
            ports_exposes="8000", domains="https://shop.example.com",
        ).deploy()
    except DeployError as exc:
        checks.fail(f"Dockerfile line {exc.line}: {exc.message}")


def test_the_image_builds_and_starts():
    """The image builds and the new container starts gunicorn."""
    deployment = deploy()
    if deployment.image.error is not None:
        checks.require(deployment.image.error, "The new image does not build")
    if deployment.container.crash is not None:
        checks.require(deployment.container.crash, "The new container does not start")


def test_there_is_a_healthcheck():
    """The image has a HEALTHCHECK (Coolify waits for it before switching traffic)."""
    deployment = deploy()
    if deployment.container.stage.healthcheck is None:
        checks.fail(
            "The image has no HEALTHCHECK any more: Coolify then switches traffic to the new "
            "container as soon as it starts, whether the app answers or not")


def test_the_healthcheck_passes_on_a_working_container():
    """Run inside the new, working container, the health check succeeds."""
    deployment = deploy()
    if deployment.container.crash is not None or deployment.container.stage.healthcheck is None:
        pytest.skip("see the checks above")
    checks.require(deployment.healthy(), "The health check fails on a container that works, "
                   "so Coolify rolls every deploy back")


def test_the_healthcheck_fails_when_the_app_is_down():
    """The same check fails when gunicorn is not answering (it really tests the app)."""
    deployment = deploy()
    if deployment.container.crash is not None or not deployment.healthy().ok:
        pytest.skip("see the checks above")
    down = deployment.app.health_of(deployment.container.stopped_copy())
    if down.ok:
        checks.fail(
            "The health check also passes when the app is down (" + down.reason + "): a "
            "broken version would be marked healthy and replace the working one\n"
            + down.trace.text())


def test_the_rolling_update_goes_through():
    """Deploying the new version replaces the old container."""
    deployment = deploy()
    checks.require(deployment.rolling_update(), "The new version does not go live")
