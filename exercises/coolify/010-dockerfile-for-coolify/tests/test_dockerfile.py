"""Checks that the Dockerfile builds an image Coolify can run behind its Traefik proxy."""

from __future__ import annotations

import re
from typing import NoReturn

import pytest
from grading import deploy
from grading import dockerfile
from grading import submission
from grading.deploy import checks

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
ALL_INTERFACES = {"", "0.0.0.0", "::", "[::]"}
PORT_VARIABLE = re.compile(r"\$\{?PORT\b")
# Accounts that exist in Debian-based images without being created.
BUILT_IN_USERS = {"nobody", "www-data", "daemon"}


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it; no assert rewriting noise)."""
    raise AssertionError(message)


def parsed(strict: bool = False) -> dockerfile.Dockerfile:
    """The learner's Dockerfile; if it cannot be read, only the first test reports why."""
    try:
        return dockerfile.parse(submission.read("Dockerfile"))
    except dockerfile.DockerfileError as exc:
        if strict:
            fail(f"Dockerfile line {exc.line}: {exc.message}")
        pytest.skip("the Dockerfile cannot be read yet (see the first check)")


def gunicorn_args(df: dockerfile.Dockerfile) -> tuple[dockerfile.Startup, list[str]] | None:
    """The startup command and the words after `gunicorn` in it, or None if gunicorn is absent."""
    start = df.startup()
    if start is None:
        return None
    words = list(start.words)
    for i, word in enumerate(words):
        if word.rsplit("/", 1)[-1] == "gunicorn":
            return start, words[i + 1 :]
    return None


def binds_of(args: list[str]) -> list[str]:
    """The addresses given with --bind / -b (in any of their spellings)."""
    binds = []
    for i, word in enumerate(args):
        if word in ("--bind", "-b") and i + 1 < len(args):
            binds.append(args[i + 1])
        elif word.startswith("--bind="):
            binds.append(word.split("=", 1)[1])
        elif word.startswith("-b") and len(word) > 2 and not word.startswith("--"):
            binds.append(word[2:])
    return binds


def split_address(bind: str) -> tuple[str, str]:
    """'0.0.0.0:${PORT}' -> ('0.0.0.0', '${PORT}'); '[::]:80' -> ('[::]', '80')."""
    if bind.startswith("["):
        host, _, port = bind.partition("]")
        return host + "]", port.lstrip(":")
    # ${PORT:-8000} contains a colon: split on the first colon not inside ${...}.
    depth = 0
    for i, char in enumerate(bind):
        depth += char == "{"
        depth -= char == "}"
        if char == ":" and depth == 0:
            return bind[:i], bind[i + 1 :]
    return bind, ""


def all_binds(df: dockerfile.Dockerfile) -> tuple[dockerfile.Startup, list[str]]:
    """The startup command and every gunicorn bind (command line and GUNICORN_CMD_ARGS)."""
    found = gunicorn_args(df)
    if found is None:
        pytest.skip("the container does not start gunicorn yet (see that check)")
    start, args = found
    extra = dockerfile.split_words(df.env().get("GUNICORN_CMD_ARGS", ""))
    return start, binds_of(args) + binds_of(extra)


def test_dockerfile_can_be_read():
    """The Dockerfile is well-formed."""
    df = parsed(strict=True)
    for ins in df.instructions():
        if ins.looks_like_broken_json:
            fail(
                f"Dockerfile line {ins.line}: {ins.kind} starts with '[' but is not valid JSON "
                "(JSON needs double quotes). Docker then runs the whole text through a shell, "
                "brackets and all, and the container fails to start"
            )


def test_base_image_is_pinned_and_slim():
    """The base image is a slim variant with a pinned version."""
    df = parsed()
    stage = df.chain()[0]
    image = df.base_image()
    written = f"{image.name}:{image.tag}" if image.tag else image.name
    where = f"Dockerfile line {stage.line}"
    if "$" in f"{image.name}{image.tag}":
        fail(
            f"{where}: the base image '{stage.base}' depends on a build argument with no "
            "default value, so nobody can tell which image is used, and a build without that "
            "argument stops at this line"
        )
    if not image.tag and not image.digest or image.tag == "latest":
        fail(
            f"{where}: FROM {written} means 'latest', which moves to a new Python release "
            "without warning; a redeploy can break with no change of yours"
        )
    if image.tag and not image.digest:
        if not image.tag[0].isdigit():
            fail(
                f"{where}: the tag '{image.tag}' follows whatever Python is newest, so the next "
                "build can run the app on a Python it was never tested with"
            )
        if re.match(r"^\d+(-|$)", image.tag):
            fail(
                f"{where}: '{image.tag}' pins only the major version, so 3.12 can turn into "
                "3.13 on the next build, with no change of yours"
            )
    if "slim" not in image.tag:
        if "alpine" in image.tag:
            fail(
                f"{where}: Alpine uses musl instead of glibc, so many Python wheels do not "
                "install and have to be compiled: slow builds that break when a compiler is "
                "missing"
            )
        if not image.tag:
            fail(
                f"{where}: a digest pins the image exactly, but nobody can tell whether it is "
                "a slim one; a reader of the file cannot check what it runs on"
            )
        fail(
            f"{where}: {written} is the full image, near 1 GB with compilers and tools the "
            "app never uses at run time: slower deploys, more disk on a small VPS, more to "
            "patch"
        )


