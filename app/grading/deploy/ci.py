"""A GitHub Actions workflow that deploys through Coolify's deploy webhook, in the model.

    wf = load_workflow(text)                                   # DeployError if unreadable
    run = wf.run("push", branch="main", tests_pass=True, secrets={"COOLIFY_TOKEN": "t"})
    run.deploys            # Coolify deploys that happened (uuid, by which job and step)
    run.jobs               # {job: "success" | "failure" | "skipped"}
    run.trace              # what happened, step by step

Modelled: `on:` (push/pull_request with branches, branches-ignore, tags; workflow_dispatch),
jobs with `needs:` and a job- or step-level `if:` of the usual forms (github.ref,
github.event_name, success()/failure()/always()), `${{ secrets.X }}` / `${{ env.X }}` / `$VAR`
in `run:` steps, and `curl`/`wget` calls to Coolify's API (`/api/v1/deploy?uuid=...`, with a
Bearer token), or urllib.request calls from a `python -c` / `python - <<EOF` script (ci_python).
`run:` scripts run as GitHub's shell runs them (`bash -e`: a failed command not
guarded by && or || ends the step), a command whose program runs the tests (pytest, python -m
unittest, npm test...) fails when the scenario says the tests fail, and a step's
`continue-on-error` keeps its job green. curl
without --fail exits 0 on a 401, so the job then "succeeds" without a deploy, as it would.
"""

from __future__ import annotations

import fnmatch
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from .ci_python import python_heredocs
from .ci_python import run_python
from .compose import read_yaml
from .shell import split_script
from .shell import words
from .trace import DeployError
from .trace import Trace

COOLIFY = "coolify.example.com"
EXPR_RE = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


@dataclass(frozen=True)
class Deploy:
    """One deploy Coolify accepted."""

    uuid: str
    job: str
    step: int
    force: bool


@dataclass
class WorkflowRun:
    """The result of one event."""

    jobs: dict[str, str] = field(default_factory=dict)
    deploys: list[Deploy] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # calls Coolify refused, and why
    order: list[str] = field(default_factory=list)
    trace: Trace = field(default_factory=Trace)


def branch_matches(branch: str, patterns: Any) -> bool:
    items = [patterns] if isinstance(patterns, str) else list(patterns or [])
    return any(fnmatch.fnmatchcase(branch, str(p)) for p in items)


