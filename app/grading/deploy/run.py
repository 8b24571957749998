"""Run a modelled image: what PID 1 is, where the server listens, what a health check does.

    container = image.run({"PORT": "3000"})
    container.process            # Process(argv, pid1, server) or None when it cannot start
    container.crash              # None, or an Outcome saying why the container exits
    container.listener           # Listener(program, host, port) of the web server
    container.get(path, host="127.0.0.1", port=8000, inside=True)   # HttpResult
    container.health()           # Outcome of the image's HEALTHCHECK, run against the model

Health checks are executed, not read: `curl`/`wget` need the program in the image and talk to
the modelled server (address, port, path, and whether `-f` makes a 404 fail); `python -c` code
runs in a sandbox where `urllib`, `http.client`, `socket` and (when installed in the image)
`requests` reach the modelled server, and `os.environ` is the container's environment. Code
the check runs through exec(), eval() or compile() stays in that sandbox.
"""

from __future__ import annotations

import ast
import builtins
import io
import re
import types
import urllib.parse
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace

from .build import normal
from .shell import expand
from .shell import program_of
from .shell import shell_c_script
from .shell import split_script
from .shell import words
from .trace import Outcome
from .trace import Trace

ALL_V4 = ("0.0.0.0", "")
ALL_V6 = ("::", "[::]")
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1", "[::1]", "0.0.0.0")
APP_FILES = ("app.py", "main.py", "wsgi.py", "asgi.py", "server.py")


@dataclass(frozen=True)
class Listener:
    """Where a server in the container accepts connections."""

    program: str
    host: str  # as the server was told: "0.0.0.0", "::", "127.0.0.1", "::1"
    port: int
    dev_server: bool = False
    module: str = ""  # "app" for gunicorn app:app

    def accepts(self, address: str) -> bool:
        """Does a connection to this address of the container reach the server?"""
        host = self.host.strip("[]")
        target = address.strip("[]")
        if host in ("", "0.0.0.0"):
            return target not in ("::1",) and ":" not in target or target == "::ffff:127.0.0.1"
        if host == "::":
            return True  # Linux dual-stack: [::] also accepts IPv4
        if host in ("127.0.0.1", "localhost"):
            return target in ("127.0.0.1", "localhost")
        if host == "::1":
            return target in ("::1", "localhost")
        return target == host

    def text(self) -> str:
        host = f"[{self.host}]" if ":" in self.host and not self.host.startswith("[") else (
            self.host or "0.0.0.0")
        return f"{self.program} on {host}:{self.port}"


@dataclass
class Process:
    """The container's main process."""

    argv: tuple[str, ...]
    pid1: str
    signals_reach_server: bool
    server: Listener | None
    note: str = ""


@dataclass
class HttpResult:
    """A modelled HTTP exchange."""

    status: int | None  # None: no HTTP answer (refused, unreachable)
    error: str = ""
    trace: Trace = field(default_factory=Trace)

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 400


# Options with which a database client prints its version or help and exits 0 without
# connecting (each tool's --help/man page), so a health check made of them checks nothing.
OFFLINE_FLAGS = {
    "redis-cli": frozenset({"-v", "--version", "--help"}),
    "valkey-cli": frozenset({"-v", "--version", "--help"}),
    "pg_isready": frozenset({"-V", "--version", "-?", "--help"}),
    "mysqladmin": frozenset({"-V", "--version", "-?", "--help"}),
    "mariadb-admin": frozenset({"-V", "--version", "-?", "--help"}),
    "mongosh": frozenset({"--version", "--help"}),
}


class ConnectionRefused(ConnectionRefusedError):
    """Connection refused by the modelled container."""


