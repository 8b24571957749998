"""The HEALTHCHECK is run against the new container as Coolify's rolling update would."""

from __future__ import annotations

import pytest
from grading import submission
from grading.deploy import DeployError
from grading.deploy import checks
from grading.deploy import coolify


def deploy(port: str = "8000") -> coolify.Deployment:
    """Deploy the learner's Dockerfile as Coolify would (Ports Exposes and PORT: `port`)."""
    try:
        return coolify.Application(
            submission.read("Dockerfile"), checks.context("app.py", "requirements.txt"),
            ports_exposes=port, domains="https://shop.example.com", env={"PORT": port},
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


def test_the_healthcheck_fails_when_healthz_answers_an_error():
    """When /healthz answers 503 (the app runs, what it checks is broken), the check fails."""
    deployment = deploy()
    if deployment.container.crash is not None or not deployment.healthy().ok:
        pytest.skip("see the checks above")
    broken = deployment.app.health_of(deployment.container.failing_copy("/healthz"))
    if broken.ok:
        checks.fail(
            "The health check passes while the app answers /healthz with 503 Service "
            "Unavailable (" + broken.reason + "): a version whose health route reports a "
            "failure would still be marked healthy and go live\n" + broken.trace.text())


def test_the_healthcheck_follows_port():
    """Moved to another port (Ports Exposes and PORT 3000), the check still reaches gunicorn."""
    if not deploy().healthy().ok:
        pytest.skip("see the checks above")
    moved = deploy("3000")
    if moved.container.crash is not None:
        pytest.skip("the container does not start on port 3000")
    result = moved.healthy()
    if not result.ok:
        checks.fail(
            "With Ports Exposes and PORT set to 3000, gunicorn listens on 3000 but the health "
            "check fails (" + result.reason + "): it does not follow PORT, so the next change "
            "of port rolls every deploy back\n" + result.trace.text())


def test_the_rolling_update_goes_through():
    """Deploying the new version replaces the old container."""
    deployment = deploy()
    checks.require(deployment.rolling_update(), "The new version does not go live")