def is_pip_install(ins: dockerfile.Instruction) -> bool:
    """A RUN that installs requirements.txt with pip (or builds wheels from it)."""
    text = " ".join([ins.args, *ins.heredocs])
    return "pip" in text and ("install" in text or "wheel" in text) and "requirements" in text


def copies_code(ins: dockerfile.Instruction) -> bool:
    """A COPY/ADD from the build context that brings in the app's code."""
    if "from" in ins.flags:
        return False
    sources, _ = ins.sources_and_destination()
    return any(s in (".", "./", "*", "app.py") or s.endswith(".py") for s in sources)


def copies_requirements(ins: dockerfile.Instruction) -> bool:
    """A COPY/ADD of requirements.txt on its own."""
    sources, _ = ins.sources_and_destination()
    return "from" not in ins.flags and any("requirements" in s for s in sources)


def install_finds_requirements(line: int) -> bool:
    """Does the build model's pip find requirements.txt at this line (a bind mount, say)?

    `RUN --mount=type=bind,source=requirements.txt,target=...` (what `docker init` writes)
    gives the file to that RUN only, without a COPY; the model builds it as BuildKit does.
    """
    try:
        image = deploy.build(submission.read("Dockerfile"),
                             checks.context("app.py", "requirements.txt"))
    except deploy.DeployError:
        return False
    return not (image.error is not None and image.error_line == line)


def test_requirements_are_installed_before_the_code():
    """requirements.txt is copied and installed before the rest of the code."""
    df = parsed()
    installs = [ins for ins in df.instructions("RUN") if is_pip_install(ins)]
    if not installs:
        fail(
            "No RUN line installs requirements.txt, so the image has no Flask and no "
            "gunicorn: the container stops at once"
        )
    install = installs[0]
    stage = df.stages[install.stage]
    before = [
        ins for s in df.chain(stage) for ins in s.instructions
        if ins.kind in ("COPY", "ADD") and (s is not stage or ins.line < install.line)
    ]
    early_code = [ins for ins in before if copies_code(ins)]
    if early_code:
        copy = early_code[0]
        fail(
            f"Dockerfile line {copy.line} copies the code ({copy.text()}) before line "
            f"{install.line} installs the requirements. Docker reuses a cached layer only while "
            "nothing before it has changed, so every edit to app.py invalidates the pip install "
            "layer and each deploy downloads every package again"
        )
    if not any(copies_requirements(ins) for ins in before) and not install_finds_requirements(
            install.line):
        fail(
            f"Dockerfile line {install.line} installs requirements.txt, but no COPY before it "
            "puts that file in the image, so pip cannot find it and the build stops there"
        )
    later_code = [
        ins for ins in df.chain_instructions() if copies_code(ins) and ins.line > install.line
    ]
    if not later_code:
        fail(
            f"After the install on line {install.line}, nothing copies app.py into the image: "
            "gunicorn would find no app to run and the container stops at once"
        )


def creates_user(name: str) -> bool:
    """Does the image have this user once it is built (useradd/adduser as the shell runs them)?

    The deploy model runs each RUN with the ARG and ENV values the builder gives it, so
    `useradd "$APP_USER"` with `ARG APP_USER=shop` creates shop, and `true || useradd shop`
    creates nobody.
    """
    try:
        image = deploy.build(submission.read("Dockerfile"),
                             checks.context("app.py", "requirements.txt"))
    except deploy.DeployError:
        return False
    return image.final.user_exists(name)


def test_runs_as_a_non_root_user():
    """The app runs as a user without root rights."""
    df = parsed()
    user = df.user_of_final_stage()
    if user is None:
        fail(
            "There is no USER line, so the container runs as root. Whoever breaks into the app "
            "is then root inside the container, one container-escape bug away from root on "
            "the VPS that runs all your apps"
        )
    name = user.split(":", 1)[0]
    line = df.chain_instructions("USER")[-1].line
    if name in ("root", "0"):
        fail(
            f"Dockerfile line {line}: USER {user} still runs as root, with every right inside "
            "the container"
        )
    if not name.isdigit() and name not in BUILT_IN_USERS and not creates_user(name):
        fail(
            f"Dockerfile line {line}: USER {name}, but no RUN line before it creates that user "
            f"(useradd or adduser). The container would stop at once with 'unable to find user "
            f"{name}'"
        )


