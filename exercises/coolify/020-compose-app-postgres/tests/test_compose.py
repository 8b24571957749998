"""Checks that compose.yaml runs the app beside PostgreSQL safely on a Coolify VPS."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from typing import NoReturn

import pytest
from grading import compose
from grading import submission

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


def test_database_data_is_on_a_named_volume():
    """PostgreSQL keeps its data on a named volume."""
    doc = document()
    db = service(doc, "db")
    line = doc.line_of("services", "db")
    declared = doc.get("volumes") if isinstance(doc.get("volumes"), Mapping) else {}
    for i, mount in enumerate(db.get("volumes") or []):
        if isinstance(mount, Mapping):
            source, target = str(mount.get("source", "")), str(mount.get("target", ""))
        else:
            parts = str(mount).split(":")
            source, target = (parts[0], parts[1]) if len(parts) > 1 else ("", parts[0])
        if target.rstrip("/") != DATA_DIR:
            continue
        where = doc.line_of("services", "db", "volumes", i)
        if not source:
            fail(
                f"{FILE} line {where}: {DATA_DIR} is an anonymous volume. Compose gives it a "
                "random name and a redeploy can start with a fresh, empty one. Give it a name: "
                f"pgdata:{DATA_DIR}, and declare pgdata under the top-level volumes:"
            )
        if source.startswith((".", "/", "~")):
            return  # a host directory also survives; the prompt asks for a volume, accept both
        if source not in declared:
            fail(
                f"{FILE} line {where}: the volume '{source}' is not declared under the "
                "top-level volumes: key, so docker compose refuses to start. Add "
                f"volumes: {{{source}: {{}}}} at the end of the file"
            )
        return
    fail(
        f"{FILE} line {line}: service 'db' has no named volume mounted at {DATA_DIR}, where "
        "PostgreSQL writes its data. The data then lives inside the container: the next "
        "redeploy (or docker compose down) replaces the container and every row with it. "
        f"Mount one: volumes: [pgdata:{DATA_DIR}] and declare pgdata under the top-level "
        "volumes:"
    )


def test_database_has_a_pg_isready_healthcheck():
    """The database has a healthcheck that runs pg_isready."""
    doc = document()
    db = service(doc, "db")
    health = db.get("healthcheck")
    line = doc.line_of("services", "db")
    if not isinstance(health, Mapping) or health.get("disable") is True:
        fail(
            f"{FILE} line {line}: service 'db' has no healthcheck, so Docker knows only that "
            "the process runs, not that PostgreSQL accepts connections; nothing can wait for "
            "'healthy'. Add healthcheck: with test: [\"CMD-SHELL\", \"pg_isready -U "
            "$${POSTGRES_USER}\"]"
        )
    test = health.get("test")
    script = " ".join(str(t) for t in test) if isinstance(test, list) else str(test or "")
    if "pg_isready" not in script:
        fail(
            f"{FILE} line {doc.line_of('services', 'db', 'healthcheck')}: the healthcheck runs "
            f"'{script}'. pg_isready, which ships in the postgres image, asks the server "
            "whether it accepts connections: that is the readiness the app needs"
        )


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
            "accepts connections. Write condition: service_healthy"
        )
    if isinstance(depends, list) and "db" in [str(d) for d in depends]:
        fail(
            f"{FILE} line {line}: depends_on: [db] only waits for the container to start, not "
            "for PostgreSQL to accept connections, so the app's first connection is refused "
            "and it can crash. Use the long form: depends_on: {db: {condition: "
            "service_healthy}}"
        )
    fail(
        f"{FILE} line {doc.line_of('services', 'web')}: web does not depend on db, so both "
        "start at once and the app's first queries fail. Add depends_on: {db: {condition: "
        "service_healthy}}"
    )


def test_app_gets_database_url_from_the_environment():
    """web gets DATABASE_URL pointing at the db service, with the password from a variable."""
    doc = document()
    web = service(doc, "web")
    env = environment(web)
    where = doc.line_of("services", "web", "environment")
    if "DATABASE_URL" not in env:
        fail(
            f"{FILE} line {where}: web has no DATABASE_URL in its environment, so the app "
            "does not know where its database is. Add DATABASE_URL: "
            "postgresql://app:${POSTGRES_PASSWORD}@db:5432/app"
        )
    url = env["DATABASE_URL"]
    if url.startswith("$"):
        return  # the whole URL comes from Coolify's variables: fine
    match = re.match(r"^[a-z+]+://(?:[^@/]*@)?(\[[^\]]*\]|[^:/?]+)", url)
    host = match.group(1) if match else ""
    if host in LOOPBACK:
        fail(
            f"{FILE} line {where}: DATABASE_URL points at {host}. Inside the web container, "
            "localhost is the web container itself, and no PostgreSQL runs there: connection "
            "refused. In a compose network each service is reachable by its name: use "
            "@db:5432"
        )
    if host != "db":
        fail(
            f"{FILE} line {where}: DATABASE_URL points at '{host}', but the database service "
            "is called 'db'; Compose's network resolves service names, so the host is db"
        )
    if not re.search(r":\$\{?[A-Za-z_]", url.split("@")[0]):
        fail(
            f"{FILE} line {where}: DATABASE_URL must take its password from a variable, e.g. "
            "postgresql://app:${POSTGRES_PASSWORD}@db:5432/app, so that the secret stays in "
            "Coolify and out of git"
        )


def test_reviewer_finds_no_errors():
    """The compose reviewer finds no error (plain passwords, unpinned database, typos)."""
    findings = [f for f in compose.check(submission.read(FILE), source=FILE) if f.is_error]
    if findings:
        fail("\n".join(f"{FILE} line {f.line}: {f.message}" for f in findings))
