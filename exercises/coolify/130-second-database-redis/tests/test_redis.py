"""Redis beside the app: reachable by web, honestly healthy, and still there after a redeploy."""

from __future__ import annotations

import pytest
from grading import submission
from grading.deploy import DeployError
from grading.deploy import checks
from grading.deploy import compose as deploy_compose

FILE = "compose.yaml"
ENV = {"POSTGRES_PASSWORD": "set-in-coolify"}


def stack():  # noqa: ANN201 - a deploy.compose.Stack
    """The stack started the way Coolify's Docker Compose build pack starts it."""
    try:
        return deploy_compose.load(submission.read(FILE), ENV).up()
    except DeployError as exc:
        checks.fail(f"{FILE}: the deploy stops: {exc}")


def redis_service(up) -> str:  # noqa: ANN001
    """The service that runs Redis (or Valkey)."""
    found = [name for name, holder in up.containers.items()
             if holder.facts.database in ("Redis", "Valkey")]
    if not found:
        checks.fail(f"{FILE}: no service runs a redis (or valkey) image yet")
    return found[0]


def test_web_reaches_redis_with_redis_url():
    """web opens Redis with its REDIS_URL."""
    up = stack()
    redis_service(up)
    url = up.env_of("web").get("REDIS_URL", "")
    if not url:
        checks.fail(f"{FILE}: web has no REDIS_URL in its environment")
    checks.require(up.connect("web", url), f"{FILE}: web cannot reach Redis at {url}")


def test_redis_healthcheck_is_honest_and_web_waits_for_it():
    """The healthcheck passes when Redis answers, fails when it does not; web waits for it."""
    up = stack()
    name = redis_service(up)
    checks.require(up.healthy(name), f"{FILE}: the healthcheck of '{name}' is not reliable")
    condition = up.project.services["web"].depends_on.get(name)
    if condition != "service_healthy":
        checks.fail(
            f"{FILE} line {up.project.services['web'].line}: web "
            + ("does not depend on" if condition is None else f"waits only for {condition} of")
            + f" '{name}', so it can start while Redis does not answer yet and its first "
            "session lookups fail")


def test_redis_keeps_its_data_after_a_redeploy():
    """Sessions and queued jobs are still there after a redeploy."""
    up = stack()
    name = redis_service(up)
    result = up.data_survives(name, "redeploy")
    if not result.ok:
        checks.require(result, f"After a redeploy, '{name}' starts empty: every customer is "
                       "logged out and the queued e-mails are gone")


def test_redis_image_is_pinned():
    """The Redis image names a version: a redeploy does not switch versions on its own."""
    up = stack()
    name = redis_service(up)
    svc = up.project.services[name]
    image = svc.image_ref
    reference = image.split("@", 1)[0]
    tag = reference.rsplit(":", 1)[1] if ":" in reference.rsplit("/", 1)[-1] else ""
    if "@" not in image and tag in ("", "latest"):
        checks.fail(
            f"{FILE} line {svc.line}: '{name}' runs {image}, which means the newest release: "
            "a redeploy can pull the next major version without any change of yours, and a new "
            "major may not read the data files the old one wrote")


@pytest.mark.parametrize("service", ["web", "db"])
def test_web_and_db_are_kept(service):
    """The service '{service}' is still there."""
    if service not in stack().containers:
        checks.fail(f"{FILE}: there is no service '{service}' any more, so the shop loses "
                    + ("its app" if service == "web" else "its orders database"))