class Workflow:
    """A workflow file, read."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.last_status = 0  # what Coolify answered the last call (200, 401, 404)
        # YAML 1.1 reads a bare `on` key as True.
        triggers = data.get("on", data.get(True))
        if triggers is None:
            raise DeployError("the workflow has no on: (what starts it)", 1,
                              ".github/workflows/deploy.yml")
        if isinstance(triggers, str):
            triggers = {triggers: None}
        elif isinstance(triggers, list):
            triggers = {str(t): None for t in triggers}
        self.triggers: Mapping[str, Any] = triggers
        jobs = data.get("jobs")
        if not isinstance(jobs, Mapping) or not jobs:
            raise DeployError("the workflow has no jobs:", 1, ".github/workflows/deploy.yml")
        self.jobs: Mapping[str, Any] = jobs
        self.env = {str(k): str(v) for k, v in (data.get("env") or {}).items()}

    def triggered(self, event: str, branch: str) -> tuple[bool, str]:
        if event not in self.triggers:
            return False, f"on: has no {event}"
        conf = self.triggers[event] or {}
        if not isinstance(conf, Mapping):
            return True, f"on: {event}"
        if "branches" in conf and not branch_matches(branch, conf["branches"]):
            return False, f"on: {event} is limited to branches {list(conf['branches'])}"
        if "branches-ignore" in conf and branch_matches(branch, conf["branches-ignore"]):
            return False, f"on: {event} ignores branch {branch}"
        if "tags" in conf and "branches" not in conf:
            return False, f"on: {event} runs for tags only"
        return True, f"on: {event} matches branch {branch}"

    def run(self, event: str, branch: str = "main", tests_pass: bool = True,
            secrets: Mapping[str, str] | None = None,
            coolify_token: str = "token-from-coolify", app_uuid: str = "") -> WorkflowRun:
        """Simulate one event; Coolify accepts calls with `coolify_token` (for `app_uuid`)."""
        result = WorkflowRun()
        ok, why = self.triggered(event, branch)
        result.trace.add(f"{event} to {branch}: " + ("the workflow runs (" + why + ")" if ok
                                                     else "the workflow does not run: " + why))
        if not ok:
            return result
        context = {"event_name": event, "ref": f"refs/heads/{branch}", "ref_name": branch}
        pending = dict(self.jobs)
        while pending:
            ready = [name for name, job in pending.items()
                     if all(n in result.jobs for n in needs_of(job))]
            if not ready:
                raise DeployError(f"jobs wait for each other in a circle: {list(pending)}", 1,
                                  ".github/workflows/deploy.yml")
            for name in ready:
                job = pending.pop(name)
                result.jobs[name] = self.run_job(name, job, context, result, tests_pass,
                                                 dict(secrets or {}), coolify_token, app_uuid)
        return result

    def run_job(self, name: str, job: Any, context: dict[str, str], result: WorkflowRun,
                tests_pass: bool, secrets: dict[str, str], token: str, uuid: str) -> str:
        if not isinstance(job, Mapping):
            raise DeployError(f"job '{name}' must be a mapping", 1,
                              ".github/workflows/deploy.yml")
        needs = needs_of(job)
        needs_ok = all(result.jobs.get(n) == "success" for n in needs)
        condition = job.get("if")
        if condition is not None:
            go = evaluate(str(condition), context, needs_ok)
        else:
            go = needs_ok
        if not go:
            unmet = ", ".join(n for n in needs if result.jobs.get(n) != "success")
            why = (f"if: {condition} is false" if condition is not None else
                   f"a job it needs ({unmet}) did not succeed")
            result.trace.add(f"job '{name}' is skipped: {why}")
            return "skipped"
        result.order.append(name)
        env = {**self.env, **{str(k): str(v) for k, v in (job.get("env") or {}).items()}}
        status = "success"
        for index, step in enumerate(job.get("steps") or [], start=1):
            if not isinstance(step, Mapping):
                continue
            step_if = step.get("if")
            if step_if is not None and not evaluate(str(step_if), context, status == "success"):
                continue
            if status != "success" and step_if is None:
                continue
            step_env = {**env, **{str(k): str(v) for k, v in (step.get("env") or {}).items()}}
            script = step.get("run")
            if script is None:
                continue
            script = substitute(str(script), secrets, step_env, context)
            step_env = {k: substitute(v, secrets, step_env, context) for k, v in step_env.items()}
            if not self.run_script(name, index, script, step_env, result, token, uuid,
                                   tests_pass):
                ignore = step.get("continue-on-error")
                if isinstance(ignore, str):
                    ignore = evaluate(ignore, context, True)
                if ignore:
                    # GitHub: the step's outcome is failure, its conclusion success.
                    result.trace.add(f"job '{name}' step {index} fails, but continue-on-error "
                                     "lets the job go on as if it had passed")
                    continue
                status = "failure"
        result.trace.add(f"job '{name}': {status}")
        return status

    def run_script(self, job: str, index: int, script: str, env: dict[str, str],
                   result: WorkflowRun, token: str, uuid: str, tests_pass: bool = True) -> bool:
        """Run a `run:` script as GitHub's shell does (bash -e: stop at the first failed list)."""
        last = True
        env = dict(env)
        script, heredocs = python_heredocs(script)
        for op, command in split_script(script):
            if op in (";", "") and not last:
                return False  # -e: a failed command that no && / || guards ends the step
            if op == "&&" and not last or op == "||" and last:
                continue
            if runs_tests([expand_env(w, env) for w in words(command)]):
                last = tests_pass
                result.trace.add(f"job '{job}' step {index}: {command.strip()} "
                                 + ("passes" if tests_pass else "fails (the tests fail)"))
                continue
            captured = CAPTURE_RE.fullmatch(command.strip())
            if captured:  # status=$(curl -s -o /dev/null -w '%{http_code}' ...)
                inner = [expand_env(w, env) for w in words(captured.group(2))]
                program = inner[0].rsplit("/", 1)[-1] if inner else ""
                output = ""
                if program in ("curl", "wget"):
                    self.call(program, inner[1:], job, index, result, token, uuid)
                    written = " ".join(option_values(inner, "-w", "--write-out"))
                    if "%{http_code}" in written or "%{response_code}" in written:
                        output = written.replace("%{http_code}", str(self.last_status)).replace(
                            "%{response_code}", str(self.last_status))
                env[captured.group(1)] = output
                last = True
                continue
            argv = [expand_env(w, env) for w in words(command)]
            if not argv:
                continue
            program = argv[0].rsplit("/", 1)[-1]
            if program in ("curl", "wget"):
                last = self.call(program, argv[1:], job, index, result, token, uuid)
            elif program == "__python_heredoc__" or re.fullmatch(r"python3?", program) and (
                    argv[1:2] == ["-c"] and len(argv) > 2):
                code = heredocs[int(argv[1])] if program == "__python_heredoc__" else argv[2]
                last = self.python_step(code, env, job, index, result, token, uuid)
            elif program in ("test", "["):
                last = shell_test([a for a in argv[1:] if a != "]"])
            elif program == "exit":
                last = (argv[1:2] or ["0"])[0] == "0"
            elif program == "false":
                last = False
            else:
                last = True
        return last

    def python_step(self, code: str, env: dict[str, str], job: str, index: int,
                    result: WorkflowRun, token: str, uuid: str) -> bool:
        """A Python script of the step, run against the Coolify model (urllib.request)."""

        def answer(url: str, headers: dict[str, str]) -> int:
            lines = [f"{k}: {v}" for k, v in headers.items()]
            status = self.coolify_answer("python urllib", url, lines, job, index, result,
                                         token, uuid)
            if status >= 400:
                result.trace.add(f"job '{job}' step {index}: urlopen raises HTTPError "
                                 f"{status}")
            return status

        status = run_python(code, env, answer)
        if status is None:
            result.trace.add(f"job '{job}' step {index}: a Python script the model does not "
                             "follow (it imports or does more than os, sys, json, urllib)")
            return True
        result.trace.add(f"job '{job}' step {index}: python exits with status {status}")
        return status == 0

    def call(self, program: str, args: list[str], job: str, index: int, result: WorkflowRun,
             token: str, uuid: str) -> bool:
        url = next((a for a in args if a.startswith("http")), "")
        headers = [args[i + 1] for i, a in enumerate(args[:-1]) if a in ("-H", "--header")]
        headers += [a.split("=", 1)[1] for a in args if a.startswith("--header=")]
        fail_flag = program == "wget" or any(
            a in ("--fail", "--fail-with-body") or (a.startswith("-") and not a.startswith("--")
                                                    and "f" in a[1:]) for a in args)
        status = self.coolify_answer(program, url, headers, job, index, result, token, uuid)
        if status != 200:
            result.trace.add(result.rejected[-1] + (
                "; curl exits 0 anyway (no --fail), so the job looks green" if not fail_flag
                else "; the step fails"))
            return not fail_flag
        return True

    def coolify_answer(self, program: str, url: str, headers: list[str], job: str, index: int,
                       result: WorkflowRun, token: str, uuid: str) -> int:
        """What Coolify answers a call to `url` with these headers (a deploy is recorded)."""
        parts = urllib.parse.urlsplit(url)
        self.last_status = 200
        if parts.hostname != COOLIFY or not parts.path.startswith("/api/v1/deploy"):
            result.trace.add(f"job '{job}' step {index}: {program} {url or '(no URL)'}")
            return 200
        query = urllib.parse.parse_qs(parts.query)
        given = next((h.split(None, 2)[-1] for h in headers
                      if h.lower().startswith("authorization: bearer ")), "")
        status = 200
        if given != token:
            status = 401
            why = "no Bearer token" if not given else "a token Coolify does not know"
        elif uuid and uuid not in ",".join(query.get("uuid", [])).split(","):
            status = 404
            why = "no application with that uuid"
        self.last_status = status
        if status != 200:
            result.rejected.append(f"job '{job}' step {index}: Coolify answers {status} ({why})")
            return status
        force = query.get("force", ["false"])[0] == "true"
        result.deploys.append(Deploy(",".join(query.get("uuid", [])), job, index, force))
        result.trace.add(f"job '{job}' step {index}: Coolify queues a deploy")
        return 200


