"""A workflow step that calls Coolify from Python (`python -c`, `python3 - <<EOF`), in the model.

The script really runs, but against a model of the runner: `os.environ` holds the step's
environment, `urllib.request.urlopen` asks the Coolify model instead of the network and raises
HTTPError on a 4xx/5xx answer as the standard library does, and nothing is printed. Only a few
standard modules are offered; a script that imports anything else is not modelled (`None`).
"""

from __future__ import annotations

import builtins
import io
import json
import re
import sys
import types
import urllib.error
import urllib.parse
from collections.abc import Callable
from collections.abc import Mapping

# (url, headers) -> the HTTP status Coolify answers.
Answer = Callable[[str, dict[str, str]], int]

HEREDOC_RE = re.compile(
    r"^[ \t]*(?:\S*/)?python3?(?:\s+-)?\s*<<(-?)\s*(['\"]?)(\w+)\2[ \t]*$", re.M)
STEP_LIMIT = 200_000  # lines a script may run before the model gives up (a loop that never ends)
SAFE_MODULES = {"json": json, "urllib.error": urllib.error, "urllib.parse": urllib.parse}


class NotModelled(Exception):
    """The script does something the model does not follow."""


def python_heredocs(script: str) -> tuple[str, list[str]]:
    """The script with each `python - <<TAG ... TAG` replaced by `__python_heredoc__ N`."""
    bodies: list[str] = []
    out: list[str] = []
    lines = script.split("\n")
    i = 0
    while i < len(lines):
        match = HEREDOC_RE.match(lines[i])
        if not match:
            out.append(lines[i])
            i += 1
            continue
        strip_tabs, tag = match.group(1) == "-", match.group(3)
        body: list[str] = []
        i += 1
        while i < len(lines) and (lines[i].lstrip("\t") if strip_tabs else lines[i]) != tag:
            body.append(lines[i].lstrip("\t") if strip_tabs else lines[i])
            i += 1
        i += 1  # the closing tag
        out.append(f"__python_heredoc__ {len(bodies)}")
        bodies.append("\n".join(body) + "\n")
    return "\n".join(out), bodies


def run_python(code: str, env: Mapping[str, str], answer: Answer) -> int | None:
    """The exit status of `python -c code` on the runner; None when the model cannot follow it."""
    try:
        compiled = compile(code, "<workflow step>", "exec")
    except SyntaxError:
        return 1
    environ = dict(env)
    modules = runner_modules(environ, answer)

    def import_(name, globals=None, locals=None, fromlist=(), level=0):  # noqa: A002
        if level or name.split(".")[0] not in ("os", "sys", "json", "urllib"):
            raise NotModelled(f"import {name}")
        if name == "urllib" or name.startswith("urllib."):
            return modules[name] if fromlist else modules["urllib"]
        return modules[name]

    safe = {k: getattr(builtins, k) for k in dir(builtins)
            if k not in ("open", "input", "exec", "eval", "compile", "__import__", "breakpoint")}
    safe["__import__"] = import_
    safe["print"] = lambda *args, **kwargs: None
    namespace = {"__builtins__": safe, "__name__": "__main__"}
    counted = [0]

    def tracer(frame, event, arg):
        counted[0] += 1
        if counted[0] > STEP_LIMIT:
            raise NotModelled("the script does not finish")
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        exec(compiled, namespace)  # noqa: S102 - the learner's step, against a model runner
    except SystemExit as stop:
        code_ = stop.code
        return code_ if isinstance(code_, int) else (0 if code_ is None else 1)
    except NotModelled:
        return None
    except Exception:  # noqa: BLE001 - an uncaught exception ends Python with status 1
        return 1
    finally:
        sys.settrace(previous)
    return 0


def runner_modules(environ: dict[str, str], answer: Answer) -> dict[str, types.ModuleType]:
    """os, sys and urllib as the script sees them on the runner, with urlopen going to Coolify."""
    os_module = types.ModuleType("os")
    os_module.environ = environ
    os_module.getenv = lambda name, default=None: environ.get(name, default)
    sys_module = types.ModuleType("sys")

    def exit_(status=None):
        raise SystemExit(status)

    sys_module.exit = exit_
    sys_module.argv = ["-"]
    sys_module.stdout = io.StringIO()
    sys_module.stderr = io.StringIO()

    class Request:
        """urllib.request.Request: the URL, data, headers and method of a call."""

        def __init__(self, url, data=None, headers=None, origin_req_host=None,
                     unverifiable=False, method=None):
            self.full_url = url
            self.data = data
            self.headers = {str(k).capitalize(): str(v) for k, v in (headers or {}).items()}
            self.method = method

        def add_header(self, key, value):
            self.headers[str(key).capitalize()] = str(value)

        def get_full_url(self):
            return self.full_url

    class Response(io.BytesIO):
        """What urlopen returns for a 2xx answer."""

        def __init__(self, url, status):
            super().__init__(json.dumps({"message": "Deployment request queued."}).encode())
            self.status = self.code = status
            self.url = url
            self.headers = {}

        def getcode(self):
            return self.status

    def urlopen(url, data=None, timeout=None, **kwargs):
        request = url if isinstance(url, Request) else Request(str(url), data)
        status = answer(request.full_url, dict(request.headers))
        if status >= 400:
            raise urllib.error.HTTPError(request.full_url, status, "refused", {}, None)
        return Response(request.full_url, status)

    request_module = types.ModuleType("urllib.request")
    request_module.Request = Request
    request_module.urlopen = urlopen
    request_module.HTTPError = urllib.error.HTTPError
    urllib_module = types.ModuleType("urllib")
    urllib_module.request = request_module
    urllib_module.error = urllib.error
    urllib_module.parse = urllib.parse
    return {"os": os_module, "sys": sys_module, "json": json, "urllib": urllib_module,
            "urllib.request": request_module, **SAFE_MODULES}
