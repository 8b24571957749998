"""Checks that compose.yaml runs the app beside PostgreSQL safely on a Coolify VPS."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from typing import NoReturn

import pytest
from grading import compose
from grading import submission
from grading.deploy import DeployError
from grading.deploy import checks
from grading.deploy import compose as deploy_compose

FILE = "compose.yaml"
DATA_DIR = "/var/lib/postgresql/data"
LOOPBACK = ("localhost", "127.0.0.1", "::1", "[::1]")


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


def service(doc, name: str) -> Mapping[str, Any]:
    """The service `name`, or skip: the first check reports missing services."""
    found = doc.get("services", name)
    if not isinstance(found, Mapping):
        pytest.skip(f"there is no service '{name}' yet (see the first check)")
    return found


def environment(svc: Mapping[str, Any]) -> dict[str, str]:
    """A service's environment as {name: value}, from the mapping or the list form."""
    return {key: "" if value is None else str(value)
            for key, (value, _) in compose.environment_of(svc).items()}


def test_file_can_be_read():
    """compose.yaml is a compose file with the services web and db."""
    doc = document(strict=True)
    for name in ("web", "db"):
        if not isinstance(doc.get("services", name), Mapping):
            fail(
                f"{FILE}: there is no service '{name}' under services:. The app must be called "
                "'web' and the database 'db' (the app reaches the database under that name)"
            )


def stack(password: str = "Coolify-set-1") -> deploy_compose.Stack:
    """The stack as Coolify's Docker Compose build pack starts it, with this password set."""
    try:
        project = deploy_compose.load(submission.read(FILE), {"POSTGRES_PASSWORD": password})
        return project.up()
    except DeployError as exc:
        fail(f"{FILE}: Coolify's deploy stops: {exc}")


def test_database_data_is_on_a_named_volume():
    """PostgreSQL's files are still there after a redeploy."""
    up = stack()
    if "db" not in up.containers:
        pytest.skip("there is no service 'db' yet (see the first check)")
    checks.require(up.redeploy(), (
        "After a redeploy (Coolify replaces the containers) the shop's database is empty: "
        "PostgreSQL's files are not on a named volume that outlives the container"))


def test_database_has_a_pg_isready_healthcheck():
    """The database's healthcheck asks PostgreSQL whether it accepts connections."""
    up = stack()
    if "db" not in up.containers:
        pytest.skip("there is no service 'db' yet (see the first check)")
    checks.require(up.healthy("db"), f"{FILE}: the healthcheck of 'db' does not tell "
                   "whether PostgreSQL accepts connections")


def test_app_waits_for_a_healthy_database():
    """web starts only when db is healthy (depends_on with condition: service_healthy)."""
    doc = document()
    web = service(doc, "web")
    depends = web.get("depends_on")
    line = doc.line_of("services", "web", "depends_on")
    if isinstance(depends, Mapping) and "db" in depends:
        options = depends.get("db")
        condition = options.get("condition") if isinstance(options, Mapping) else None
        if condition == "service_healthy":
            return
        fail(
            f"{FILE} line {doc.line_of('services', 'web', 'depends_on', 'db')}: web depends "
            f"on db with condition {condition or 'service_started (the default)'}, which only "
            "waits for the container to start. PostgreSQL needs a few seconds more before it "
            "accepts connections, so the app's first connection is refused"
        )
    if isinstance(depends, list) and "db" in [str(d) for d in depends]:
        fail(
            f"{FILE} line {line}: depends_on: [db] only waits for the container to start, not "
            "for PostgreSQL to accept connections, so the app's first connection is refused "
            "and it can crash"
        )
    fail(
        f"{FILE} line {doc.line_of('services', 'web')}: web does not depend on db, so both "
        "start at once and the app's first queries fail"
    )


def test_app_gets_database_url_from_the_environment():
    """web reaches db with DATABASE_URL, whatever password is set in Coolify."""
    doc = document()
    env = environment(service(doc, "web"))
    if "DATABASE_URL" not in env:
        fail(
            f"{FILE} line {doc.line_of('services', 'web')}: web has no DATABASE_URL in its "
            "environment, so the app does not know where its database is"
        )
    for password in ("Coolify-set-1", "rotated-2"):
        up = stack(password)
        url = up.env_of("web").get("DATABASE_URL", "")
        checks.require(up.connect("web", url), (
            f"{FILE} line {doc.line_of('services', 'web', 'environment')}: with "
            f"POSTGRES_PASSWORD set to '{password}' in Coolify, web cannot open its database "
            f"({url})"))


def test_no_password_is_written_in_the_file():
    """With POSTGRES_PASSWORD missing in Coolify, no password comes from the file instead."""
    service(document(), "db")
    try:
        up = deploy_compose.load(submission.read(FILE), {}).up()
    except DeployError:
        return  # the deploy stops: nothing from the file is used
    if "db" not in up.containers:
        pytest.skip("there is no service 'db' yet (see the first check)")
    for name in ("db", "web"):
        env = up.env_of(name)
        value = env.get("POSTGRES_PASSWORD", "") if name == "db" else ""
        if name == "web":
            url = env.get("DATABASE_URL", "")
            userinfo = url.split("://", 1)[-1].split("@", 1)[0] if "@" in url else ""
            value = userinfo.split(":", 1)[1] if ":" in userinfo else ""
        if value:
            number = next((n for n, line in enumerate(submission.read(FILE).splitlines(), 1)
                           if value in line), 0)
            fail(
                f"{FILE} line {number}: with POSTGRES_PASSWORD not set in Coolify, {name} still "
                f"gets the password '{value[:2]}...' written in the file: it is in git for "
                "everyone with the repository, and a forgotten variable deploys with it "
                "without a word"
            )


def test_reviewer_finds_no_errors():
    """The compose reviewer finds no error (plain passwords, unpinned database, typos)."""
    findings = [f for f in compose.check(submission.read(FILE), source=FILE) if f.is_error]
    if findings:
        fail("\n".join(f"{FILE} line {f.line}: {f.message}" for f in findings))
