"""Checks that the HEALTHCHECK can pass when the new container works, and only then."""

from __future__ import annotations

import json
import re
from typing import NoReturn

import pytest
from grading import dockerfile
from grading import submission

LOOPBACK = {"127.0.0.1", "localhost", "[::1]"}
URL_RE = re.compile(r"(https?)://(\[[^\]]+\]|[A-Za-z0-9.-]+)")
PORT_VARIABLE_RE = re.compile(r"^\$\{?PORT(?::-\d+)?\}?$")
ROUTE = "/healthz"


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def parsed(strict: bool = False) -> dockerfile.Dockerfile:
    """The learner's Dockerfile; only the first test reports why it cannot be read."""
    try:
        return dockerfile.parse(submission.read("Dockerfile"))
    except dockerfile.DockerfileError as exc:
        if strict:
            fail(f"Dockerfile line {exc.line}: {exc.message}")
        pytest.skip("the Dockerfile cannot be read yet (see the first check)")


def healthcheck() -> tuple[dockerfile.Instruction, str, bool]:
    """The HEALTHCHECK in force, its command as text, and whether a shell runs it."""
    checks = parsed().chain_instructions("HEALTHCHECK")
    if not checks or checks[-1].args.strip().upper() == "NONE":
        pytest.skip("there is no HEALTHCHECK yet (see that check)")
    ins = checks[-1]
    command = re.sub(r"^\s*CMD\s+", "", ins.args, flags=re.IGNORECASE)
    if command.lstrip().startswith("["):
        try:
            argv = [str(word) for word in json.loads(command)]
        except ValueError:
            return ins, command, True
        script = dockerfile.shell_script(argv)
        return ins, script if script is not None else " ".join(argv), script is not None
    return ins, command, True


def test_dockerfile_can_be_read():
    """The Dockerfile is well-formed."""
    parsed(strict=True)


def test_there_is_a_healthcheck():
    """The image has a HEALTHCHECK (Coolify's rolling update waits for it)."""
    checks = parsed().chain_instructions("HEALTHCHECK")
    if not checks or checks[-1].args.strip().upper() == "NONE":
        fail(
            "There is no HEALTHCHECK any more. Then Coolify cannot tell when the new "
            "container is ready: it switches traffic as soon as the process runs, and a broken "
            "deploy replaces a working one. Fix the check instead of removing it"
        )


def test_the_tool_exists_in_the_image():
    """The check uses a program the slim image has."""
    ins, command, _ = healthcheck()
    for finding in dockerfile.check(submission.read("Dockerfile")):
        if finding.rule == "healthcheck-tool-missing":
            fail(f"Dockerfile line {finding.line}: {finding.message}. That is the "
                 "'curl: not found' in deploy-log.txt")
    words = dockerfile.split_words(command)
    if "curl" in words and not any(w in ("-f", "--fail") or re.match(r"^-[a-zA-Z]*f", w)
                                   for w in words):
        fail(f"Dockerfile line {ins.line}: curl without -f exits with 0 even when the app "
             "answers 404 or 500, so a broken app counts as healthy. Add -f (--fail)")


def test_checks_the_new_container_itself():
    """The check asks the app inside its own container (127.0.0.1), not the public domain."""
    ins, command, _ = healthcheck()
    urls = URL_RE.findall(command)
    if not urls:
        fail(f"Dockerfile line {ins.line}: the HEALTHCHECK asks no http:// address; it should "
             f"request http://127.0.0.1:<port>{ROUTE}")
    _, host = urls[0]
    if host not in LOOPBACK:
        fail(
            f"Dockerfile line {ins.line}: the HEALTHCHECK asks {host}. The check runs inside "
            "the new container, and during a rolling update the public domain still leads "
            "through Traefik to the old container: the new one would be called healthy "
            "because the old one is. Ask the app in its own container: http://127.0.0.1"
        )


def test_checks_the_port_gunicorn_listens_on():
    """The check uses the port from the PORT variable, as gunicorn does."""
    ins, command, via_shell = healthcheck()
    match = URL_RE.search(command)
    if match is None or match.group(2) not in LOOPBACK:
        pytest.skip("the check does not ask the app in its container yet (see that check)")
    rest = command[match.end():]
    port = re.match(r"(?::([^/'\"\s)]*))?", rest).group(1)
    default = parsed().env().get("PORT", "8000")
    if port is None:
        implied = "443" if match.group(1) == "https" else "80"
        fail(f"Dockerfile line {ins.line}: the address has no port, so it means port "
             f"{implied}, but gunicorn listens on the PORT variable ({default} here). Add the port")
    if port == "":
        if "PORT" not in command or not re.search(r"environ|getenv", command):
            fail(f"Dockerfile line {ins.line}: the port after '{match.group(0)}:' should come "
                 "from the PORT variable (os.environ.get('PORT', '8000'))")
        return
    if port.isdigit():
        fail(
            f"Dockerfile line {ins.line}: the HEALTHCHECK asks port {port}, but gunicorn "
            f"listens on the port in the PORT variable ({default} here, the one in Ports "
            "Exposes). Any fixed number, even 8000, breaks again the day someone changes PORT "
            "in Coolify. Take the port from PORT"
        )
    if PORT_VARIABLE_RE.match(port) and not via_shell:
        fail(f"Dockerfile line {ins.line}: the HEALTHCHECK is in exec form (a JSON array), so "
             f"no shell expands {port}. Use the shell form: HEALTHCHECK CMD ...")
    if not PORT_VARIABLE_RE.match(port):
        fail(f"Dockerfile line {ins.line}: the port '{port}' should be the PORT variable")


def test_checks_the_health_route():
    """The check asks /healthz, the route app.py has for it."""
    ins, command, _ = healthcheck()
    paths = re.findall(r"/[A-Za-z_-]+(?=['\"\s)]|$)", command)
    if ROUTE in paths:
        return
    asked = next((p for p in paths if p.startswith("/health")), None)
    if asked:
        fail(f"Dockerfile line {ins.line}: the HEALTHCHECK asks {asked}, but app.py's route is "
             f"{ROUTE}; the app answers 404 Not Found, which fails the check every time")
    fail(f"Dockerfile line {ins.line}: the HEALTHCHECK should ask {ROUTE}, the cheap route "
         "app.py has for health checks")


def test_app_still_starts_the_same_way():
    """gunicorn still binds 0.0.0.0:${PORT}."""
    start = parsed().startup()
    if start is None or "0.0.0.0:${PORT}" not in " ".join(start.words):
        fail("Keep the CMD from the starter: it is not the problem (gunicorn binds "
             "0.0.0.0:${PORT} correctly)")
