"""Checks that main.py makes uvicorn listen where Coolify's Traefik proxy can reach it."""

from __future__ import annotations

import importlib
import os
import sys
import types
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


class UvicornStopped(BaseException):  # noqa: N818 - like the SystemExit it stands for
    """uvicorn.run() ended the program (sys.exit(1)) before it listened anywhere."""


def run_main(environ: dict[str, str]) -> tuple[object, dict, int]:
    """Run main.py as `python main.py` would, with a uvicorn whose run() records its call.

    The recording run() checks what uvicorn.run() itself checks before it listens
    (uvicorn/main.py): reload or more than one worker need the app as an import string
    ("module:attribute"), otherwise uvicorn logs an error and exits with status 1.
    Returns (app, keyword arguments, line of the call).
    """
    calls: list[tuple[object, dict, int]] = []

    def run(app: object, *args: object, **kwargs: object) -> None:
        line = sys._getframe(1).f_lineno  # noqa: SLF001 - the learner's line, for the message
        workers = kwargs.get("workers") or 1
        if (kwargs.get("reload") or workers > 1) and not isinstance(app, str):
            raise UvicornStopped(line, workers, bool(kwargs.get("reload")))
        calls.append((app, kwargs, line))

    fake = types.ModuleType("uvicorn")
    fake.run = run
    saved_module = sys.modules.get("uvicorn")
    saved_environ = dict(os.environ)
    sys.modules["uvicorn"] = fake
    os.environ.clear()
    os.environ.update(environ)
    try:
        code = compile(submission.read("main.py"), "main.py", "exec")
        exec(code, {"__name__": "__main__", "__file__": "main.py"})  # noqa: S102
    finally:
        os.environ.clear()
        os.environ.update(saved_environ)
        if saved_module is None:
            sys.modules.pop("uvicorn", None)
        else:
            sys.modules["uvicorn"] = saved_module
    if not calls:
        fail("`python main.py` never calls uvicorn.run(...), so it starts nothing and every "
             "visitor gets 502 Bad Gateway")
    return calls[-1]


def test_python_main_listens_where_server_options_says():
    """`python main.py` (Coolify's start command) makes uvicorn listen as server_options() says."""
    environ = {"PORT": "3000"}
    wanted = options(environ)
    try:
        _, given, line = run_main(environ)
    except UvicornStopped as stop:
        line, workers, reload = stop.args
        what = f"workers={workers}" if workers > 1 else "reload=True"
        fail(
            f"main.py line {line}: uvicorn.run() gets the app object itself with {what}. "
            "uvicorn then stops at once with \"You must pass the application as an import "
            "string to enable 'reload' or 'workers'\" and exit status 1: `python main.py` "
            "never listens, the container restarts again and again, and every visitor gets "
            "502 Bad Gateway"
        )
    except AssertionError:
        raise
    except Exception as exc:  # noqa: BLE001 - the learner reads what went wrong
        fail(f"`python main.py` stops with {type(exc).__name__}: {exc}, so uvicorn never "
             "starts and every visitor gets 502 Bad Gateway")
    # uvicorn.run's own defaults when an argument is not given.
    host = str(given.get("host", "127.0.0.1"))
    port = given.get("port", 8000)
    if host in LOOPBACK and str(wanted["host"]) not in LOOPBACK:
        fail(
            f"main.py line {line}: server_options() gives host '{wanted['host']}', but "
            f"uvicorn.run() receives host '{host}', so `python main.py` still listens on the "
            "container's own loopback. Traefik connects from another container, finds "
            "nothing listening, and every visitor gets 502 Bad Gateway"
        )
    if host != str(wanted["host"]) or port != wanted["port"]:
        fail(
            f"main.py line {line}: with PORT=3000, uvicorn.run() receives host '{host}' and "
            f"port {port!r}, not what server_options() gives ({wanted['host']!r}, "
            f"{wanted['port']!r}): what the checks above prove about server_options() is not "
            "where `python main.py` listens"
        )
    for key in ("uds", "fd"):
        if given.get(key) is not None and wanted.get(key) is None:
            fail(f"main.py line {line}: uvicorn.run() also receives {key}=, so it listens on "
                 "that instead of host and port, and Traefik finds no port open: 502 Bad Gateway")