class Container:
    """A container of a modelled image, started with an environment."""

    def __init__(self, image, env: dict[str, str], command: list[str] | None = None,
                 entrypoint: list[str] | None = None, routes: set[str] | None = None) -> None:
        self.image = image
        self.stage = image.final
        self.env = {**self.stage.env, **{k: str(v) for k, v in env.items()}}
        self.env.setdefault("HOME", self.stage.home_of())
        self.trace = Trace()
        self.crash: Outcome | None = None
        self.process: Process | None = None
        # Where the server was told to listen, known even when it then fails to import.
        self.intended: Listener | None = None
        # The process the command starts (PID 1, signals), known even when its imports fail.
        self.planned: Process | None = None
        self.routes = routes if routes is not None else app_routes(self.stage)
        self.down = False
        self.failing: dict[str, int] = {}  # route -> the error status it answers with
        self.command = command
        self.entrypoint = entrypoint
        self.start()

    @property
    def listener(self) -> Listener | None:
        return self.process.server if self.process else None

    def fail(self, reason: str) -> None:
        self.trace.add(reason)
        self.crash = Outcome(False, reason, self.trace)

    # -- start --------------------------------------------------------------------------
    def argv(self) -> tuple[list[str], int]:
        parsed = self.image.dockerfile
        start = parsed.startup()
        line = start.line if start else 0
        base_argv = list(start.argv) if start else list(self.stage.base.cmd)
        if self.entrypoint is not None or self.command is not None:
            entry = self.entrypoint
            if entry is None:
                found = parsed.entrypoint()
                entry = list(found) if found else []
            cmd = self.command if self.command is not None else (
                list(parsed.cmd() or []) if self.entrypoint is None else [])
            return entry + cmd, line
        return base_argv, line

    def start(self) -> None:
        if self.image.error is not None:
            self.fail(self.image.error.reason)
            return
        user = self.stage.user
        if not self.stage.user_exists(user):
            self.fail(f"the container does not start: USER {user}, but the image has no such "
                      f"user (unable to find user {user}: no matching entries in passwd file)")
            return
        argv, line = self.argv()
        where = f"Dockerfile line {line}" if line else "the image's default command"
        if not argv:
            self.fail("the container has no command to run")
            return
        self.trace.add(f"{where}: the container runs {argv!r} as user {user}")
        self.run_argv(argv, where)

    def run_argv(self, argv: list[str], where: str, depth: int = 0,
                 wrapper: str | None = None) -> None:
        """Start argv; a shell's script is followed to the command that serves."""
        name, rest = program_of(list(argv))
        if depth < 3 and name in ("tini", "dumb-init") and rest:
            # An init as PID 1 forwards signals to its child, which may be a shell.
            inner = [r for r in rest if r != "--"]
            if shell_c_script(inner) is not None:
                if not self.stage.has_program(name, self.env) and self.stage.base.known:
                    self.fail(f"{where}: the container exits at once: `{name}`: executable "
                              "file not found in $PATH")
                    return
                self.run_argv(inner, where, depth + 1, wrapper=name)
                return
        script = shell_c_script(argv)
        if script is not None:
            shell = argv[0]
            if not self.stage.has_program(shell, self.env):
                self.fail(f"{where}: the command needs {shell}, but the image has no shell "
                          f"({self.stage.base.ref})")
                return
            commands = split_script(script)
            # The shell runs the commands in order: its own variables (HOST=127.0.0.1;),
            # export and cd change what the later commands see.
            scope = dict(self.env)
            expanded_commands = []
            for _, command in commands:
                args = [expand(w, scope, unset="") for w in words(command)]
                expanded_commands.append((command, args))
                assigned = [a for a in args if re.match(r"^[A-Za-z_]\w*=", a)]
                program, program_args = program_of(args)
                if not program and assigned:
                    scope.update(a.split("=", 1) for a in assigned)
                elif program == "export":
                    for word in program_args:
                        key, eq, value = word.partition("=")
                        if eq:
                            scope[key] = value
                            self.env[key] = value
                elif program == "cd" and program_args:
                    self.stage = replace(self.stage,
                                         workdir=normal(program_args[0], self.stage.workdir))
            self.trace.add("the shell expands the script with the container's environment: "
                           + " ; ".join(" ".join(a) for _, a in expanded_commands))
            server_cmd = None
            for command, args in expanded_commands:
                if server_of(program_of(args)[0], program_of(args)[1]) is not None:
                    server_cmd = (command, args)
            if server_cmd is None and expanded_commands:
                server_cmd = expanded_commands[-1]
            command, args = server_cmd
            execs = command.lstrip().startswith("exec ") or len(commands) == 1
            name, rest = program_of(args)
            if depth < 3 and execs and shell_c_script([name, *rest]) is not None:
                self.run_argv([name, *rest], where, depth + 1, wrapper)
                return
            self.launch(args, where, pid1_is_server=execs, shell=shell.rsplit("/", 1)[-1],
                        init=wrapper)
        else:
            self.launch(list(argv), where, pid1_is_server=True, shell=None, init=wrapper)

    def launch(self, args: list[str], where: str, pid1_is_server: bool,
               shell: str | None, init: str | None = None) -> None:
        program, rest = program_of(args)
        if not program:
            self.fail(f"{where}: the command is empty")
            return
        wrapper = init
        if program in ("tini", "dumb-init") and rest:
            wrapper = program
            rest = [r for r in rest if r != "--"]
            program, rest = program_of(rest)
        listener_or_error = server_of(program, rest, self.env, self.stage)
        pid1 = program if (pid1_is_server or shell is None) else shell
        # tini/dumb-init pass signals to their child: to the server, or to a shell that
        # execs it; a shell that does not exec keeps them.
        signals = pid1 == program or (wrapper is not None and shell is None)
        listener = listener_or_error if not isinstance(listener_or_error, str) else None
        # What the command asks for, known even when the program or its imports are missing
        # (a lint builds without the project's files, so it cannot see what pip installs).
        self.intended = listener
        self.planned = Process(tuple(args), wrapper or pid1, signals, listener)
        word = next((w for w in args if w.rsplit("/", 1)[-1] == program), program)
        if not self.stage.has_program(word, self.env) and (
                self.stage.base.known or self.stage.which(program, self.env) is None) and (
                program not in self.stage.programs):
            found = [f.path for f in self.stage.files.values()
                     if f.path.endswith("/" + program) and f.kind == "script"]
            why = (f"; it is at {found[0]}, which is not on this user's PATH or not readable "
                   f"by user {self.stage.user}") if found else ""
            self.fail(f"{where}: the container exits at once: `{program}`: executable file "
                      f"not found in $PATH{why}")
            return
        if isinstance(listener_or_error, str):
            self.fail(f"{where}: {listener_or_error}")
            return
        if listener is not None:
            problem = self.imports_work(listener)
            if problem:
                self.fail(f"{where}: {problem}")
                return
        self.process = self.planned
        if listener is not None:
            self.trace.add(f"the server starts: {listener.text()}"
                           + (" (a development server)" if listener.dev_server else ""))
        if not signals:
            self.trace.add(f"PID 1 is {shell}, not {program}: docker stop's SIGTERM reaches "
                           "the shell, which does not pass it on; after 10 s the server is "
                           "killed without finishing its requests")

    def imports_work(self, listener: Listener) -> str:
        """Why the server's Python packages cannot be imported ('' when they can)."""
        needed = []
        if listener.program in ("gunicorn", "uvicorn", "hypercorn", "waitress-serve"):
            needed.append(listener.program.split("-")[0])
        module_file = f"{listener.module}.py" if listener.module else ""
        source = self.app_source(module_file)
        if listener.module and source is None and self.stage.base.known and (
                self.image.dockerfile.chain_instructions("COPY")):
            return (f"{listener.program} cannot import the module '{listener.module}': there "
                    f"is no {module_file} in {self.stage.workdir} (ModuleNotFoundError)")
        if source:
            needed.extend(third_party_imports(source))
        user = self.stage.user
        for package in needed:
            ok, why = self.stage.importable(package, self.env, user)
            if not ok:
                error = "ImportError" if "shared library" in why else "ModuleNotFoundError"
                return f"the server does not start: `import {package}` fails ({error}): {why}"
        return ""

    def app_source(self, name: str = "") -> str | None:
        names = [name] if name else list(APP_FILES)
        for candidate in names:
            entry = self.stage.files.get(f"{self.stage.workdir.rstrip('/')}/{candidate}")
            if entry is not None and entry.content is not None:
                return entry.content
        return None

    # -- HTTP ---------------------------------------------------------------------------
    def get(self, path: str = "/", host: str = "127.0.0.1", port: int | None = None,
            inside: bool = True) -> HttpResult:
        """An HTTP GET to this container (from inside it, or from another container)."""
        trace = Trace()
        listener = self.listener
        if self.crash is not None or self.process is None:
            trace.add("the container is not running: " + (self.crash.reason if self.crash
                                                           else "no process"))
            return HttpResult(None, "not running", trace)
        if self.down or listener is None:
            trace.add(f"nothing listens on port {port} (the server is not running)")
            return HttpResult(None, "connection refused", trace)
        if port != listener.port:
            who = f"{host}:{port}" if inside else f"the container's address on port {port}"
            trace.add(f"connect to {who}: refused, the server listens on port "
                      f"{listener.port} ({listener.text()})")
            return HttpResult(None, "connection refused", trace)
        address = host if inside else "container-ip"
        reachable = listener.accepts(address) if inside else listener.host.strip("[]") in (
            "", "0.0.0.0", "::")
        if not reachable:
            if inside:
                trace.add(f"connect to {host}:{port}: refused, the server listens on "
                          f"{listener.text()} only")
            else:
                trace.add(f"connect to the container's address on port {port}: refused, "
                          f"{listener.text()} accepts connections from inside the container "
                          "only")
            return HttpResult(None, "connection refused", trace)
        route = path.split("?", 1)[0] or "/"
        if self.routes is not None and route not in self.routes:
            trace.add(f"{listener.program} answers 404 Not Found: the app has no route "
                      f"{route} (it has {', '.join(sorted(self.routes))})")
            return HttpResult(404, "", trace)
        if route in self.failing:
            status = self.failing[route]
            trace.add(f"{listener.text()} answers {route} with {status} (the app is up, but "
                      "what this route checks is broken)")
            return HttpResult(status, "", trace)
        trace.add(f"{listener.text()} answers {route} with 200 OK")
        return HttpResult(200, "", trace)

    # -- health -------------------------------------------------------------------------
    def health_command(self) -> tuple[list[str] | None, str | None, int]:
        """The HEALTHCHECK as (argv, None) or (None, script); (None, None) when there is none."""
        ins = self.stage.healthcheck
        if ins is None:
            return None, None, 0
        text = ins.args.strip()
        if text.upper() == "NONE":
            return None, None, ins.line
        match = re.match(r"(?is)^CMD\s+(.*)$", text)
        if not match:
            return None, None, ins.line
        body = match.group(1).strip()
        from .. import dockerfile as df_parser

        exec_form = df_parser.exec_form(body)
        if exec_form is not None:
            return list(exec_form), None, ins.line
        return None, body, ins.line

    def health(self, argv: list[str] | None = None, script: str | None = None,
               line: int = 0) -> Outcome:
        """Run the image's HEALTHCHECK (or the given one) against the modelled container."""
        if argv is None and script is None:
            argv, script, line = self.health_command()
        trace = Trace()
        where = f"Dockerfile line {line}: " if line else ""
        if argv is None and script is None:
            return Outcome(False, f"{where}the image has no HEALTHCHECK", trace)
        if self.crash is not None:
            trace.extend(self.crash.trace)
            return Outcome(False, f"the container is not running: {self.crash.reason}", trace)
        if script is None and argv:
            inner = shell_c_script(argv)
            if inner is None:
                ok, detail = self.run_check_command(list(argv), trace)
                return Outcome(ok, f"{where}{detail}", trace)
            script = inner
        last_ok = True
        details: list[str] = []
        for op, command in split_script(script or ""):
            if op == "&&" and not last_ok or op == "||" and last_ok:
                continue
            args = [expand(w, self.env, unset="") for w in words(command)]
            last_ok, detail = self.run_check_command(args, trace)
            details.append(detail)
        return Outcome(last_ok, where + "; then ".join(details), trace)

    def run_check_command(self, args: list[str], trace: Trace) -> tuple[bool, str]:
        program, rest = program_of(args)
        if program in ("true", ":"):
            trace.add("`true` succeeds whatever the app does")
            return True, "the check ends with a command that always succeeds"
        if program == "false":
            return False, "false fails"
        if program == "exit":
            code = (rest[:1] or ["0"])[0]
            trace.add(f"`exit {code}`")
            return code == "0", f"the check exits with {code}"
        if program == "echo":
            return True, "echo succeeds"
        if program and not self.stage.has_program(args[0] if "/" in args[0] else program,
                                                  self.env):
            trace.add(f"`{program}` is not in the image ({self.stage.base.ref}"
                      f"{': ' + self.stage.base.note if self.stage.base.note else ''}): "
                      f"sh: {program}: not found, exit 127")
            return False, (f"the health check runs {program}, but the image does not include "
                           f"{program}, so every check fails (exit 127)")
        if program == "curl":
            return self.check_curl(rest, trace)
        if program == "wget":
            return self.check_wget(rest, trace)
        if re.match(r"python(3(\.\d+)?)?$", program):
            code = None
            if "-c" in rest and rest.index("-c") + 1 < len(rest):
                code = rest[rest.index("-c") + 1]
            elif rest and not rest[0].startswith("-"):
                entry = self.stage.files.get(
                    rest[0] if rest[0].startswith("/") else
                    f"{self.stage.workdir.rstrip('/')}/{rest[0]}")
                code = entry.content if entry else None
                if entry is None:
                    trace.add(f"python: can't open file {rest[0]}")
                    return False, f"the health check script {rest[0]} is not in the image"
            if code is None:
                return False, "python is started without code to run"
            return run_python_check(self, code, trace)
        if program in ("pg_isready", "redis-cli", "valkey-cli", "mysqladmin",
                       "mariadb-admin", "healthcheck.sh", "mongosh"):
            offline = OFFLINE_FLAGS.get(program, frozenset()).intersection(rest)
            if offline:
                trace.add(f"{program} {sorted(offline)[0]} prints and exits 0 without asking the "
                          "database")
                return True, (f"{program} {sorted(offline)[0]} never asks the database, so the "
                              "check passes whether or not it answers")
            running = self.crash is None and not self.down
            trace.add(f"{program} asks the database: {'up' if running else 'not answering'}")
            return running, f"{program} {'succeeds' if running else 'fails'}"
        if program in ("nc", "netcat"):
            numbers = [a for a in rest if a.isdigit()]
            hosts = [a for a in rest if not a.startswith("-") and not a.isdigit()]
            port = int(numbers[-1]) if numbers else 0
            result = self.get("/", hosts[0] if hosts else "127.0.0.1", port)
            trace.extend(result.trace)
            return result.status is not None, "nc checks only that the port is open"
        trace.add(f"`{' '.join(args)}`: the model does not know what this command checks")
        return True, f"{program} is not modelled"

    def http_url(self, url: str, trace: Trace) -> HttpResult:
        if "://" not in url:
            url = "http://" + url
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or ""
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            trace.add(f"{url}: the port is not a number")
            return HttpResult(None, "bad url", trace)
        path = parts.path or "/"
        if host not in LOOPBACK_NAMES and host.strip("[]") not in ("::1",):
            trace.add(f"{host} is not this container: the request leaves it (to the public "
                      "address, through the proxy), so it checks whatever answers there (the "
                      "old container during a deploy), not the new container")
            return HttpResult(None, "not this container", trace)
        if parts.scheme == "https":
            trace.add(f"https to {host}:{port}: the app speaks plain HTTP inside the container "
                      "(TLS ends at Traefik), so the TLS handshake fails")
            return HttpResult(None, "tls", trace)
        if host == "localhost":
            results = [self.get(path, "::1", port), self.get(path, "127.0.0.1", port)]
            result = next((r for r in results if r.status is not None), results[-1])
        else:
            result = self.get(path, host, port)
        trace.extend(result.trace)
        return result

    def check_curl(self, args: list[str], trace: Trace) -> tuple[bool, str]:
        fail_on_error = False
        url = None
        skip = False
        for _i, arg in enumerate(args):
            if skip:
                skip = False
                continue
            if arg in ("--fail", "--fail-with-body"):
                fail_on_error = True
            elif arg.startswith("-") and not arg.startswith("--") and "f" in arg[1:] and not (
                    any(c in arg[1:] for c in "oHdXAmwu") and arg[-1] != "f"):
                fail_on_error = True
            if arg in ("-o", "--output", "-H", "--header", "-m", "--max-time", "-X",
                       "--request", "-w", "--write-out", "-u", "--user", "--connect-timeout",
                       "--retry", "-A", "-d", "--data"):
                skip = True
                continue
            if not arg.startswith("-") and url is None:
                url = arg
        if url is None:
            return False, "curl is given no URL"
        result = self.http_url(url, trace)
        if result.status is None:
            return False, f"curl {url} cannot connect ({result.error})"
        if result.status >= 400 and fail_on_error:
            return False, f"curl -f {url} gets {result.status} and fails"
        if result.status >= 400:
            trace.add(f"without -f, curl exits 0 even on {result.status}")
        return True, f"curl {url} gets {result.status}"

    def check_wget(self, args: list[str], trace: Trace) -> tuple[bool, str]:
        url = None
        skip = False
        for arg in args:
            if skip:
                skip = False
                continue
            if arg in ("-O", "-T", "--timeout", "-U", "--header", "-o"):
                skip = True
                continue
            if not arg.startswith("-") and url is None:
                url = arg
        if url is None:
            return False, "wget is given no URL"
        result = self.http_url(url, trace)
        if result.status is None:
            return False, f"wget {url} cannot connect ({result.error})"
        if result.status >= 400:
            return False, f"wget {url} gets {result.status} and exits with an error"
        return True, f"wget {url} gets {result.status}"

    def failing_copy(self, route: str, status: int = 503) -> Container:
        """The same container, its server up, with `route` answering an HTTP error."""
        twin = object.__new__(Container)
        twin.__dict__.update(self.__dict__)
        twin.trace = Trace()
        twin.failing = {**self.failing, route: status}
        return twin

    def stopped_copy(self) -> Container:
        """The same container with its server not running (to test a health check's honesty)."""
        twin = object.__new__(Container)
        twin.__dict__.update(self.__dict__)
        twin.trace = Trace()
        twin.down = True
        return twin


