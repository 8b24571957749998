"""Checks that main.py makes uvicorn listen where Coolify's Traefik proxy can reach it."""

from __future__ import annotations

import ast
import importlib
import sys
from typing import NoReturn

from grading import submission

ALL_INTERFACES = {"0.0.0.0", "::", ""}
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def options(environ: dict[str, str]) -> dict:
    """Import main.py afresh and call server_options(environ)."""
    sys.modules.pop("main", None)
    try:
        main = importlib.import_module("main")
    except Exception as exc:  # noqa: BLE001 - the learner reads what went wrong
        fail(f"main.py cannot be imported: {type(exc).__name__}: {exc}")
    func = getattr(main, "server_options", None)
    if not callable(func):
        fail("main.py has no server_options(environ) function any more, so uvicorn.run gets "
             "no host and port from it")
    result = func(dict(environ))
    if not isinstance(result, dict) or "host" not in result or "port" not in result:
        fail(f"server_options() returned {result!r}, not a dict with host and port, so "
             "uvicorn.run(app, **server_options(...)) cannot take its keyword arguments from it")
    return result


def test_listens_on_every_interface():
    """uvicorn listens on 0.0.0.0, not on the container's loopback."""
    given = options({"PORT": "3000"})
    # uvicorn.run() binds a Unix socket (uds=) or an inherited descriptor (fd=) instead of
    # host:port when it gets one: Traefik, which connects over TCP, then finds no port open.
    for key in ("uds", "fd"):
        if given.get(key) is not None:
            fail(
                f"server_options() gives {key}={given[key]!r}, so uvicorn listens on that "
                f"{'Unix socket' if key == 'uds' else 'file descriptor'} and ignores host and "
                "port. Traefik connects to the container over TCP, finds no port open, and "
                "every visitor gets 502 Bad Gateway"
            )
    host = str(given["host"])
    if host in LOOPBACK:
        fail(
            f"server_options() still gives host '{host}'. Inside a container, 127.0.0.1 "
            "(localhost) is the container's own loopback: only programs in that same "
            "container can connect. Traefik runs in another container and connects over "
            "Docker's network, finds nothing listening, and the visitor gets 502 Bad Gateway. "
            "That is why the test from the container's own terminal worked"
        )
    if host not in ALL_INTERFACES:
        fail(
            f"server_options() gives host '{host}'. A container's network address changes "
            "every time Coolify recreates the container (each redeploy), so an address that "
            "works today fails after the next deploy, and uvicorn cannot even start when the "
            "address is not the container's"
        )


def test_port_comes_from_the_environment():
    """The port is the PORT variable that Coolify sets (3000, then 5173), as a number."""
    for wanted in (3000, 5173):
        check_port(wanted)


def check_port(wanted: int) -> None:
    """server_options() with PORT=wanted gives that port, as a number."""
    port = options({"PORT": str(wanted)})["port"]
    if port == str(wanted):
        fail(f"server_options() gives port '{wanted}' as text, but uvicorn wants a number: "
             "given text, it stops at start and the container restarts again and again")
    if port != wanted:
        fail(
            f"With PORT={wanted} set (as in Coolify's configuration), server_options() still "
            f"gives port {port!r}. Traefik forwards to the port in Ports Exposes, {wanted}, "
            "where nothing listens, and every visitor gets 502 Bad Gateway"
        )


def test_port_has_a_default():
    """Without PORT, the app still starts, on port 8000."""
    try:
        port = options({})["port"]
    except KeyError:
        fail("With no PORT variable, server_options() raises KeyError, so the app does not "
             "start anywhere PORT is not set (a laptop, docker run, a test)")
    if port != 8000:
        fail(f"With no PORT variable, server_options() gives port {port!r}, not 8000, the "
             "port the team and the README expect when nothing is set")


def test_main_block_uses_server_options():
    """`python main.py` passes server_options(os.environ) to uvicorn.run, nothing else."""
    tree = ast.parse(submission.read("main.py"))
    runs = [
        node for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        and node.func.attr == "run"
    ]
    if not runs:
        fail("main.py no longer calls uvicorn.run(...), so `python main.py` starts nothing")
    for call in runs:
        for keyword in call.keywords:
            if keyword.arg in ("host", "port"):
                fail(
                    f"main.py line {call.lineno}: uvicorn.run() is given {keyword.arg}= "
                    "directly, which bypasses server_options(): what the tests prove about "
                    "server_options() no longer decides where uvicorn listens"
                )
