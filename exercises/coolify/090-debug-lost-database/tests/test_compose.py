"""Checks that the database in compose.yaml keeps its data across redeploys."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NoReturn

import pytest
from grading import compose
from grading import submission
from grading.deploy import DeployError
from grading.deploy import checks
from grading.deploy import compose as deploy_compose

DATA_DIR = "/var/lib/postgresql/data"  # where postgres:16 keeps its data (its VOLUME)
VOLUME_RULES = ("db-without-volume", "db-volume-path", "undeclared-volume")


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def text() -> str:
    return submission.read("compose.yaml")


def services(strict: bool = False) -> Mapping:
    """The services mapping; only the first test reports an unreadable file."""
    try:
        doc = compose.load(text())
    except compose.ComposeError as exc:
        if strict:
            fail(f"compose.yaml line {exc.line}: {exc.message}")
        pytest.skip("compose.yaml cannot be read yet (see the first check)")
    found = doc.data.get("services")
    return found if isinstance(found, Mapping) else {}


def mounts(service: Mapping) -> list[tuple[str, str]]:
    """(source, target) of each volume of a service; source '' for an anonymous volume."""
    found = []
    for volume in service.get("volumes") or []:
        if isinstance(volume, Mapping):
            found.append((str(volume.get("source") or ""), str(volume.get("target") or "")))
        else:
            parts = str(volume).split(":")
            found.append(("", parts[0]) if len(parts) == 1 else (parts[0], parts[1]))
    return found


def test_compose_file_is_readable():
    """compose.yaml is a well-formed compose file with web and db."""
    found = services(strict=True)
    for name in ("web", "db"):
        if name not in found:
            fail(f"compose.yaml has no service '{name}' any more, so the shop loses "
                 + ("its app" if name == "web" else "its database"))


def test_volume_is_on_the_database():
    """The volume is mounted in db, where PostgreSQL runs."""
    found = services()
    web = found.get("web") if isinstance(found.get("web"), Mapping) else {}
    if any(target.rstrip("/").startswith("/var/lib/postgresql") for _, target in mounts(web)):
        fail(
            "The volume for /var/lib/postgresql/data is mounted in 'web', but PostgreSQL "
            "runs in 'db': each container has its own file system, so web's volume stays "
            "empty and db still writes into its own container, where a redeploy loses it"
        )


def test_database_data_is_on_a_named_volume():
    """After a redeploy, db finds the orders it had before."""
    try:
        up = deploy_compose.load(text(), {"POSTGRES_PASSWORD": "set-in-coolify"}).up()
    except DeployError as exc:
        fail(f"compose.yaml: the deploy stops before anything starts: {exc}")
    if "db" not in up.containers:
        pytest.skip("there is no service 'db' (see the first check)")
    checks.require(up.redeploy(), "The next redeploy loses the orders again")
    db = services().get("db")
    db_mounts = mounts(db) if isinstance(db, Mapping) else []
    sources = [s for s, t in db_mounts if t.rstrip("/") == DATA_DIR]
    if sources and sources[0].startswith((".", "/", "~")):
        fail(
            f"db keeps its data in the host directory {sources[0]}. That survives too, but "
            "the directory must suit the postgres user inside the container, and it ties the "
            "stack to one path on one server"
        )


def test_no_other_errors():
    """The rest of the file still passes review (no new errors)."""
    errors = [f for f in compose.check(text()) if f.is_error and f.rule not in VOLUME_RULES]
    if errors:
        first = errors[0]
        fail(f"compose.yaml line {first.line}: {first.message}")