# -- servers -------------------------------------------------------------------------------
def option(args: list[str], *names: str) -> list[str]:
    """Values of an option in any spelling: --bind X, --bind=X, -b X, -bX."""
    found = []
    for i, arg in enumerate(args):
        for name in names:
            if arg == name and i + 1 < len(args):
                found.append(args[i + 1])
            elif name.startswith("--") and arg.startswith(name + "="):
                found.append(arg.split("=", 1)[1])
            elif not name.startswith("--") and arg.startswith(name) and len(arg) > len(name) \
                    and not arg.startswith("--"):
                found.append(arg[len(name):])
    return found


def split_bind(bind: str) -> tuple[str, str]:
    """'0.0.0.0:8000' -> ('0.0.0.0', '8000'); '[::]:80' -> ('::', '80'); ':8000' -> ('', ..)."""
    if bind.startswith("["):
        host, _, rest = bind[1:].partition("]")
        return host, rest.lstrip(":")
    if bind.count(":") > 1:
        return bind, ""
    host, _, port = bind.rpartition(":")
    return (host, port) if host or port else (bind, "")


def port_number(text: str, program: str) -> int | str:
    """The port as a number, or the error the server stops with."""
    if text.isdigit() and 0 < int(text) < 65536:
        return int(text)
    return f"{program} stops at start: '{text}' is not a valid port number"