def test_starts_gunicorn_not_the_dev_server():
    """The container starts gunicorn, a production server, not Flask's development server."""
    df = parsed()
    start = df.startup()
    if start is None:
        fail(
            "There is no CMD or ENTRYPOINT, so the container runs the base image's default "
            "(a Python prompt), which exits at once: Coolify restarts it again and again"
        )
    if gunicorn_args(df) is not None:
        return
    words = " ".join(start.words)
    if "app.py" in words or "flask" in start.words:
        detail = (
            " This app.py even listens on 127.0.0.1 only and turns on the interactive "
            "debugger, which must never face the internet." if "app.py" in words else ""
        )
        fail(
            f"Dockerfile line {start.line} starts Flask's development server ({words}). It is "
            "made for your laptop, not for visitors; Flask itself warns not to use it in "
            f"production.{detail}"
        )
    fail(
        f"Dockerfile line {start.line} starts '{words}', which is not a production server "
        "for the Flask app: visitors reach no gunicorn, the server the app is meant to run "
        "under"
    )


def test_listens_on_all_interfaces():
    """gunicorn listens on every interface (0.0.0.0), where Traefik can reach it."""
    df = parsed()
    start, binds = all_binds(df)
    if not binds:
        if "PORT" in df.env():
            return  # gunicorn binds 0.0.0.0:$PORT by itself when PORT is set
        fail(
            f"Dockerfile line {start.line}: gunicorn has no --bind and the image sets no PORT, "
            "so gunicorn listens on 127.0.0.1:8000, inside the container only. Coolify's "
            "Traefik proxy would get 502 Bad Gateway"
        )
    env = df.env()
    for bind in binds:
        if bind.startswith(("unix:", "fd://")):
            fail(
                f"Dockerfile line {start.line}: gunicorn binds {bind}, which is not a network "
                "port; Traefik reaches the container over TCP, so every visitor gets 502 Bad "
                "Gateway"
            )
        host, _ = split_address(bind)
        host = dockerfile.expand(host, env)
        if host in LOOPBACK_HOSTS:
            fail(
                f"Dockerfile line {start.line}: gunicorn binds {bind}. 127.0.0.1 accepts only "
                "connections from inside the container itself, but Coolify's Traefik proxy "
                "connects from outside it, over Docker's network: every visitor gets 502 Bad "
                "Gateway"
            )
        if host not in ALL_INTERFACES:
            fail(
                f"Dockerfile line {start.line}: gunicorn binds {bind}, one address only; Traefik "
                "connects to the container's address on Docker's network, which may not be "
                "that one, and then gets 502 Bad Gateway"
            )


def test_port_comes_from_the_environment():
    """The port comes from the PORT environment variable, with a default."""
    df = parsed()
    start, binds = all_binds(df)
    env = df.env()
    if not binds:
        if "PORT" in env:
            return  # gunicorn reads PORT itself
        fail(
            f"Dockerfile line {start.line}: nothing tells gunicorn which port to use, so it "
            "listens on 127.0.0.1:8000, whatever port Coolify sends traffic to"
        )
    for bind in binds:
        _, port = split_address(bind)
        if port.isdigit():
            fail(
                f"Dockerfile line {start.line}: the port is fixed at {port}. Coolify sends "
                "traffic to the port set for the app, and the team sets it with the PORT "
                "variable; with a fixed number the two can drift apart and Traefik knocks on a "
                "closed door (502 Bad Gateway)"
            )
        if not PORT_VARIABLE.search(port):
            fail(
                f"Dockerfile line {start.line}: gunicorn binds {bind}, a port that does not "
                "come from the PORT variable: when the team changes the port in Coolify, "
                "Traefik knocks on a closed door"
            )
        if not start.via_shell:
            fail(
                f"Dockerfile line {start.line}: the command is in exec form (a JSON array), so "
                f"no shell runs it and '{port}' reaches gunicorn as plain text; it stops with "
                f"\"'{port}' is not a valid port number\", and the container restarts again and "
                "again"
            )
        if "PORT" not in env and ":-" not in port:
            fail(
                f"Dockerfile line {start.line}: if PORT is not set, {port} is empty and "
                "gunicorn gets no port: run anywhere PORT is not set (docker run, a test), the "
                "container stops at once"
            )
