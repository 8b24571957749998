"""Coolify's magic variables route the domain and share a generated password."""

from __future__ import annotations

from grading import compose
from grading import deploy
from grading import submission
from grading.deploy import checks

FILE = "compose.yaml"
# The app behind `build: .`: gunicorn on 0.0.0.0:8000 (the file is what is judged).
APP_DOCKERFILE = """FROM python:3.12-slim
WORKDIR /app
RUN pip install flask gunicorn psycopg
COPY app.py .
CMD ["sh", "-c", "exec gunicorn --bind 0.0.0.0:${PORT:-8000} app:app"]
"""
APP_PY = "from flask import Flask\napp = Flask(__name__)\n"


def deployed(resource: str = "shop-resource"):  # noqa: ANN201 - a ComposeDeployment
    """Deploy the file as a Coolify resource (its generated values depend on the resource)."""
    try:
        image = deploy.build(APP_DOCKERFILE, {"app.py": APP_PY})
        return deploy.coolify.ComposeApp(submission.read(FILE), builds={"web": image},
                                         seed=resource).deploy()
    except deploy.DeployError as exc:
        checks.fail(f"{FILE}: Coolify's deploy stops: {exc}")


def test_the_generated_domain_reaches_the_shop():
    """Coolify generates a domain and a visitor of it gets the shop from web."""
    deployment = deployed()
    if not deployment.domains:
        checks.fail(
            f"{FILE}: Coolify generates no domain for this resource: no service declares a "
            "SERVICE_FQDN_... or SERVICE_URL_... variable, so nothing is routed to the shop")
    for service, url in deployment.domains.items():
        response = deployment.request(url + "/")
        checks.require(response.outcome(), (
            f"The domain Coolify generated for '{service}' ({url}) does not reach the shop"))
        if response.container != "web":
            checks.fail(f"A visitor of {url} is sent to '{response.container}', not to web")


def test_web_opens_the_database_with_the_generated_password():
    """web's DATABASE_URL works with the user and password Coolify generates."""
    for resource in ("shop-resource", "another-resource"):
        deployment = deployed(resource)
        if "web" not in deployment.stack.containers or "db" not in deployment.stack.containers:
            checks.fail(f"{FILE}: the service web or db is gone, so there is no shop (or no "
                        "database) to deploy")
        url = deployment.stack.env_of("web").get("DATABASE_URL", "")
        checks.require(deployment.stack.connect("web", url), (
            f"{FILE}: deployed as a Coolify resource, web cannot open its database with "
            f"DATABASE_URL={url}"))


def test_no_hand_written_labels_and_no_password_in_the_file():
    """Coolify writes the routing labels; no password is written in the file."""
    doc = compose.load(submission.read(FILE), source=FILE)
    for name, service in (doc.get("services") or {}).items():
        written = [k for k in compose.label_map(service) if str(k).startswith("traefik.")]
        if written:
            checks.fail(
                f"{FILE} line {doc.line_of('services', name, 'labels')}: '{name}' still has "
                f"hand-written Traefik labels ({written[0]}, ...). Coolify writes its own from "
                "the magic variable; two sets of routers for one domain fight over it")
    for finding in compose.check(submission.read(FILE), source=FILE):
        # secret-default: ${SERVICE_PASSWORD_DB:-old} still writes the old password in git.
        if finding.rule in ("plain-secret", "secret-default"):
            checks.fail(f"{FILE} line {finding.line}: {finding.message}")


def test_the_database_user_is_generated_too():
    """db's user is one Coolify generates for each resource, not one written in the file."""
    users = {}
    for resource in ("shop-resource", "another-resource"):
        deployment = deployed(resource)
        if "db" not in deployment.stack.containers:
            checks.fail(f"{FILE}: the service db is gone, so there is no database to deploy")
        env = deployment.stack.env_of("db")
        users[resource] = env.get("POSTGRES_USER") or "postgres"  # the image's default
    if len(set(users.values())) == 1:
        user = users["shop-resource"]
        text = submission.read(FILE).splitlines()
        line = next((n for n, t in enumerate(text, start=1)
                     if "POSTGRES_USER" in t and not t.lstrip().startswith("#")), 0)
        where = f"{FILE} line {line}" if line else f"{FILE}: db"
        checks.fail(
            f"{where}: every deploy of every resource logs into the database as '{user}', a "
            "name anyone who reads the repository knows (or the image's default). Half of the "
            "login is public, and the user Coolify was asked to generate is not used")