def server_of(program: str, args: list[str], env: dict[str, str] | None = None,
              stage=None) -> Listener | str | None:  # noqa: ANN001
    """Where a known server program listens (a Listener), why it fails (str), or None."""
    env = env or {}
    if program == "python" or re.match(r"python3(\.\d+)?$", program):
        if args[:1] == ["-m"] and len(args) > 1:
            module = args[1]
            if module in ("gunicorn", "uvicorn", "hypercorn", "flask"):
                return server_of(module, args[2:], env, stage)
            if module == "http.server":
                rest = [a for a in args[2:] if not a.startswith("-")]
                binds = option(args[2:], "--bind", "-b")
                port = port_number(rest[0], "http.server") if rest else 8000
                if isinstance(port, str):
                    return port
                return Listener("http.server", binds[-1] if binds else "::", port)
            return None
        if args and args[0].endswith(".py") and stage is not None:
            return script_server(args[0], env, stage)
        return None
    if program == "gunicorn":
        binds = option(args, "--bind", "-b")
        binds += option(words(env.get("GUNICORN_CMD_ARGS", "")), "--bind", "-b")
        module = app_module(args, GUNICORN_FLAGS)
        if stage is not None and not binds:
            conf = config_bind(stage, env)
            if conf:
                binds = conf
        if not binds:
            bind = f"0.0.0.0:{env['PORT']}" if env.get("PORT") else "127.0.0.1:8000"
            binds = [bind]
        bind = binds[0]
        if bind.startswith(("unix:", "fd://")):
            return Listener("gunicorn", "unix", 0, module=module)
        host, port_text = split_bind(bind)
        port = port_number(port_text or "8000", "gunicorn")
        if isinstance(port, str):
            return port
        return Listener("gunicorn", host, port, module=module)
    if program in ("uvicorn", "hypercorn"):
        module = app_module(args, UVICORN_FLAGS)
        if program == "hypercorn":
            binds = option(args, "--bind", "-b") or ["127.0.0.1:8000"]
            host, port_text = split_bind(binds[0])
        else:
            host = (option(args, "--host") or [env.get("UVICORN_HOST", "127.0.0.1")])[-1]
            port_text = (option(args, "--port") or [env.get("UVICORN_PORT", "8000")])[-1]
        port = port_number(port_text, program)
        if isinstance(port, str):
            return port
        return Listener(program, host, port, module=module)
    if program == "flask":
        if "run" not in args:
            return None
        host = (option(args, "--host", "-h") or [env.get("FLASK_RUN_HOST", "127.0.0.1")])[-1]
        port_text = (option(args, "--port", "-p") or [env.get("FLASK_RUN_PORT", "5000")])[-1]
        port = port_number(port_text, "flask")
        if isinstance(port, str):
            return port
        return Listener("flask run", host, port, dev_server=True)
    if program == "waitress-serve":
        listen = option(args, "--listen")
        if listen:
            host, port_text = split_bind(listen[0])
        else:
            host = (option(args, "--host") or ["0.0.0.0"])[-1]
            port_text = (option(args, "--port") or ["8080"])[-1]
        port = port_number(port_text, "waitress")
        return port if isinstance(port, str) else Listener("waitress", host, port)
    if program == "nginx":
        return Listener("nginx", "0.0.0.0", 80)
    return None