CAPTURE_RE = re.compile(r"([A-Za-z_]\w*)=\$\((.*)\)", re.S)


def option_values(argv: list[str], *names: str) -> list[str]:
    """The values of an option (`-w X`, `--write-out X`, `--write-out=X`)."""
    found = []
    for i, word in enumerate(argv):
        if word in names and i + 1 < len(argv):
            found.append(argv[i + 1])
        found.extend(word.split("=", 1)[1] for name in names if word.startswith(name + "="))
    return found


def shell_test(args: list[str]) -> bool:
    """`test A -ge B`, `test A = B`, `test -n A` and friends, joined with -a."""
    if "-a" in args:
        i = args.index("-a")
        return shell_test(args[:i]) and shell_test(args[i + 1:])
    if len(args) == 2 and args[0] in ("-n", "-z"):
        return bool(args[1]) == (args[0] == "-n")
    if len(args) == 3:
        left, op, right = args
        if op in ("=", "=="):
            return left == right
        if op == "!=":
            return left != right
        numeric = {"-eq": int.__eq__, "-ne": int.__ne__, "-lt": int.__lt__,
                   "-le": int.__le__, "-gt": int.__gt__, "-ge": int.__ge__}
        if op in numeric:
            try:
                return numeric[op](int(left), int(right))
            except ValueError:
                return False  # sh: integer expression expected: test fails
    return len(args) == 1 and bool(args[0])


