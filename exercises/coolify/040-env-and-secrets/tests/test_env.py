"""Checks that no secret is committed: compose.yaml refers to variables, .env.example names them."""

from __future__ import annotations

import re
from typing import NoReturn
from urllib.parse import urlsplit

import pytest
from grading import compose
from grading import submission
from grading.deploy import DeployError
from grading.deploy import checks
from grading.deploy import compose as deploy_compose
from grading.findings import looks_like_secret_name
from grading.findings import password_in_url

FILE = "compose.yaml"
EXAMPLE = ".env.example"
# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?message}, ${NAME?message}, $NAME
REFERENCE_RE = re.compile(
    r"(?<!\$)\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[-?+])?(?P<rest>[^}]*)\}"
    r"|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))"
)
EXAMPLE_LINE_RE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$")
SECRETS = ("SECRET_KEY", "STRIPE_API_KEY", "POSTGRES_PASSWORD")


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def compose_text() -> str:
    text = submission.read(FILE)
    try:
        compose.load(text, source=FILE)
    except compose.ComposeError:
        pytest.skip("the compose file cannot be read yet (see the first check)")
    return text


def references(text: str) -> list[tuple[str, str, str, int]]:
    """Every variable reference: (name, operator, default-or-message, line)."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("#"):
            continue
        for match in REFERENCE_RE.finditer(line):
            name = match.group("braced") or match.group("bare")
            found.append((name, match.group("op") or "", match.group("rest") or "", number))
    return found


def example_entries() -> dict[str, tuple[str, int]]:
    """The names in .env.example with their value and line."""
    entries = {}
    for number, line in enumerate(submission.read(EXAMPLE).splitlines(), start=1):
        if line.lstrip().startswith("#"):
            continue
        match = EXAMPLE_LINE_RE.match(line)
        if match:
            value = match.group(2).strip().strip("'\"")
            entries[match.group(1)] = (value, number)
    return entries


def is_secret(name: str) -> bool:
    return name in SECRETS or looks_like_secret_name(name)


def test_files_can_be_read():
    """compose.yaml is a compose file and .env.example exists."""
    try:
        compose.load(submission.read(FILE), source=FILE)
    except compose.ComposeError as exc:
        fail(f"{FILE} line {exc.line}: {exc.message}")
    if not submission.read(EXAMPLE).strip():
        fail(
            f"{EXAMPLE} is empty. It is the list of variables someone must set before the "
            "first deploy: one NAME= line per variable that compose.yaml uses"
        )


def test_no_secret_is_written_in_compose():
    """compose.yaml contains no secret value (only references to variables)."""
    text = compose_text()
    plain = [f for f in compose.check(text, source=FILE) if f.rule == "plain-secret"]
    if plain:
        fail("\n".join(f"{FILE} line {f.line}: {f.message}" for f in plain))


def test_secrets_have_no_default():
    """No secret has a default value in compose.yaml."""
    for name, op, rest, line in references(compose_text()):
        if is_secret(name) and op in (":-", "-") and rest:
            fail(
                f"{FILE} line {line}: ${{{name}{op}{rest}}} gives the secret a default "
                f"value, and that default is now in git for everyone who can read the "
                f"repository. Worse, if {name} is ever missing in Coolify, production "
                "silently runs with the committed value"
            )


VALUES = {"SECRET_KEY": "sk-set-in-coolify-1", "STRIPE_API_KEY": "stripe-set-in-coolify-2",
          "POSTGRES_PASSWORD": "pg-set-in-coolify-3", "LOG_LEVEL": "warning"}


def coolify_values() -> dict[str, str]:
    """Every variable compose.yaml uses, set in Coolify (a whole DATABASE_URL matches db)."""
    values = dict(VALUES)
    for name, _, _, _ in references(compose_text()):
        if name not in values:
            values[name] = (
                f"postgresql://shop:{VALUES['POSTGRES_PASSWORD']}@db:5432/shop"
                if name == "DATABASE_URL" else f"{name.lower()}-set-in-coolify")
    return values


# The settings that hold a secret once the stack is up: the variables feeding them are the
# secrets, whatever they are called in Coolify (DB_PASSWORD is as good as POSTGRES_PASSWORD).
SECRET_SETTINGS = (("web", "SECRET_KEY"), ("web", "STRIPE_API_KEY"), ("web", "DATABASE_URL"),
                   ("db", "POSTGRES_PASSWORD"))


def fed_by(value: str, setting: str) -> bool:
    """Does this value appear in the setting as a whole word (not inside a longer one)?"""
    return bool(value) and re.search(rf"(?<![\w-]){re.escape(value)}(?![\w-])", setting) is not None


def secret_feeders(up, values: dict[str, str]) -> dict[str, str]:  # noqa: ANN001 - a Stack
    """Each variable set in Coolify that ends up in a secret, with the setting it feeds."""
    feeds: dict[str, str] = {}
    for service, key in SECRET_SETTINGS:
        if service not in up.containers:
            continue
        setting = up.env_of(service).get(key, "")
        if key == "DATABASE_URL":
            try:
                password = urlsplit(setting).password or ""
            except ValueError:
                password = ""
        for name, value in values.items():
            if name in feeds:
                continue
            if key != "DATABASE_URL" and fed_by(value, setting):
                feeds[name] = f"{service}'s {key}"
            elif key == "DATABASE_URL" and value == setting:
                feeds[name] = f"{service}'s {key}"
            elif key == "DATABASE_URL" and fed_by(value, password):
                feeds[name] = f"the password in {service}'s {key}"
    return feeds


def required_names(up, values: dict[str, str]) -> dict[str, str]:  # noqa: ANN001 - a Stack
    """The secrets: each variable feeding a secret setting, and other secrets the file reads."""
    feeds = secret_feeders(up, values)
    for name in values:
        if name not in feeds and name not in VALUES and (is_secret(name) or name == "DATABASE_URL"):
            feeds[name] = f"the secret {name}"
    return feeds


def deploy_with(values: dict[str, str]):  # noqa: ANN201 - a deploy.compose.Stack
    """Compose up with these variables set in Coolify (DeployError if compose refuses)."""
    return deploy_compose.load(compose_text(), values).up()


def test_secrets_are_required():
    """A variable that feeds a secret stops the deploy when it is missing or empty in Coolify."""
    every = coolify_values()
    try:
        up = deploy_with(every)
    except DeployError as exc:
        fail(f"{FILE}: with every variable set in Coolify, the deploy still stops: {exc}")
    lines = {}
    for name, _, _, line in references(compose_text()):
        lines.setdefault(name, line)
    for name, feeds in required_names(up, every).items():
        for state, values in (
            ("not set", {k: v for k, v in every.items() if k != name}),
            ("set but empty", {**every, name: ""}),
        ):
            try:
                deploy_with(values)
            except DeployError:
                continue
            fail(
                f"{FILE} line {lines.get(name, 1)}: with {name} {state} in Coolify, the deploy "
                f"goes ahead and {feeds} is filled without it: the app or the database starts "
                "with an empty or committed secret (or crash-loops on it) instead of the deploy "
                "stopping with a clear message"
            )


def test_each_secret_reaches_its_service():
    """The values set in Coolify are the ones the app and the database get."""
    try:
        up = deploy_with(coolify_values())
    except DeployError:
        pytest.skip("see the check above")
    if "web" not in up.containers or "db" not in up.containers:
        pytest.skip("the services web and db are checked above")
    web = up.env_of("web")
    for name in ("SECRET_KEY", "STRIPE_API_KEY"):
        if web.get(name) != VALUES[name]:
            fail(f"{FILE}: web's {name} is '{web.get(name, '')}', not the value set in "
                 f"Coolify ({VALUES[name]}): the app would use another secret")
    url = web.get("DATABASE_URL", "")
    checks.require(up.connect("web", url), f"{FILE}: web cannot open the database with "
                   f"DATABASE_URL={url}")


def test_env_example_lists_every_variable():
    """.env.example has a line for every variable that compose.yaml uses."""
    entries = example_entries()
    missing = []
    for name, _, _, line in references(compose_text()):
        if name not in entries and name not in [m[0] for m in missing]:
            missing.append((name, line))
    if missing:
        name, line = missing[0]
        more = f" (also {', '.join(n for n, _ in missing[1:])})" if len(missing) > 1 else ""
        fail(
            f"{FILE} line {line} uses {name}, which is not listed in .env.example{more}. The "
            "example file is the checklist for the next deploy: a variable missing from it is "
            "the one nobody sets"
        )


def test_env_example_holds_no_secret_values():
    """.env.example names the secrets without values."""
    for name, (value, line) in example_entries().items():
        if is_secret(name) and value:
            fail(
                f"{EXAMPLE} line {line}: {name} has a value. This file is committed, so a real "
                "value in it is as public as the code (and a placeholder like 'changeme' ends "
                "up deployed sooner or later)"
            )
        if password_in_url(value):
            fail(
                f"{EXAMPLE} line {line}: the URL in {name} carries a password. This "
                "file is committed, so that password is as public as the code, and anyone who "
                "copies the example deploys with it"
            )


def test_reviewer_finds_no_errors():
    """The compose reviewer finds no error."""
    findings = [f for f in compose.check(submission.read(FILE), source=FILE) if f.is_error]
    if findings:
        fail("\n".join(f"{FILE} line {f.line}: {f.message}" for f in findings))