GUNICORN_FLAGS = frozenset(
    "--reload --preload --daemon -D --check-config --print-config --capture-output --spew "
    "--enable-stdio-inheritance --strip-header-spaces --reuse-port -R".split()
)
UVICORN_FLAGS = frozenset(
    "--reload --proxy-headers --no-proxy-headers --no-access-log --access-log --use-colors "
    "--no-use-colors --factory --no-server-header --no-date-header".split()
)


def app_module(args: list[str], flags: frozenset[str]) -> str:
    """The module of the app argument ('app' for app:app), skipping option values."""
    positional = []
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg.startswith("-"):
            skip = "=" not in arg and arg not in flags and not (
                len(arg) > 2 and not arg.startswith("--"))
            continue
        positional.append(arg)
    return positional[-1].split(":", 1)[0] if positional else ""


def config_bind(stage, env: dict[str, str]) -> list[str]:  # noqa: ANN001
    """`bind` from a gunicorn.conf.py in the working folder, evaluated with the environment."""
    entry = stage.files.get(f"{stage.workdir.rstrip('/')}/gunicorn.conf.py")
    if entry is None or not entry.content:
        return []
    namespace = sandbox_globals(None, env, Trace())
    try:
        exec(compile(entry.content, "gunicorn.conf.py", "exec"), namespace)  # noqa: S102
    except BaseException:  # noqa: BLE001 - a broken config is reported as no bind
        return []
    bind = namespace.get("bind")
    if isinstance(bind, str):
        return [bind]
    if isinstance(bind, (list, tuple)):
        return [str(b) for b in bind]
    return []