def runs_tests(argv: list[str]) -> bool:
    """Does this command run the test suite (pytest, python -m unittest, npm test, ...)?

    The program decides, not a word anywhere: `echo pytest` runs no tests.
    """
    args = [a for a in argv if not re.match(r"^[A-Za-z_]\w*=", a)] if argv else []
    while len(args) > 2 and args[0] in ("uv", "poetry", "pipenv", "hatch", "pdm") and (
            args[1] == "run"):
        args = args[2:]
    if not args:
        return False
    program = args[0].rsplit("/", 1)[-1]
    if program in ("pytest", "py.test", "tox", "nox"):
        return True
    if re.match(r"python(3(\.\d+)?)?$", program):
        return len(args) > 2 and args[1] == "-m" and args[2] in ("pytest", "unittest", "tox")
    if program in ("npm", "pnpm", "yarn"):
        return "test" in args[1:3]
    if program in ("make", "go", "cargo"):
        return len(args) > 1 and args[1] == "test"
    return False


def needs_of(job: Any) -> list[str]:
    needs = job.get("needs") if isinstance(job, Mapping) else None
    if needs is None:
        return []
    return [needs] if isinstance(needs, str) else [str(n) for n in needs]


TOKEN_RE = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>-?\d+(?:\.\d+)?)"
    r"|(?P<op>&&|\|\||==|!=|<=|>=|[<>!(),])|(?P<name>[A-Za-z_][\w-]*(?:\.[A-Za-z_*][\w-]*)*))"
)
STATUS_FUNCTIONS = ("always", "success", "failure", "cancelled")


def truthy(value: Any) -> bool:
    """GitHub's falsy values: false, 0, -0, '', null."""
    return value not in (False, 0, "", None)


def as_number(value: Any) -> float:
    """GitHub's coercion for comparisons of mixed types."""
    if value is None or value == "":
        return 0.0
    if isinstance(value, (bool, int, float)):
        return float(value)
    try:
        return float(value)
    except ValueError:
        return float("nan")


