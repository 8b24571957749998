"""The registry of the Dockerfile and compose checkers' rules, and their reference page.

Each rule has a stable id, the severity it is reported with (some rules are an error in one
situation and advice in another; `severity` is the usual one), a one-line summary and what to
do about it. `python -m app.grading.deploy.rules > docs/checker-rules.md` writes the reference
page (in the manner of hadolint's DL rules); a unit test keeps that page in step with this table.

Errors mean "this will not work, or it is unsafe"; warnings are advice that fits most images but
not all (base images, for one, often leave USER to the images built on them).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"
EITHER = "error or warning"


@dataclass(frozen=True)
class Rule:
    """One checker rule."""

    id: str
    checker: str  # "dockerfile", "compose" or "both"
    severity: str
    summary: str
    remediation: str


def _rules(*rows: tuple[str, str, str, str, str]) -> dict[str, Rule]:
    return {row[0]: Rule(*row) for row in rows}


RULES: dict[str, Rule] = _rules(
    # -- reading the file ---------------------------------------------------------------------
    ("dockerfile-syntax", "dockerfile", ERROR, "The Dockerfile cannot be parsed.",
     "Fix the instruction on the reported line (keyword, flags, JSON array)."),
    ("yaml-syntax", "compose", ERROR, "The compose file is not valid YAML.",
     "Fix the reported line (indentation with spaces, quotes, colons)."),
    ("yaml-aliases", "compose", ERROR,
     "YAML aliases expand to an enormous document (a 'billion laughs' file).",
     "Use fewer nested aliases; compose files never need that many values."),
    ("yaml-warning", "compose", WARNING, "The YAML parser noted something unusual.",
     "Read the note; it usually points at a duplicated or odd value."),
    ("not-text", "both", ERROR, "The file is binary, not text.",
     "Check that the right file was given."),
    ("not-utf8", "both", ERROR, "The file is not UTF-8 text.", "Save it as UTF-8."),
    ("unreadable-file", "both", ERROR, "The file cannot be opened.",
     "Check the path and its permissions."),
    ("file-too-large", "both", ERROR, "The file is larger than the checker reads.",
     "Split it (compose: include:)."),
    ("compose-shape", "compose", ERROR, "A key holds the wrong kind of value.",
     "Write the shape the Compose specification gives for that key."),
    ("several-documents", "compose", WARNING, "The file holds several YAML documents.",
     "Merge them, or use include: for separate files."),
    ("unchecked", "compose", WARNING, "Part of the file could not be reviewed.",
     "Check its shape against the Compose documentation."),
    # -- Dockerfile: base image ----------------------------------------------------------------
    ("base-image-variable", "dockerfile", ERROR,
     "FROM depends on a build argument without a default.",
     "Give the ARG before FROM a default value."),
    ("base-image-unpinned", "dockerfile", WARNING,
     "The base image tag is 'latest' or another moving name.",
     "Pin a version (python:3.12-slim) or a release codename (debian:bookworm-slim)."),
    ("base-image-floating", "dockerfile", WARNING,
     "The Python base image pins only the major version.",
     "Pin major.minor, e.g. python:3.12-slim."),
    ("base-image-heavy", "dockerfile", WARNING,
     "The final image starts from a full image with compilers.",
     "Use the -slim variant, or build in a full stage and copy into a slim one."),
    ("python-alpine", "dockerfile", WARNING,
     "A Python image on Alpine compiles many packages from source.",
     "Prefer the Debian-based -slim variant."),
    # -- Dockerfile: user -----------------------------------------------------------------------
    ("runs-as-root", "dockerfile", WARNING,
     "The container runs as root (no USER, or USER root).",
     "Create a user and switch to it with USER before CMD (not needed in base images or "
     "when the entrypoint drops privileges with gosu)."),
    ("user-not-created", "dockerfile", EITHER,
     "USER names an account that neither the base image nor a step that runs creates "
     "(built in the deploy model: `RUN true || useradd app` creates nobody).",
     "Create it with useradd/adduser first (error when the model knows the base image and "
     "follows every step, advice otherwise)."),
    # -- Dockerfile: layers and packages --------------------------------------------------------
    ("deps-after-code", "dockerfile", WARNING,
     "The code is copied before the dependencies are installed.",
     "Copy the dependency file alone, install, then copy the rest."),
    ("deps-file-missing", "dockerfile", ERROR,
     "Built in the deploy model, pip installs a requirements file that is not in the image "
     "at that step.",
     "COPY the requirements file before the RUN that installs it."),
    ("apt-no-yes", "dockerfile", ERROR, "apt-get install without -y aborts in a build.",
     "Write apt-get install -y --no-install-recommends ..."),
    ("apt-lists-kept", "dockerfile", WARNING, "apt package lists stay in the layer.",
     "End the same RUN with rm -rf /var/lib/apt/lists/*."),
    ("apt-update-alone", "dockerfile", WARNING, "apt-get update runs in a RUN of its own.",
     "Update and install in the same RUN."),
    ("apk-cache-kept", "dockerfile", WARNING, "apk keeps its index in the layer.",
     "Use apk add --no-cache."),
    ("pip-cache-kept", "dockerfile", WARNING, "pip's download cache stays in the layer.",
     "Use --no-cache-dir or a cache mount."),
    ("debian-frontend-env", "dockerfile", WARNING,
     "DEBIAN_FRONTEND is set with ENV, so it stays in the running container.",
     "Set it for the RUN only (ARG, or a prefix on the command)."),
    ("add-instead-of-copy", "dockerfile", WARNING, "ADD is used for local files.",
     "Use COPY; ADD also unpacks archives and fetches URLs."),
    ("maintainer-deprecated", "dockerfile", WARNING, "MAINTAINER is deprecated.",
     "Use LABEL org.opencontainers.image.authors=..."),
    ("no-workdir", "dockerfile", WARNING, "Files are copied without a WORKDIR.",
     "Set WORKDIR /app before copying."),
    ("workdir-relative", "dockerfile", WARNING, "WORKDIR is a relative path.",
     "Use an absolute path."),
    ("build-fails", "dockerfile", ERROR,
     "Built in the deploy model, a step fails (a program the image lacks, apt-get install "
     "without apt-get update, a stage or file that is not there).",
     "Read the step the message names: install or copy what it needs first."),
    ("unknown-stage", "dockerfile", ERROR, "COPY --from names a stage that does not exist.",
     "Use the AS name or the index of an earlier stage."),
    # -- Dockerfile: start-up -------------------------------------------------------------------
    ("no-cmd", "dockerfile", WARNING, "There is no CMD or ENTRYPOINT.",
     "Start the app's server with CMD."),
    ("repeated-cmd", "dockerfile", WARNING, "Several CMD lines; only the last counts.",
     "Keep one CMD per stage."),
    ("broken-exec-form", "dockerfile", ERROR,
     "A JSON-looking CMD is not valid JSON, so a shell runs it brackets and all.",
     "Use double quotes in the JSON array."),
    ("variable-in-exec-form", "dockerfile", ERROR,
     "An exec-form command contains $VARIABLE, which no shell expands.",
     "Let a shell run it: [\"sh\", \"-c\", \"exec ...\"], or the shell form."),
    ("shell-pid1", "dockerfile", WARNING,
     "Started in the deploy model, a shell stays PID 1 (or tini's child), so docker stop's "
     "SIGTERM does not reach the server.",
     "Start the server with exec (or use the exec form)."),
    ("dev-server", "dockerfile", EITHER, "A development server runs in the image.",
     "Run a production server (gunicorn, uvicorn) instead."),
    ("binds-loopback", "dockerfile", ERROR,
     "The server listens on 127.0.0.1, which the proxy cannot reach.",
     "Listen on 0.0.0.0."),
    ("binds-one-address", "dockerfile", WARNING,
     "The server listens on one fixed address that changes with each container.",
     "Listen on 0.0.0.0."),
    ("port-hard-coded", "dockerfile", WARNING,
     "Started in the deploy model with another PORT (as Coolify sets it), the server still "
     "listens on the same port.",
     "Read the port from the PORT variable, with a default."),
    ("expose-mismatch", "dockerfile", WARNING,
     "EXPOSE differs from the port the server listens on in the deploy model.",
     "Expose the port the server uses."),
    ("python-buffered-output", "dockerfile", WARNING,
     "Python buffers its output, so logs arrive late.",
     "Set ENV PYTHONUNBUFFERED=1."),
    ("no-healthcheck", "dockerfile", WARNING,
     "There is no HEALTHCHECK, so a deploy cannot tell a working container from a broken one.",
     "Add a HEALTHCHECK that calls the app with a tool the image has."),
    ("healthcheck-tool-missing", "dockerfile", WARNING,
     "The HEALTHCHECK runs a program the built image does not have (curl in python:slim, "
     "unless a step that runs installs it).",
     "Use a tool the image has (python -c ...), or install the program."),
    # -- Dockerfile: secrets --------------------------------------------------------------------
    ("secret-in-env", "dockerfile", ERROR,
     "The built image's configuration holds a secret (an ENV with a secret's name or a URL "
     "with a password).",
     "Pass run-time secrets as environment variables when the container starts."),
    ("secret-in-arg", "dockerfile", EITHER,
     "A build argument that looks secret has a default written in the file, or (built in the "
     "deploy model with a marker value) a step records it in the image history (advice when "
     "only a build stage left behind records it).",
     "Use a build secret: RUN --mount=type=secret,id=..."),
    ("secret-file-copied", "dockerfile", ERROR,
     "A secrets file (.env, keys) is in a layer of the final image (COPY --from included; a "
     "build stage left behind does not count).",
     "Keep it out (.dockerignore); deleting it later does not remove it from the layer."),
    # -- compose ---------------------------------------------------------------------------------
    ("no-services", "compose", ERROR, "There is no services: section.",
     "Add the services to run."),
    ("unknown-top-level", "compose", ERROR, "An unknown top-level key.",
     "Use the keys of the Compose specification (x- for extensions)."),
    ("unknown-key", "compose", EITHER, "An unknown key in a service or healthcheck.",
     "Fix the spelling; x- keys are extensions."),
    ("invalid-service-name", "compose", ERROR, "A service name with characters Compose refuses.",
     "Use letters, digits, '.', '_' and '-'."),
    ("no-image-or-build", "compose", ERROR, "A service has neither image: nor build:.",
     "Give it one of them."),
    ("image-unpinned", "compose", WARNING, "An image without a version tag.",
     "Pin a version."),
    ("db-image-unpinned", "compose", WARNING,
     "A database image on :latest; a new major version cannot read the old data.",
     "Pin the major version."),
    ("plain-secret", "compose", ERROR, "A secret is written in the compose file.",
     "Refer to a variable set in Coolify: ${NAME:?message}."),
    ("secret-default", "compose", WARNING,
     "A secret's ${NAME:-value} fallback writes a password into the file.",
     "Drop the fallback: ${NAME} or ${NAME:?message}, with the value set in Coolify."),
    ("compose-interpolation", "compose", WARNING,
     "Compose's interpolation gives a healthcheck another value of a variable than the "
     "container has (a $VARIABLE meant for the container's shell).",
     "Write $$ to leave it to the container."),
    ("db-no-password", "compose", WARNING, "PostgreSQL trusts every connection.",
     "Remove POSTGRES_HOST_AUTH_METHOD=trust and set a password."),
    ("invalid-port", "compose", ERROR, "A port mapping Docker refuses (numbers, host IP).",
     "Write \"HOST:CONTAINER\", optionally with a valid IP address first."),
    ("unquoted-port", "compose", WARNING, "An unquoted port mapping may be read as base 60.",
     "Quote every port mapping."),
    ("db-port-published", "compose", WARNING, "A database port is published on the host.",
     "Remove ports: (the app reaches it over the compose network)."),
    ("port-bypasses-proxy", "compose", WARNING,
     "A service routed by Traefik also publishes its port.",
     "Use expose: or nothing instead of ports:."),
    ("undeclared-volume", "compose", ERROR,
     "A named volume is not declared at the top level (Coolify's templates excepted: "
     "Coolify declares them).",
     "Declare it under volumes:."),
    ("db-without-volume", "compose", EITHER,
     "Brought up in the deploy model, a database keeps its data in the container, an "
     "anonymous volume or a tmpfs, so a redeploy starts it empty.",
     "Mount a named volume where the image keeps its data."),
    ("db-volume-read-only", "compose", ERROR,
     "The database's data folder is on a read-only mount, so it cannot write its files.",
     "Mount a writable named volume there."),
    ("db-volume-path", "compose", ERROR,
     "The volume is mounted where this database version does not keep its data.",
     "Mount it at the data folder of that version (PostgreSQL 18: /var/lib/postgresql)."),
    ("invalid-condition", "compose", ERROR, "An unknown depends_on condition.",
     "Use service_started, service_healthy or service_completed_successfully."),
    ("healthy-without-healthcheck", "compose", EITHER,
     "A service waits for another to be healthy, but that one has no health check.",
     "Give the dependency a healthcheck (advice only when its image may bring one)."),
    ("depends-on-not-ready", "compose", WARNING,
     "The app waits only for the database container to start.",
     "Use condition: service_healthy with a database healthcheck."),
    ("healthcheck-test", "compose", ERROR, "A healthcheck test that cannot run.",
     "Start the list with CMD or CMD-SHELL."),
    ("unknown-service", "compose", ERROR, "A reference to a service that does not exist.",
     "Fix the name."),
    ("invalid-restart", "compose", ERROR, "An unknown restart policy.",
     "Use no, always, unless-stopped or on-failure[:N]."),
    ("traefik-rule", "compose", ERROR, "A Traefik rule that Traefik v3 refuses.",
     "Write matchers with values in backticks: Host(`example.com`)."),
    ("traefik-port", "compose", ERROR,
     "The loadbalancer.server.port Traefik reads (after Compose's interpolation) is not a "
     "port number from 1 to 65535, so the service has no server.",
     "Write the container's port as a number."),
    ("version-obsolete", "compose", WARNING, "The version: key is obsolete.",
     "Remove it."),
)


def reference_markdown() -> str:
    """The reference page for every rule, grouped by checker."""
    lines = [
        "# Checker rules",
        "",
        "Generated by `python -m app.grading.deploy.rules` from `app/grading/deploy/rules.py`;",
        "do not edit by hand. `flask lint dockerfile|compose` prints the rule id with every",
        "finding. An **error** means the file will not work, or is unsafe, and makes the lint",
        "fail; a **warning** is advice that fits most files but not all.",
        "",
    ]
    for checker, title in (("dockerfile", "Dockerfile"), ("compose", "Compose"),
                           ("both", "Both checkers")):
        lines += [f"## {title}", "", "| rule | severity | what it finds | what to do |",
                  "| --- | --- | --- | --- |"]
        for rule in sorted((r for r in RULES.values() if r.checker == checker),
                           key=lambda r: r.id):
            cells = [f"`{rule.id}`", rule.severity, rule.summary, rule.remediation]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(reference_markdown())