def script_server(path: str, env: dict[str, str], stage) -> Listener | str | None:  # noqa: ANN001
    """`python app.py`: the app.run()/uvicorn.run() call in the script, evaluated."""
    entry = stage.files.get(path if path.startswith("/") else
                            f"{stage.workdir.rstrip('/')}/{path}")
    if entry is None:
        return f"python: can't open file '{path}': [Errno 2] No such file or directory"
    source = entry.content or ""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        return f"{path} line {exc.lineno}: SyntaxError"
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "run"):
            continue
        owner = node.func.value
        is_uvicorn = isinstance(owner, ast.Name) and owner.id == "uvicorn"
        defaults = ("127.0.0.1", 8000) if is_uvicorn else ("127.0.0.1", 5000)
        values = {"host": defaults[0], "port": defaults[1], "debug": False}
        namespace = sandbox_globals(None, env, Trace())
        try:
            exec(compile(source.replace("__main__", "__not_main__"), path, "exec"),  # noqa: S102
                 namespace)
        except BaseException:  # noqa: BLE001
            pass
        for keyword in node.keywords:
            try:
                value = eval(compile(ast.Expression(keyword.value), path, "eval"),  # noqa: S307
                             namespace)
            except BaseException:  # noqa: BLE001
                continue
            if keyword.arg is None and isinstance(value, dict):
                values.update(value)
            elif keyword.arg:
                values[keyword.arg] = value
        port = port_number(str(values["port"]), "the server")
        if isinstance(port, str):
            return port
        return Listener("uvicorn" if is_uvicorn else "app.run", str(values["host"]), port,
                        dev_server=not is_uvicorn)
    return None


def app_routes(stage) -> set[str] | None:  # noqa: ANN001
    """Paths the app answers (Flask/FastAPI decorators), or None when unknown."""
    for name in APP_FILES:
        entry = stage.files.get(f"{stage.workdir.rstrip('/')}/{name}")
        if entry is None or not entry.content:
            continue
        try:
            tree = ast.parse(entry.content)
        except SyntaxError:
            return None
        routes: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
                    node.func.attr in ("get", "route", "post", "api_route", "add_url_rule",
                                       "head")) and node.args and isinstance(
                    node.args[0], ast.Constant) and isinstance(node.args[0].value, str) and (
                    node.args[0].value.startswith("/")):
                routes.add(node.args[0].value)
        return routes or None
    return None


def third_party_imports(source: str) -> list[str]:
    """Top-level packages a module imports that are not in the standard library."""
    import sys

    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found = []
    stdlib = getattr(sys, "stdlib_module_names", frozenset())
    for node in tree.body:
        names = []
        if isinstance(node, ast.Import):
            names = [a.name.split(".")[0] for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module.split(".")[0]]
        found += [n for n in names if n not in stdlib and n != "__future__"]
    return found


# -- the Python sandbox for health checks ----------------------------------------------------
class CheckExit(BaseException):  # noqa: N818 - named after what it is, like SystemExit
    """Raised by the sandbox's sys.exit."""

    # A BaseException like SystemExit: a check's own `except Exception` must not catch the exit
    # it asked for (sys.exit(0) inside try/except Exception still exits 0).

    def __init__(self, code: object) -> None:
        super().__init__(code)
        self.code = code


