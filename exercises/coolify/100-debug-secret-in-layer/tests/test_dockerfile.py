"""Checks that no secret ends up in an image layer, its configuration or its history."""

from __future__ import annotations

from typing import NoReturn

import pytest
from grading import deploy
from grading import dockerfile
from grading import findings
from grading import submission
from grading.deploy import checks

LEAKED_VALUES = ("sk_live_EXAMPLE_not_a_real_key", "pk_9d81c44e0b", "Xk2p9dQ7")
PRIVATE_INDEX = "pkgs.example.com"


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def text() -> str:
    return submission.read("Dockerfile")


def parsed(strict: bool = False) -> dockerfile.Dockerfile:
    """The learner's Dockerfile; only the first test reports why it cannot be read."""
    try:
        return dockerfile.parse(text())
    except dockerfile.DockerfileError as exc:
        if strict:
            fail(f"Dockerfile line {exc.line}: {exc.message}")
        pytest.skip("the Dockerfile cannot be read yet (see the first check)")


def first_finding(rule: str) -> None:
    """Fail with the checker's message for the first finding of this rule, if any."""
    for finding in dockerfile.check(text()):
        if finding.rule == rule:
            fail(f"Dockerfile line {finding.line}: {finding.message}")


def test_dockerfile_can_be_read():
    """The Dockerfile is well-formed."""
    parsed(strict=True)


def test_no_secret_value_is_written_in_it():
    """No leaked value is written in the Dockerfile."""
    for number, line in enumerate(text().splitlines(), start=1):
        for value in LEAKED_VALUES:
            if value in line:
                fail(
                    f"Dockerfile line {number} still contains {value[:8]}..., a value from "
                    "report.txt. The Dockerfile goes to git and the image to the registry; "
                    "whatever is written here is readable by everyone who has either"
                )


def test_no_secret_in_env():
    """No ENV sets a secret, not even from a build argument."""
    parsed()
    first_finding("secret-in-env")
    for ins in parsed().instructions("ENV"):
        for name, value in dockerfile.parse_env(ins).items():
            if findings.looks_like_secret_name(name):
                fail(
                    f"Dockerfile line {ins.line}: ENV {name}={value}. An ENV is filled in at "
                    "build time and stored in the image's configuration (docker inspect "
                    "shows it), even when its value comes from an ARG, so everyone who can "
                    "pull the image can read it"
                )


def test_no_secret_build_argument():
    """No secret travels as a build argument (ARG)."""
    parsed()
    first_finding("secret-in-arg")


def test_no_credential_file_in_a_layer():
    """No credential file (.env) is copied into a layer."""
    parsed()
    first_finding("secret-file-copied")


def test_private_index_uses_a_build_secret():
    """pip reaches the private package index with the token of this build."""
    parsed()
    image = built()
    if image.error is not None:
        pytest.skip("the image does not build (see the last check)")
    private = [(line, url) for line, url in image.package_indexes if PRIVATE_INDEX in url]
    if not private:
        fail(
            f"No RUN line uses the private index ({PRIVATE_INDEX}) any more, so pip cannot "
            "install shop-pricing and the build fails"
        )
    if not any(TOKEN in url for _, url in private):
        line, url = private[0]
        fail(
            f"Dockerfile line {line}: pip asks {PRIVATE_INDEX} without this build's token "
            f"(the URL it gets is {url}), so the index answers 401 and shop-pricing is not "
            "installed (the team's build passes the token as the build secret pip_token)"
        )


def test_app_still_starts():
    """The image still runs gunicorn as the user shop."""
    df = parsed()
    start = df.startup()
    if start is None or "gunicorn" not in " ".join(start.words):
        fail("The container no longer starts gunicorn, so the shop serves no visitors")
    if df.user_of_final_stage() != "shop":
        fail("The image no longer switches to the user shop, so the app runs with other "
             "rights than the team gave it")


TOKEN = "pk_rotated_7f3a91"
DOTENV = "DATABASE_URL=postgresql://shop:Rot4ted9x@db:5432/shop\nMAIL_API_KEY=mk-rotated-51\n"
REQUIREMENTS = "flask\ngunicorn\nshop-pricing\n"
APP = "from flask import Flask\napp = Flask(__name__)\n"


def built() -> deploy.Image:
    """The image, built the way the team builds it: new token, a .env in the folder."""
    try:
        return deploy.build(
            text(), {"app.py": APP, "requirements.txt": REQUIREMENTS, ".env": DOTENV},
            build_args={"PIP_TOKEN": TOKEN}, secrets={"pip_token": TOKEN},
        )
    except deploy.DeployError:
        pytest.skip("the Dockerfile cannot be read yet (see the first check)")


def test_nothing_secret_can_be_read_from_the_built_image():
    """Built with the new token and .env in the folder, the image reveals none of them."""
    image = built()
    if image.error is not None:
        checks.require(image.error, "The image does not build")
    leaks = image.leaks()
    if leaks:
        leak = leaks[0]
        fail(f"Dockerfile line {leak.line}: someone who pulls the image can read "
             f"{leak.what}: {leak.why}")
    container = image.run({"PORT": "8000"})
    if container.crash is not None:
        checks.require(container.crash, "The container does not start")
