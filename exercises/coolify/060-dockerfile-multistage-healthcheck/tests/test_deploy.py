"""What Coolify would do with this image: serve visitors, and go live only when healthy."""

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
            ports_exposes="8000", domains="https://api.example.com",
        ).deploy()
    except DeployError:
        pytest.skip("the Dockerfile cannot be read yet (see the first check)")


def test_a_client_reaches_the_api():
    """A request to https://api.example.com/healthz reaches the app in the final image."""
    deployment = deploy()
    if deployment.image.error is not None:
        checks.require(deployment.image.error, "The image does not build")
    response = deployment.request("https://api.example.com/healthz")
    checks.require(response.outcome(), "A request to https://api.example.com/healthz fails")


def test_a_new_version_goes_live_only_when_healthy():
    """The HEALTHCHECK passes on a working container and fails when the app is down."""
    deployment = deploy()
    if deployment.container.crash is not None:
        pytest.skip("the container does not start (see the first check)")
    if deployment.container.stage.healthcheck is None:
        pytest.skip("there is no HEALTHCHECK (see that check)")
    checks.require(deployment.rolling_update(), "A rolling update with this image fails")