def sandbox_globals(container: Container | None, env: dict[str, str],
                    trace: Trace) -> dict:
    """Globals for running check code: fake os/sys/urllib/http.client/socket/requests."""

    def http(url: str) -> HttpResult:
        if container is None:
            raise ConnectionRefused("no container")
        return container.http_url(url, trace)

    class HTTPError(Exception):
        def __init__(self, url: str, code: int) -> None:
            super().__init__(f"HTTP Error {code}")
            self.code = code
            self.status = code
            self.url = url

    class URLError(OSError):
        def __init__(self, reason: object) -> None:
            super().__init__(reason)
            self.reason = reason

    class Response:
        def __init__(self, status: int) -> None:
            self.status = status
            self.code = status
            self.status_code = status
            self.ok = status < 400

        def read(self, *args: object) -> bytes:
            return b'{"status": "ok"}'

        def getcode(self) -> int:
            return self.status

        def close(self) -> None:
            return None

        def raise_for_status(self) -> None:
            if self.status >= 400:
                raise requests_mod.exceptions.HTTPError(f"{self.status} Error")

        def __enter__(self) -> Response:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

    class Request:
        def __init__(self, url: str, *args: object, **kwargs: object) -> None:
            self.full_url = url

    def urlopen(url: object, *args: object, **kwargs: object) -> Response:
        target = url.full_url if isinstance(url, Request) else str(url)
        result = http(target)
        if result.status is None:
            raise URLError(ConnectionRefused(result.error))
        if result.status >= 400:
            raise HTTPError(target, result.status)
        return Response(result.status)

    class HTTPConnection:
        scheme = "http"

        def __init__(self, host: str, port: object = None, *args: object,
                     **kwargs: object) -> None:
            if port is None and ":" in host and not host.startswith("["):
                host, _, port = host.rpartition(":")
            self.host = host
            self.port = int(port) if port is not None else 80
            self.result: HttpResult | None = None

        def request(self, method: str, path: str, *args: object, **kwargs: object) -> None:
            host = f"[{self.host}]" if ":" in self.host and not self.host.startswith("[") else (
                self.host)
            self.result = http(f"{self.scheme}://{host}:{self.port}{path}")
            if self.result.status is None:
                raise ConnectionRefused(self.result.error)

        def getresponse(self) -> Response:
            if self.result is None or self.result.status is None:
                raise ConnectionRefused("no response")
            return Response(self.result.status)

        def close(self) -> None:
            return None

    class HTTPSConnection(HTTPConnection):
        scheme = "https"

    def create_connection(address: tuple, *args: object, **kwargs: object) -> object:
        host, port = address[0], int(address[1])
        if container is None:
            raise ConnectionRefused("no container")
        targets = ["::1", "127.0.0.1"] if host == "localhost" else [host]
        for target in targets:
            if container.get("/", target, port).status is not None:
                trace.add(f"socket connects to {host}:{port}")
                return types.SimpleNamespace(close=lambda: None, sendall=lambda *a: None,
                                             recv=lambda *a: b"HTTP/1.1 200 OK\r\n\r\n",
                                             __enter__=lambda s: s, __exit__=lambda *a: None)
        trace.add(f"socket to {host}:{port}: connection refused")
        raise ConnectionRefused(f"{host}:{port}")

    class Socket:
        def __init__(self, *args: object, **kwargs: object) -> None:
            return None

        def settimeout(self, *args: object) -> None:
            return None

        def connect(self, address: tuple) -> None:
            create_connection(address)

        def connect_ex(self, address: tuple) -> int:
            try:
                create_connection(address)
            except ConnectionRefusedError:
                return 111
            return 0

        def close(self) -> None:
            return None

        def __enter__(self) -> Socket:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

    def exit_(code: object = 0) -> None:
        raise CheckExit(code)

    environ = dict(env)
    os_mod = types.SimpleNamespace(environ=environ, getenv=lambda k, d=None: environ.get(k, d),
                                   path=__import__("os").path, getpid=lambda: 1, sep="/")
    sys_mod = types.SimpleNamespace(exit=exit_, argv=["-c"], stdout=io.StringIO(),
                                    stderr=io.StringIO(), version_info=(3, 12),
                                    platform="linux")
    error_mod = types.SimpleNamespace(HTTPError=HTTPError, URLError=URLError)
    request_mod = types.SimpleNamespace(urlopen=urlopen, Request=Request,
                                        HTTPError=HTTPError, URLError=URLError)
    urllib_mod = types.SimpleNamespace(request=request_mod, error=error_mod,
                                       parse=urllib.parse)
    client_mod = types.SimpleNamespace(HTTPConnection=HTTPConnection,
                                       HTTPSConnection=HTTPSConnection,
                                       HTTPException=Exception, OK=200)
    http_mod = types.SimpleNamespace(client=client_mod, HTTPStatus=__import__("http").HTTPStatus)
    socket_mod = types.SimpleNamespace(create_connection=create_connection, socket=Socket,
                                       AF_INET=2, AF_INET6=10, SOCK_STREAM=1,
                                       timeout=TimeoutError, error=OSError)

    class RequestException(Exception):
        pass

    class RequestsHTTPError(RequestException):
        pass

    class RequestsConnectionError(RequestException):
        pass

    def requests_get(url: str, *args: object, **kwargs: object) -> Response:
        result = http(url)
        if result.status is None:
            raise RequestsConnectionError(result.error)
        return Response(result.status)

    requests_mod = types.SimpleNamespace(
        get=requests_get, head=requests_get,
        exceptions=types.SimpleNamespace(RequestException=RequestException,
                                         HTTPError=RequestsHTTPError,
                                         ConnectionError=RequestsConnectionError),
        RequestException=RequestException, ConnectionError=RequestsConnectionError,
    )
    fakes = {
        "os": os_mod, "sys": sys_mod, "urllib": urllib_mod, "urllib.request": request_mod,
        "urllib.error": error_mod, "urllib.parse": urllib.parse, "http": http_mod,
        "http.client": client_mod, "socket": socket_mod,
        "time": types.SimpleNamespace(sleep=lambda *a: None, time=lambda: 0.0,
                                      monotonic=lambda: 0.0),
    }
    harmless = ("json", "re", "math", "string", "base64", "binascii", "codecs")

    def fake_import(name: str, globals_: object = None, locals_: object = None,
                    fromlist: tuple = (), level: int = 0) -> object:
        if name in fakes:
            if not fromlist and "." in name:
                return fakes[name.split(".")[0]]
            return fakes[name]
        if name in harmless:
            return __import__(name)
        if container is not None:
            ok, why = container.stage.importable(name.split(".")[0], container.env,
                                                 container.stage.user)
            if not ok:
                trace.add(f"import {name}: ModuleNotFoundError ({why})")
                raise ModuleNotFoundError(f"No module named '{name}'")
            if name.split(".")[0] == "requests":
                return requests_mod
        raise ImportError(f"the model cannot run code that imports {name}")

    safe = {k: getattr(builtins, k) for k in dir(builtins) if k not in (
        "open", "exec", "eval", "compile", "input", "breakpoint", "__import__", "exit", "quit")}
    safe["__import__"] = fake_import
    safe["exit"] = exit_
    safe["quit"] = exit_
    safe["print"] = lambda *a, **k: None
    namespace = {"__builtins__": safe, "__name__": "__main__"}
    safe.update(sandboxed_code_runners(namespace, safe))
    return namespace


