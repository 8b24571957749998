"""Checks a two-stage Dockerfile: compilers only in the build stage, a HEALTHCHECK, gunicorn."""

from __future__ import annotations

import re
from typing import NoReturn

import pytest
from grading import dockerfile
from grading import submission
from grading.deploy import DeployError
from grading.deploy import build as deploy_build
from grading.deploy import checks

FILE = "Dockerfile"
BUILD_TOOLS = ("build-essential", "gcc", "g++", "make", "libpq-dev", "python3-dev")
BASE_RULES = ("base-image-floating", "base-image-heavy", "base-image-unpinned",
              "base-image-variable", "python-alpine")
START_RULES = ("dev-server", "binds-loopback", "variable-in-exec-form", "port-hard-coded",
               "no-cmd", "broken-exec-form")
USER_RULES = ("runs-as-root", "user-not-created")


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def parsed(strict: bool = False) -> dockerfile.Dockerfile:
    """The learner's Dockerfile; if it cannot be read, only the first test says why."""
    try:
        return dockerfile.parse(submission.read(FILE))
    except dockerfile.DockerfileError as exc:
        if strict:
            fail(f"{FILE} line {exc.line}: {exc.message}")
        pytest.skip("the Dockerfile cannot be read yet (see the first check)")


def findings(*rules: str) -> list[dockerfile.Finding]:
    """The reviewer's findings with these rule ids, in reading order."""
    parsed()
    return [f for f in dockerfile.check(submission.read(FILE), source=FILE) if f.rule in rules]


def report(found: list[dockerfile.Finding]) -> None:
    if found:
        fail("\n".join(f"{FILE} line {f.line}: {f.message}" for f in found))


def installs_build_tools(ins: dockerfile.Instruction) -> list[str]:
    """The compilers and -dev headers a RUN installs with apt-get."""
    text = " ".join([ins.args, *ins.heredocs])
    if not re.search(r"apt(-get)?\s+(\S+\s+)*install", text):
        return []
    words = set(dockerfile.split_words(text.replace("\\\n", " ")))
    return [tool for tool in BUILD_TOOLS if tool in words]


def test_dockerfile_can_be_read():
    """The Dockerfile is well-formed."""
    parsed(strict=True)
    report(findings("broken-exec-form", "unknown-stage"))


def test_images_are_pinned_and_slim():
    """Every stage starts from a pinned, slim base image."""
    report(findings(*BASE_RULES))


def test_no_compilers_in_the_final_image():
    """Compilers stay in a build stage; the final image gets only what runs."""
    image = model_image()
    if image.error is not None:
        checks.require(image.error, "The image does not build")
    final = image.final
    tools = [t for t in ("gcc", "cc", "make", "pg_config") if final.has_program(t)]
    if tools:
        fail(
            f"{FILE}: the final image (stage from line {final.line}) still has "
            f"{', '.join(tools)}: the compilers are needed only to build psycopg's C "
            "extension; on the VPS they add hundreds of MB and hand an attacker a toolchain"
        )
    # A later RUN that purges them hides them from the last layer only: `docker history`
    # still lists the layer that installed them, and it ships with the image.
    hidden = [t for t in ("gcc", "cc", "make", "pg_config") if t in final.layer_programs]
    if hidden:
        fail(
            f"{FILE}: the final image (stage from line {final.line}) still ships "
            f"{', '.join(hidden)} in an earlier layer. Removing them in a later RUN only hides "
            "them from the last layer; every layer is part of the image, so it is as large as "
            "before and the toolchain is still there for whoever extracts the layers"
        )


def model_image():  # noqa: ANN201 - grading.deploy.Image
    """The image as the deploy model builds it."""
    try:
        return deploy_build(submission.read(FILE), checks.context("app.py", "requirements.txt"))
    except DeployError:
        pytest.skip("the Dockerfile cannot be read yet (see the first check)")


def asks_healthz() -> bool:
    """Does the check, run in the model, fail when only /healthz answers an error?

    Judged by running it, not by its text: a script written into the image (a COPY
    here-document, say) may call /healthz without the HEALTHCHECK line naming it.
    """
    image = model_image()
    if image.error is not None:
        return True  # the build failure is reported by the checks that need the image
    container = image.run({"PORT": "8000"})
    if container.crash is not None or not container.health().ok:
        return True  # a check that never passes is reported by the deploy checks
    return not container.failing_copy("/healthz").health().ok


def test_has_a_working_healthcheck():
    """The final image has a HEALTHCHECK that calls /healthz with a tool the image has."""
    df = parsed()
    checks = df.chain_instructions("HEALTHCHECK")
    final = df.final_stage()
    if not checks or checks[-1].args.strip().upper() == "NONE":
        fail(
            f"{FILE} line {final.line}: the final stage has no HEALTHCHECK, so Docker and "
            "Coolify only know that gunicorn runs, not that the app answers. A worker stuck "
            "on a dead database stays 'running' for ever, and a broken deploy replaces a "
            "working one"
        )
    check = checks[-1]
    if not asks_healthz():
        fail(
            f"{FILE} line {check.line}: the HEALTHCHECK does not call /healthz, the endpoint "
            "app.py provides, which also checks the database connection. A check of '/' or "
            "of the process alone says 'healthy' while every query fails"
        )
    report(findings("healthcheck-tool-missing"))


def test_starts_gunicorn_on_all_interfaces():
    """The container starts gunicorn on 0.0.0.0 and the PORT variable."""
    report(findings(*START_RULES))
    df = parsed()
    start = df.startup()
    if start is None or not any(w.endswith("gunicorn") for w in start.words):
        line = start.line if start else df.final_stage().line
        fail(
            f"{FILE} line {line}: the container does not start gunicorn, the production "
            "server in requirements.txt; what it starts instead is not made to serve visitors"
        )


def test_runs_as_a_non_root_user():
    """The app runs as a user without root rights."""
    report(findings(*USER_RULES))


def test_reviewer_finds_no_errors():
    """The Dockerfile reviewer finds no error."""
    report([f for f in dockerfile.check(submission.read(FILE), source=FILE) if f.is_error])