class Expression:
    """A GitHub Actions expression (`if:`): literals, github.* values, ! < <= > >= == != && ||,
    parentheses, and the functions contains, startsWith, endsWith, format and the status ones."""

    def __init__(self, text: str, context: Mapping[str, str], needs_ok: bool) -> None:
        self.context = context
        self.needs_ok = needs_ok
        self.uses_status = False
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        text = text.strip()
        while pos < len(text):
            match = TOKEN_RE.match(text, pos)
            if match is None or match.end() == pos:
                raise ValueError(text[pos:])
            kind = match.lastgroup or ""
            self.tokens.append((kind, match.group(kind)))
            pos = match.end()
        self.pos = 0

    def peek(self) -> str:
        return self.tokens[self.pos][1] if self.pos < len(self.tokens) else ""

    def take(self, expected: str | None = None) -> tuple[str, str]:
        if self.pos >= len(self.tokens) or (expected and self.tokens[self.pos][1] != expected):
            raise ValueError(expected or "end")
        self.pos += 1
        return self.tokens[self.pos - 1]

    def value(self) -> Any:
        result = self.either()
        if self.pos != len(self.tokens):
            raise ValueError(self.peek())
        return result

    def either(self) -> Any:
        left = self.both()
        while self.peek() == "||":
            self.take()
            right = self.both()
            left = left if truthy(left) else right
        return left

    def both(self) -> Any:
        left = self.equality()
        while self.peek() == "&&":
            self.take()
            right = self.equality()
            left = right if truthy(left) else left
        return left

    def equality(self) -> Any:
        left = self.order()
        while self.peek() in ("==", "!="):
            op = self.take()[1]
            right = self.order()
            if isinstance(left, str) and isinstance(right, str):
                same = left.casefold() == right.casefold()
            else:
                same = as_number(left) == as_number(right)
            left = same if op == "==" else not same
        return left

    def order(self) -> Any:
        left = self.unary()
        while self.peek() in ("<", "<=", ">", ">="):
            op = self.take()[1]
            a, b = as_number(left), as_number(self.unary())
            left = {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
        return left

    def unary(self) -> Any:
        if self.peek() == "!":
            self.take()
            return not truthy(self.unary())
        return self.primary()

    def primary(self) -> Any:
        kind, text = self.take()
        if text == "(" and kind == "op":
            inner = self.either()
            self.take(")")
            return inner
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if kind == "num":
            return float(text)
        if kind != "name":
            raise ValueError(text)
        if self.peek() == "(":
            self.take("(")
            args = []
            while self.peek() != ")":
                args.append(self.either())
                if self.peek() == ",":
                    self.take(",")
            self.take(")")
            return self.call(text, args)
        return {"true": True, "false": False, "null": None}.get(
            text, self.context.get(text.removeprefix("github."), "")
            if text.startswith("github.") else "")

    def call(self, name: str, args: list[Any]) -> Any:
        fold = [str(a).casefold() if a is not None else "" for a in args]
        lowered = name.casefold()
        if lowered in STATUS_FUNCTIONS and not args:
            self.uses_status = True
            return {"always": True, "success": self.needs_ok, "failure": not self.needs_ok,
                    "cancelled": False}[lowered]
        if lowered == "contains" and len(args) == 2:
            return fold[1] in fold[0]
        if lowered == "startswith" and len(args) == 2:
            return fold[0].startswith(fold[1])
        if lowered == "endswith" and len(args) == 2:
            return fold[0].endswith(fold[1])
        if lowered == "format" and args:
            pieces = [str(a) if not isinstance(a, float) or a % 1 else str(int(a))
                      for a in args[1:]]
            return re.sub(r"\{(\d+)\}", lambda m: pieces[int(m.group(1))],
                          str(args[0])).replace("{{", "{").replace("}}", "}")
        raise ValueError(name)


def evaluate(condition: str, context: dict[str, str], needs_ok: bool) -> bool:
    """An `if:` condition, read the way GitHub evaluates it (${{ }} optional)."""
    text = condition.strip()
    match = EXPR_RE.fullmatch(text)
    if match:
        text = match.group(1)
    try:
        expression = Expression(text, context, needs_ok)
        value = truthy(expression.value())
    except (ValueError, IndexError):
        raise DeployError(f"the model cannot read the condition {condition!r}", 1,
                          ".github/workflows/deploy.yml") from None
    # Without a status function, GitHub adds success(): a failed need skips the job.
    return value and (needs_ok or expression.uses_status)


def substitute(text: str, secrets: Mapping[str, str], env: Mapping[str, str],
               context: Mapping[str, str]) -> str:
    """`${{ secrets.X }}`, `${{ env.X }}`, `${{ github.ref_name }}` replaced by their values."""

    def sub(match: re.Match[str]) -> str:
        expr = match.group(1)
        if expr.startswith("secrets."):
            return secrets.get(expr[8:], "")
        if expr.startswith("env."):
            return env.get(expr[4:], "")
        if expr.startswith("vars."):
            return ""
        if expr.startswith("github."):
            return context.get(expr[7:], "")
        return ""

    return EXPR_RE.sub(sub, text)


def expand_env(word: str, env: Mapping[str, str]) -> str:
    from .shell import expand

    return expand(word, dict(env), unset="")


def load_workflow(text: str) -> Workflow:
    """Read a workflow file (DeployError if it is not one)."""
    return Workflow(read_yaml(text, ".github/workflows/deploy.yml"))