# How deep exec() may nest inside a check (exec of code that calls exec ...): a real check
# needs one level; a deeper chain is a loop the model stops, as Python's recursion limit would.
MAX_EXEC_DEPTH = 8


def sandboxed_code_runners(namespace: dict, safe: dict) -> dict:
    """exec, eval and compile for check code: `python -c "exec(...)"` runs in the sandbox.

    Whatever globals the code hands them, the code they run sees the sandbox's builtins (no
    open, the fake os/urllib/socket, imports limited to what the image has), never the real
    ones: Python would otherwise fill a fresh globals dict with the real builtins module.
    """
    depth = [0]

    def scope(globals_: object, locals_: object) -> tuple[dict, object]:
        if globals_ is None:
            globals_ = namespace
        if not isinstance(globals_, dict):
            raise TypeError("exec() globals must be a dict")
        globals_["__builtins__"] = safe
        return globals_, (globals_ if locals_ is None else locals_)

    def as_code(source: object, mode: str) -> object:
        if isinstance(source, types.CodeType):
            return source
        if isinstance(source, (bytes, bytearray)):
            source = bytes(source).decode()
        if not isinstance(source, str):
            raise TypeError(f"{mode}() arg 1 must be a string, bytes or code object")
        return builtins.compile(source, "<string>", mode)

    def run(source: object, globals_: object, locals_: object, mode: str) -> object:
        if depth[0] >= MAX_EXEC_DEPTH:
            raise RecursionError("exec() nested too deeply in the health check")
        code = as_code(source, mode)
        globals_, locals_ = scope(globals_, locals_)
        depth[0] += 1
        try:
            if mode == "eval":
                return eval(code, globals_, locals_)  # noqa: S307 - the sandbox's builtins only
            exec(code, globals_, locals_)  # noqa: S102 - the sandbox's builtins only
            return None
        finally:
            depth[0] -= 1

    def exec_(source: object, globals_: object = None, locals_: object = None) -> None:
        run(source, globals_, locals_, "exec")

    def eval_(source: object, globals_: object = None, locals_: object = None) -> object:
        return run(source, globals_, locals_, "eval")

    def compile_(source: object, filename: str = "<string>", mode: str = "exec",
                 *args: object, **kwargs: object) -> object:
        if mode not in ("exec", "eval", "single"):
            raise ValueError("compile() mode must be 'exec', 'eval' or 'single'")
        if isinstance(source, (bytes, bytearray)):
            source = bytes(source).decode()
        if not isinstance(source, str):
            raise TypeError("compile() arg 1 must be a string or bytes")
        return builtins.compile(source, str(filename), mode)

    return {"exec": exec_, "eval": eval_, "compile": compile_}


def run_python_check(container: Container, code: str, trace: Trace) -> tuple[bool, str]:
    """Run `python -c code` in the sandbox; exit status 0 means healthy."""
    namespace = sandbox_globals(container, container.env, trace)
    try:
        exec(compile(code, "<healthcheck>", "exec"), namespace)  # noqa: S102
    except CheckExit as exc:
        code_value = exc.code
        ok = code_value in (None, 0, False)
        trace.add(f"python exits with {0 if ok else code_value!r}")
        return ok, f"the Python check exits with {0 if ok else code_value!r}"
    except SyntaxError as exc:
        trace.add(f"python: SyntaxError: {exc.msg}")
        return False, f"the Python check has a syntax error ({exc.msg})"
    except Exception as exc:  # noqa: BLE001 - an uncaught exception exits python with 1
        trace.add(f"python raises {type(exc).__name__}: {exc}; exit 1")
        return False, f"the Python check raises {type(exc).__name__} ({exc}), exit 1"
    trace.add("python finishes without an error: exit 0")
    return True, "the Python check exits with 0"
