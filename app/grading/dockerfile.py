"""Parse a Dockerfile into instructions with line numbers, and review it.

    from grading import dockerfile, submission
    for finding in dockerfile.check(submission.read("Dockerfile")):
        print(finding.format())      # Dockerfile:14: error [runs-as-root] There is no USER ...

    df = dockerfile.parse(submission.read("Dockerfile"))   # raises DockerfileError(line, message)
    df.final_stage().base            # "python:3.12-slim"
    df.user_of_final_stage()         # "app", or None when the image runs as its base's user
    df.startup().words               # ["gunicorn", "--bind", "0.0.0.0:${PORT}", "app:app"]

check() reviews what a Coolify-style deployment of a web app needs: a pinned (and, for the
final image, slim) base, a non-root user, dependencies installed before the code is copied,
a production server bound to 0.0.0.0 on the port from the environment, no secrets in ENV,
ARG or copied files, a HEALTHCHECK, and tidy package installs. Findings carry a rule id, a
severity ("error" or "warning"), the line and a message that says why it matters.

The parser follows the Dockerfile reference: parser directives (`# escape=`) at the very top,
comment lines, line continuations (also across comment lines), here-documents, instruction
keywords in any case, `--flag=value` options, JSON (exec) form versus shell form, and stages
(`FROM image AS name`). It never runs anything. Malformed input raises DockerfileError with
the 1-based line of the problem, never an unexplained traceback.
"""

from __future__ import annotations

import difflib
import json
import re
import shlex
from dataclasses import dataclass
from dataclasses import field

from .findings import ERROR
from .findings import WARNING
from .findings import Finding
from .findings import looks_like_secret_name
from .findings import password_in_url
from .findings import sort_findings

INSTRUCTIONS = (
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
    "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
)
# Only these accept leading --flags; elsewhere "--x" is an ordinary argument.
FLAG_INSTRUCTIONS = ("ADD", "COPY", "FROM", "HEALTHCHECK", "RUN")
# Only these may use here-documents (<<EOF ... EOF).
HEREDOC_INSTRUCTIONS = ("ADD", "COPY", "RUN")
KNOWN_DIRECTIVES = ("check", "escape", "syntax")
DEFAULT_SHELL = ("/bin/sh", "-c")
SHELL_PROGRAMS = ("sh", "bash", "ash", "dash", "zsh")

DIRECTIVE_RE = re.compile(r"^#\s*([A-Za-z][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")
FLAG_RE = re.compile(r"--([A-Za-z][A-Za-z0-9-]*)(?:=(\"[^\"]*\"|'[^']*'|\S*))?(?:\s+|$)")
HEREDOC_RE = re.compile(r"<<(-?)([\"']?)([A-Za-z_][A-Za-z0-9_.-]*)\2")
STAGE_NAME_RE = re.compile(r"^[a-z][a-z0-9._-]*$", re.IGNORECASE)
VARIABLE_RE = re.compile(
    r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)"
)
LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")


class DockerfileError(Exception):
    """A Dockerfile that cannot be read: the 1-based line, what is wrong, and what to write."""

    def __init__(self, line: int, message: str, fix: str = "") -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message
        self.fix = fix  # the linter prints it; exercises show only the message


@dataclass(frozen=True)
class Instruction:
    """One instruction, continuation lines joined, with where it starts and ends."""

    kind: str  # upper-case keyword: "FROM", "RUN", ...
    line: int  # first physical line, 1-based
    end_line: int  # last physical line (after continuations and here-documents)
    args: str  # the text after the keyword and its --flags, continuations joined
    flags: dict[str, str] = field(default_factory=dict)  # {"chown": "app:app"}; bare flag -> ""
    exec_form: tuple[str, ...] | None = None  # the JSON array, when written in exec form
    heredocs: tuple[str, ...] = ()  # bodies of <<EOF here-documents, in order
    # For each here-document: is its delimiter unquoted (<<EOF, <<-EOF), so that the builder
    # expands ARG/ENV variables in a COPY/ADD body? <<'EOF' and <<"EOF" keep the text as is.
    heredoc_expands: tuple[bool, ...] = ()
    stage: int | None = None  # index of the stage it belongs to; None before the first FROM
    # Every --flag in order, repeats kept: RUN --mount=... --mount=... has two.
    flag_list: tuple[tuple[str, str], ...] = ()

    def mounts(self) -> list[dict[str, str]]:
        """RUN --mount options as dicts: [{"type": "cache", "target": "/root/.cache/pip"}]."""
        found = []
        for name, value in self.flag_list:
            if name != "mount":
                continue
            options = {}
            for part in value.split(","):
                key, eq, val = part.partition("=")
                options[key.strip().lower()] = val.strip() if eq else "true"
            options.setdefault("type", "bind")
            found.append(options)
        return found

    @property
    def is_exec_form(self) -> bool:
        """True when the arguments are a JSON array (run without a shell)."""
        return self.exec_form is not None

    @property
    def looks_like_broken_json(self) -> bool:
        """True when the arguments start like an exec-form array but are not valid JSON.

        Docker then silently treats them as shell form (a common slip: single quotes).
        """
        return self.exec_form is None and self.args.lstrip().startswith("[")

    def words(self) -> list[str]:
        """The arguments as words: the JSON array, or the shell text split like a shell would."""
        if self.exec_form is not None:
            return list(self.exec_form)
        return split_words(self.args)

    def sources_and_destination(self) -> tuple[list[str], str]:
        """For COPY and ADD: the source paths and the destination (here-documents excluded)."""
        # The here-document markers are sources too (`COPY <<'EOF' /path`): the destination
        # is the last word whichever form of marker (<<EOF, <<'EOF', <<"EOF", <<-EOF) precedes.
        words = self.words()
        if len(words) < 2:
            return [w for w in words if not HEREDOC_RE.fullmatch(w)], ""
        return [w for w in words[:-1] if not HEREDOC_RE.fullmatch(w)], words[-1]

    def text(self) -> str:
        """The instruction as one line of text, for messages."""
        flags = " ".join(f"--{k}={v}" if v else f"--{k}" for k, v in self.flags.items())
        return " ".join(part for part in (self.kind, flags, self.args) if part)


@dataclass(frozen=True)
class ImageRef:
    """An image reference split into name, tag and digest ("python", "3.12-slim", "")."""

    name: str
    tag: str
    digest: str

    @classmethod
    def parse(cls, ref: str) -> ImageRef:
        """Split "registry:5000/team/app:1.2@sha256:..." into its parts."""
        rest, _, digest = ref.partition("@")
        last_slash = rest.rfind("/")
        colon = rest.rfind(":")
        if colon > last_slash:
            return cls(rest[:colon], rest[colon + 1 :], digest)
        return cls(rest, "", digest)


@dataclass(frozen=True)
class Stage:
    """One build stage: FROM base [AS name] and the instructions up to the next FROM."""

    index: int
    base: str  # the image (or earlier stage) named after FROM, as written
    name: str | None  # the AS name, lower-cased, if any
    line: int
    instructions: tuple[Instruction, ...]
    parent: int | None = None  # index of the earlier stage this one is built FROM, if any
    flags: dict[str, str] = field(default_factory=dict)  # e.g. {"platform": "linux/amd64"}

    @property
    def image(self) -> ImageRef:
        """The base image split into name, tag and digest."""
        return ImageRef.parse(self.base)

    def label(self) -> str:
        """How a learner would name this stage: its AS name or its number."""
        return f"'{self.name}'" if self.name else f"{self.index + 1}"


@dataclass(frozen=True)
class ExposedPort:
    """One port from an EXPOSE instruction."""

    port: str  # as written: "8000", "${PORT}", "8000-8010"
    protocol: str  # "tcp" unless written otherwise
    line: int

    @property
    def number(self) -> int | None:
        """The port as a number, or None when it is a variable or a range."""
        return int(self.port) if self.port.isdigit() else None


@dataclass(frozen=True)
class Startup:
    """What the container runs when it starts (ENTRYPOINT and CMD combined, as Docker does)."""

    argv: tuple[str, ...]  # the exact argv Docker executes
    words: tuple[str, ...]  # the command as a reader sees it (the script, if run by a shell)
    via_shell: bool  # True when a shell runs it, so $VARIABLES are expanded
    line: int  # the line of the instruction that decided the command (CMD or ENTRYPOINT)


def split_words(text: str) -> list[str]:
    """Split shell text into words; unbalanced quotes fall back to splitting on spaces."""
    try:
        return shlex.split(text, comments=False, posix=True)
    except ValueError:
        return text.split()


def shell_script(argv: list[str] | tuple[str, ...]) -> str | None:
    """If argv runs a shell with -c (`sh -c "script"`), return the script, else None."""
    if not argv:
        return None
    program, rest = argv[0].rsplit("/", 1)[-1], list(argv[1:])
    if program == "env" and rest:  # /usr/bin/env sh -c "..."
        program, rest = rest[0].rsplit("/", 1)[-1], rest[1:]
    if program not in SHELL_PROGRAMS:
        return None
    while rest and rest[0].startswith("-"):
        option = rest.pop(0)
        # -c may be combined with other short options: sh -ec "...".
        if option == "-c" or (not option.startswith("--") and "c" in option[1:]):
            return rest[0] if rest else None
    return None


class Dockerfile:
    """A parsed Dockerfile: its instructions, stages and the queries tests need."""

    def __init__(
        self, instructions: list[Instruction], stages: list[Stage], directives: dict[str, str]
    ) -> None:
        self._instructions = tuple(instructions)
        self.stages = tuple(stages)
        self.directives = dict(directives)
        self.escape = directives.get("escape", "\\")

    def instructions(self, kind: str | None = None) -> list[Instruction]:
        """All instructions in file order, or only those of one kind ("copy" or "COPY")."""
        if kind is None:
            return list(self._instructions)
        wanted = kind.upper()
        return [i for i in self._instructions if i.kind == wanted]

    def final_stage(self) -> Stage:
        """The last stage: the one whose result is the image that runs."""
        return self.stages[-1]

    def stage(self, name_or_index: str | int) -> Stage | None:
        """A stage by AS name (case-insensitive) or by index."""
        if isinstance(name_or_index, int):
            in_range = -len(self.stages) <= name_or_index < len(self.stages)
            return self.stages[name_or_index] if in_range else None
        wanted = name_or_index.lower()
        return next((s for s in self.stages if s.name == wanted), None)

    def chain(self, stage: Stage | None = None) -> list[Stage]:
        """The stage and the earlier stages it is built FROM, oldest first.

        `FROM base AS app` after `FROM python:3.12-slim AS base` inherits base's ENV, USER,
        CMD...; queries about the final image have to look through that chain.
        """
        stage = stage or self.final_stage()
        found = [stage]
        while found[-1].parent is not None:
            found.append(self.stages[found[-1].parent])
        return list(reversed(found))

    def chain_instructions(self, kind: str | None = None) -> list[Instruction]:
        """Instructions that shape the final image (its stage and the stages it builds on)."""
        wanted = kind.upper() if kind else None
        return [
            ins for stage in self.chain() for ins in stage.instructions
            if wanted is None or ins.kind == wanted
        ]

    def global_args(self) -> dict[str, str]:
        """Defaults of the ARGs declared before the first FROM (usable in FROM lines)."""
        values: dict[str, str] = {}
        for ins in self._instructions:
            if ins.stage is not None:
                break
            name, _, default = ins.args.partition("=")
            values[name.strip()] = default.strip().strip("\"'")
        return values

    def base_image(self) -> ImageRef:
        """The external image the final stage rests on (through FROM <stage> links).

        `${VERSION}` in the FROM line is replaced by the ARG's default, as Docker does.
        """
        return ImageRef.parse(expand(self.chain()[0].base, self.global_args()))

    def user_of_final_stage(self) -> str | None:
        """The last USER that applies to the final image, or None (the base image decides)."""
        users = self.chain_instructions("USER")
        return users[-1].args.strip() if users else None

    def env(self) -> dict[str, str]:
        """Environment variables set by ENV for the final image (later values win)."""
        values: dict[str, str] = {}
        for ins in self.chain_instructions("ENV"):
            values.update(parse_env(ins))
        return values

    def exposed_ports(self) -> list[ExposedPort]:
        """Ports declared with EXPOSE in the final image."""
        ports = []
        for ins in self.chain_instructions("EXPOSE"):
            ports.extend(parse_expose(ins))
        return ports

    def shell(self) -> tuple[str, ...]:
        """The shell that runs shell-form commands in the final image (SHELL, or /bin/sh -c)."""
        shells = self.chain_instructions("SHELL")
        return tuple(shells[-1].exec_form or DEFAULT_SHELL) if shells else DEFAULT_SHELL

    def cmd(self) -> list[str] | None:
        """The final image's CMD as an argv list (shell form wrapped in the shell), or None."""
        found = self._last_command("CMD")
        return self._argv(found) if found else None

    def entrypoint(self) -> list[str] | None:
        """The final image's ENTRYPOINT as an argv list, or None."""
        found = self._last_command("ENTRYPOINT")
        return self._argv(found) if found else None

    def startup(self) -> Startup | None:
        """What the container runs at start, combining ENTRYPOINT and CMD like Docker does.

        Exec-form ENTRYPOINT gets CMD's words appended; shell-form ENTRYPOINT ignores CMD.
        """
        entry = self._last_command("ENTRYPOINT")
        cmd = self._last_command("CMD")
        if entry is None and cmd is None:
            return None
        if entry is not None and (not entry.is_exec_form or cmd is None):
            deciding, argv = entry, self._argv(entry)
        elif entry is not None and cmd is not None:
            deciding, argv = cmd, self._argv(entry) + self._argv(cmd)
        else:
            deciding, argv = cmd, self._argv(cmd)
        # An init first (tini --, dumb-init) runs the rest as its child, maybe a shell.
        inner = list(argv)
        while inner and inner[0].rsplit("/", 1)[-1] in ("tini", "dumb-init"):
            inner = [a for a in inner[1:] if a != "--"]
        script = shell_script(inner)
        if script is not None:
            return Startup(tuple(argv), tuple(split_words(script)), True, deciding.line)
        return Startup(tuple(argv), tuple(argv), False, deciding.line)

    def _last_command(self, kind: str) -> Instruction | None:
        """The CMD or ENTRYPOINT in force; an ENTRYPOINT resets a CMD from an earlier stage."""
        last: dict[str, tuple[int, Instruction]] = {}
        for depth, stage in enumerate(self.chain()):
            for ins in stage.instructions:
                if ins.kind in ("CMD", "ENTRYPOINT"):
                    last[ins.kind] = (depth, ins)
                    if ins.kind == "ENTRYPOINT" and "CMD" in last and last["CMD"][0] < depth:
                        del last["CMD"]
        found = last.get(kind)
        return found[1] if found else None

    def _argv(self, ins: Instruction) -> list[str]:
        """The argv Docker executes for a CMD/ENTRYPOINT instruction."""
        if ins.exec_form is not None:
            return list(ins.exec_form)
        return [*self.shell(), ins.args]


def expand(text: str, values: dict[str, str]) -> str:
    """Replace $NAME, ${NAME} and ${NAME:-default} with known values (unknown ones stay)."""

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(3)
        default = match.group(2)
        if values.get(name):
            return values[name]
        return default if default is not None else match.group(0)

    return VARIABLE_RE.sub(substitute, text)


def parse_env(ins: Instruction) -> dict[str, str]:
    """Read `ENV A=1 B="two words"` or the old `ENV NAME value with spaces`."""
    text = ins.args.strip()
    first = text.split(None, 1)[0] if text else ""
    if "=" not in first:
        name, value = (text.split(None, 1) + [""])[:2]
        if not value.strip():
            raise DockerfileError(
                ins.line, f"ENV {name} has no value, so Docker refuses the line",
                f"Write ENV {name}=value.",
            )
        return {name: value.strip()}
    values = {}
    for word in split_words(text):
        name, eq, value = word.partition("=")
        if not eq or not name:
            raise DockerfileError(
                ins.line, f"ENV expects NAME=value pairs; '{word}' has no '=', so Docker "
                "refuses the line", "Quote values that contain spaces.",
            )
        values[name] = value
    return values


def parse_expose(ins: Instruction) -> list[ExposedPort]:
    """Read `EXPOSE 8000 53/udp ${PORT}` into ports, rejecting ones Docker would reject."""
    ports = []
    for word in ins.args.split():
        port, _, protocol = word.partition("/")
        protocol = protocol.lower() or "tcp"
        if "$" not in port:
            numbers = port.split("-", 1)
            if not all(n.isdigit() and 0 < int(n) < 65536 for n in numbers):
                raise DockerfileError(
                    ins.line, f"EXPOSE {word}: a port is a number from 1 to 65535"
                )
        if protocol not in ("tcp", "udp", "sctp"):
            raise DockerfileError(
                ins.line, f"EXPOSE {word}: the protocol must be tcp or udp, not '{protocol}'"
            )
        ports.append(ExposedPort(port, protocol, ins.line))
    return ports


def read_directives(lines: list[str]) -> tuple[dict[str, str], int]:
    """Read parser directives from the top; return them and the index of the first other line."""
    directives: dict[str, str] = {}
    for index, line in enumerate(lines):
        match = DIRECTIVE_RE.match(line.strip())
        if not match or match.group(1).lower() not in KNOWN_DIRECTIVES:
            # An unknown directive, a comment, a blank line or an instruction ends the header.
            return directives, index
        key, value = match.group(1).lower(), match.group(2)
        if key in directives:
            raise DockerfileError(index + 1, f"the '{key}' directive is given twice")
        if key == "escape" and value not in ("\\", "`"):
            raise DockerfileError(
                index + 1, f"escape must be a backslash or a backtick, not '{value}'"
            )
        directives[key] = value
    return directives, len(lines)


def split_flags(kind: str, text: str) -> tuple[dict[str, str], str]:
    """Take leading --name=value options off the arguments of instructions that accept them."""
    flag_list, rest = split_flag_list(kind, text)
    return dict(flag_list), rest


def split_flag_list(kind: str, text: str) -> tuple[list[tuple[str, str]], str]:
    """Like split_flags, but every flag in order, repeated ones included."""
    flags: list[tuple[str, str]] = []
    if kind not in FLAG_INSTRUCTIONS:
        return flags, text
    rest = text
    while rest.startswith("--"):
        match = FLAG_RE.match(rest)
        if not match:
            break
        value = match.group(2) or ""
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        flags.append((match.group(1).lower(), value))
        rest = rest[match.end() :]
    return flags, rest


def exec_form(text: str) -> tuple[str, ...] | None:
    """Parse a JSON array of strings (exec form), or None if the text is not one."""
    stripped = text.strip()
    if not stripped.startswith("["):
        return None
    try:
        value = json.loads(stripped)
    except ValueError:
        return None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


def unknown_instruction(word: str, line: int) -> DockerfileError:
    """Explain an unknown keyword, suggesting the closest real one."""
    close = difflib.get_close_matches(word.upper(), INSTRUCTIONS, n=1, cutoff=0.6)
    hint = f" Did you mean {close[0]}?" if close else ""
    return DockerfileError(line, f"'{word}' is not a Dockerfile instruction.{hint}")


def parse(text: str) -> Dockerfile:
    """Parse Dockerfile text; raise DockerfileError(line, message) if it is malformed."""
    lines = LINE_BREAK_RE.split(text.removeprefix("\ufeff"))
    directives, start = read_directives(lines)
    escape = directives.get("escape", "\\")
    continuation = re.compile(re.escape(escape) + r"[ \t]*$")

    instructions: list[Instruction] = []
    stages: list[Stage] = []
    stage_names: dict[str, int] = {}
    pending: list[Instruction] = []  # instructions of the stage being read
    stage_start: tuple[str, str | None, int, int | None, dict[str, str]] | None = None

    def close_stage() -> None:
        if stage_start is not None:
            base, name, line, parent, flags = stage_start
            stages.append(Stage(len(stages), base, name, line, tuple(pending), parent, flags))

    i = start
    while i < len(lines):
        first = lines[i].strip()
        if not first or first.startswith("#"):
            i += 1
            continue
        line_no = i + 1
        joined = lines[i].lstrip()
        i += 1
        # Join continuation lines, skipping comment and blank lines inside them as Docker does.
        while continuation.search(joined):
            joined = continuation.sub("", joined)
            while i < len(lines) and (
                not lines[i].strip() or lines[i].lstrip().startswith("#")
            ):
                i += 1
            if i >= len(lines):
                break
            joined += lines[i]
            i += 1
        if not joined.strip():
            continue  # a lone continuation character: nothing to run
        keyword, rest = re.match(r"(\S+)\s*(.*)", joined.strip(), re.DOTALL).groups()
        kind = keyword.upper()
        if kind not in INSTRUCTIONS:
            raise unknown_instruction(keyword, line_no)
        rest = rest.strip()

        heredocs: list[str] = []
        heredoc_expands: list[bool] = []
        if kind in HEREDOC_INSTRUCTIONS:
            for match in HEREDOC_RE.finditer(rest):
                strip_tabs, word = match.group(1) == "-", match.group(3)
                heredoc_expands.append(not match.group(2))
                body: list[str] = []
                while i < len(lines):
                    candidate = lines[i].lstrip("\t") if strip_tabs else lines[i]
                    i += 1
                    if candidate == word:
                        break
                    body.append(candidate)
                else:
                    raise DockerfileError(
                        line_no, f"the here-document <<{word} is never closed by a line '{word}'"
                    )
                heredocs.append("\n".join(body) + "\n")

        flag_list, args = split_flag_list(kind, rest)
        flags = dict(flag_list)
        args = args.strip()
        if not args and not heredocs:
            raise DockerfileError(line_no, f"{kind} needs arguments; line {line_no} has none")
        form = exec_form(args) if kind in ("CMD", "ENTRYPOINT", "RUN", "SHELL") else None
        if kind == "SHELL" and form is None:
            raise DockerfileError(
                line_no, "SHELL is not written as a JSON array, the only form Docker accepts",
                'Write it like SHELL ["/bin/bash", "-c"].',
            )
        if kind in ("COPY", "ADD", "VOLUME"):
            form = exec_form(args)

        if kind == "FROM":
            close_stage()
            pending = []
            words = args.split()
            if len(words) == 3 and words[1].lower() == "as":
                name = words[2].lower()
                if not STAGE_NAME_RE.match(name):
                    raise DockerfileError(
                        line_no, f"stage name '{words[2]}' must start with a letter and use "
                        "only letters, digits, '.', '_' and '-'",
                    )
                if name in stage_names:
                    raise DockerfileError(
                        line_no, f"stage name '{name}' is already used by the stage on line "
                        f"{stages[stage_names[name]].line}",
                    )
            elif len(words) == 1:
                name = None
            else:
                raise DockerfileError(
                    line_no, "FROM takes an image and an optional 'AS name'; this line has "
                    "other words, so Docker refuses it", "E.g. FROM python:3.12-slim AS build.",
                )
            parent = stage_names.get(words[0].lower())
            stage_start = (words[0], name, line_no, parent, flags)
            if name:
                stage_names[name] = len(stages)
        elif stage_start is None and kind != "ARG":
            raise DockerfileError(
                line_no, f"{kind} comes before the first FROM; only ARG may come before FROM"
            )

        ins = Instruction(
            kind=kind, line=line_no, end_line=i, args=args, flags=flags,
            exec_form=form, heredocs=tuple(heredocs), heredoc_expands=tuple(heredoc_expands),
            stage=len(stages) if stage_start is not None else None,
            flag_list=tuple(flag_list),
        )
        if kind == "ENV":
            parse_env(ins)  # validate early so the error points at the line
        elif kind == "EXPOSE":
            parse_expose(ins)
        instructions.append(ins)
        if stage_start is not None:
            pending.append(ins)

    close_stage()
    if not stages:
        if not instructions:
            raise DockerfileError(1, "the Dockerfile is empty, so there is nothing to build",
                                  "Start with FROM <base image>.")
        raise DockerfileError(
            instructions[0].line, "there is no FROM: every Dockerfile starts from a base image"
        )
    return Dockerfile(instructions, stages, directives)


# ---------------------------------------------------------------------------------------------
# The review: check(text) -> [Finding]
# ---------------------------------------------------------------------------------------------

MAX_DOCKERFILE_CHARS = 512 * 1024
PYTHON_SERVERS = ("gunicorn", "uvicorn", "hypercorn", "waitress-serve", "daphne", "granian")
COMMAND_SEPARATORS = ("&&", "||", ";", "|", "&")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
EVERY_INTERFACE = ("0.0.0.0", "::", "[::]", "")
# Language images whose default variant carries compilers and tools a runtime does not need.
HEAVY_IMAGES = ("python", "node", "ruby", "golang", "rust", "openjdk", "maven", "gradle")
LIGHT_TAG_WORDS = ("slim", "alpine", "distroless", "minimal")
NON_ROOT_IMAGE_WORDS = ("nonroot", "non-root", "unprivileged", "rootless")
PRIVILEGE_DROPPERS = ("gosu", "su-exec", "setpriv", "chroot", "runuser")
DEPENDENCY_FILES = (
    "requirements", "pyproject.toml", "poetry.lock", "uv.lock", "pipfile", "package.json",
    "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "go.mod", "go.sum", "gemfile",
    "composer.json", "composer.lock", "cargo.toml", "cargo.lock",
)
INSTALL_RE = re.compile(
    r"\b(?:pip3?\s+install|python3?\s+-m\s+pip\s+install|poetry\s+install|uv\s+sync|"
    r"uv\s+pip\s+install|pipenv\s+install|npm\s+(?:ci|install)|yarn\s+install|"
    r"yarn(?=\s*(?:--\S+\s*)*(?:$|&&|;|\|))|pnpm\s+install|go\s+mod\s+download|"
    r"bundle\s+install|composer\s+install)"
)
PROJECT_INSTALL_RE = re.compile(r"\bpip3?\s+install\b[^&;|]*?(?:\s-e)?\s+\.(?:\[[^\]]*\])?(?:\s|$)")
ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst")
APT_INSTALL_RE = re.compile(r"\bapt(?:-get)?\s+(?:(?:-\S+|--\S+)\s+)*install\b")
APT_YES_RE = re.compile(r"(?:^|\s)(?:-[a-zA-Z]*y[a-zA-Z]*|--yes|--assume-yes)(?=\s|$)")
APK_ADD_RE = re.compile(r"\bapk\s+(?:(?:-\S+|--\S+)\s+)*add\b")
PIP_INSTALL_RE = re.compile(r"\b(?:pip3?|python3?\s+-m\s+pip)\s+install\b")
HEALTH_TOOLS = ("curl", "wget")


def check(text: str, source: str = "Dockerfile") -> list[Finding]:
    """Review a Dockerfile: a list of findings (rule, severity, line, message, source).

    Never raises on bad input: a Dockerfile that cannot be parsed, binary data or a huge file
    become one finding that says why and where.
    """
    if len(text) > MAX_DOCKERFILE_CHARS:
        return [Finding(
            "file-too-large", ERROR, 1,
            f"the file has {len(text) // 1024} KB; a Dockerfile this large is not a Dockerfile "
            f"(this checker reads at most {MAX_DOCKERFILE_CHARS // 1024} KB)", source,
        )]
    if "\x00" in text:
        line = text.count("\n", 0, text.find("\x00")) + 1
        return [Finding(
            "not-text", ERROR, line,
            "the file contains NUL bytes: it looks like a binary file, not a Dockerfile", source,
        )]
    try:
        df = parse(text)
    except DockerfileError as exc:
        return [Finding("dockerfile-syntax", ERROR, exc.line, exc.message, source, exc.fix)]
    except (RecursionError, ValueError, IndexError) as exc:  # never an unexplained traceback
        return [Finding("dockerfile-syntax", ERROR, 1, f"could not read it ({exc})", source)]
    review = Review(df, source, model_image(text), text)
    findings: list[Finding] = []
    for rule in RULES:
        findings += rule(review)
    return sort_findings(findings, [source])


def model_image(text: str, build_args: dict[str, str] | None = None):  # noqa: ANN201
    """The file built in the deploy model without a build context, or None if it cannot be.

    (A deploy.build.Image; imported late, because of an import cycle.)
    """
    from .deploy import build as model_build
    from .deploy.trace import DeployError

    try:
        return model_build(text, build_args=build_args)
    except (DeployError, RecursionError, ValueError, KeyError, IndexError):
        return None


# A failing build step that has a rule of its own (the rest are build-fails).
BUILD_FAILURE_RULES = (("pip cannot open", "deps-file-missing"),)


def rule_build_model(review: Review) -> list[Finding]:
    """Built in the deploy model, does a step fail? (Which program, file or stage is missing.)"""
    image = review.image
    if image is None or image.error is None:
        return []
    reason = image.error.reason.split("the build fails: ", 1)[-1]
    rule = next((r for words, r in BUILD_FAILURE_RULES if reason.startswith(words)),
                "build-fails")
    message = f"the build stops here: {reason}"
    missing = re.match(r"pip cannot open (\S+):", reason)
    fix = f"COPY {missing.group(1)} . before this line." if missing else ""
    return [review.finding(rule, ERROR, image.error_line or 1, message, fix)]


def model_listener(review: Review):  # noqa: ANN201 - deploy.run.Listener
    """Where the server of a container of the built image is told to listen, or None.

    The model runs the start command as the container does (the shell's variables, export and
    cd, an init before the shell, GUNICORN_CMD_ARGS, each server's defaults). None when it
    cannot tell: no image, a failed build, an unknown base, no server it knows.
    """
    container = model_container(review)
    return container.intended if container is not None else None


# The port a platform sets in PORT when the model asks whether the server follows it: one no
# server listens on by default, so following it cannot happen by chance.
PROBE_PORT = 3917


def model_container(review: Review, env: tuple[tuple[str, str], ...] = ()):  # noqa: ANN201
    """A container of the built image started with this environment (deploy.run.Container).

    None when the model cannot tell what it would do: no image, a failed build, an unknown
    base image. The container may have crashed (its imports, say, with no build context): its
    `intended` listener and `planned` process still say what the command starts.
    """
    final = built_final_stage(review)
    if final is None or not final.base.known:
        return None
    if env not in review.containers:
        try:
            review.containers[env] = review.image.run(dict(env))
        except (RecursionError, ValueError, KeyError, IndexError):
            review.containers[env] = None
    return review.containers[env]


def built_final_stage(review: Review):  # noqa: ANN201 - deploy.build.Stage
    """The final stage as the model built it, or None (not built, or the build failed)."""
    image = review.image
    if image is None or image.error is not None or not image.stages:
        return None
    return image.final


class Review:
    """A parsed Dockerfile and what the rules ask about it, computed once."""

    def __init__(self, df: Dockerfile, source: str, image: object = None,
                 text: str = "") -> None:
        self.df = df
        self.source = source
        self.text = text
        self.image = image  # the deploy model's build of the file (None if it cannot build it)
        self.chain = df.chain()
        self.final_instructions = df.chain_instructions()
        self.env = df.env()
        self.args = df.global_args()
        self.base = df.base_image()
        self.start = df.startup()
        self.server = find_server(self.start.words) if self.start else None
        self.containers: dict[tuple[tuple[str, str], ...], object] = {}  # by environment

    def finding(self, rule: str, severity: str, line: int, message: str,
                fix: str = "") -> Finding:
        """A finding of this file: `message` says what goes wrong, `fix` what to change."""
        return Finding(rule, severity, line, message, self.source, fix)

    def base_name(self) -> str:
        """The final image's base without registry or owner: 'python', 'node'."""
        return self.base.name.rsplit("/", 1)[-1].lower()

    def is_python(self) -> bool:
        """Does the final image run a Python program?"""
        return self.base_name() == "python" or (
            self.server is not None and self.server.program in (*PYTHON_SERVERS, "python",
                                                                 "flask", "django", "fastapi")
        )


@dataclass(frozen=True)
class Server:
    """The long-running program the container starts, and its arguments."""

    program: str  # gunicorn, uvicorn, flask, django, fastapi, python, ...
    args: tuple[str, ...]
    mode: str = ""  # "run"/"dev" for flask and fastapi, "runserver" for Django, script name


def run_text(ins: Instruction) -> str:
    """The shell text a RUN executes, here-documents included."""
    return "\n".join([ins.args, *ins.heredocs])


def last_command(words: tuple[str, ...] | list[str]) -> list[str]:
    """The last command of a shell line (migrate && gunicorn ... -> gunicorn ...)."""
    current: list[str] = []
    for word in words:
        if word in COMMAND_SEPARATORS:
            current = []
        else:
            current.append(word)
    while current and (current[0] == "exec" or re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", current[0])):
        current = current[1:]
    return current


def last_segment_execs(words: list[str]) -> bool:
    """Does the last command of a shell script start with exec (replacing the shell)?"""
    segment: list[str] = []
    for word in words:
        segment = [] if word in COMMAND_SEPARATORS else [*segment, word]
    return bool(segment) and segment[0] == "exec"


def find_server(words: tuple[str, ...]) -> Server | None:
    """Which server the startup command runs (looking at its last command)."""
    command = last_command(words)
    for i, word in enumerate(command):
        program = word.rsplit("/", 1)[-1]
        rest = command[i + 1 :]
        if program.startswith("python") and rest[:1] == ["-m"] and len(rest) > 1:
            program, rest = rest[1], rest[2:]
        if program in PYTHON_SERVERS:
            return Server(program, tuple(rest))
        if program == "flask":
            return Server("flask", tuple(rest), "run" if "run" in rest else "")
        if program == "fastapi":
            return Server("fastapi", tuple(rest), rest[0] if rest else "")
        if program.startswith("python") and rest:
            script = rest[0]
            if script.endswith("manage.py") and "runserver" in rest:
                return Server("django", tuple(rest[rest.index("runserver") + 1 :]), "runserver")
            if script.endswith(".py"):
                return Server("python", tuple(rest[1:]), script)
            return None
        if program in ("node", "npm", "java", "nginx", "caddy"):
            return None
    return None


def option_values(args: tuple[str, ...], *names: str) -> list[str]:
    """Values of options given as --name value, --name=value or -nVALUE."""
    values = []
    for i, word in enumerate(args):
        for name in names:
            if word == name and i + 1 < len(args):
                values.append(args[i + 1])
            elif name.startswith("--") and word.startswith(name + "="):
                values.append(word.split("=", 1)[1])
            elif not name.startswith("--") and word.startswith(name) and len(word) > len(name):
                values.append(word[len(name):])
    return values


def split_host_port(address: str) -> tuple[str, str]:
    """'0.0.0.0:${PORT}' -> ('0.0.0.0', '${PORT}'); '[::]:80' -> ('[::]', '80')."""
    if address.startswith("["):
        host, _, port = address.partition("]")
        return host + "]", port.lstrip(":")
    depth = 0
    for i, char in enumerate(address):  # ${PORT:-8000} has a colon inside the braces
        depth += char == "{"
        depth -= char == "}"
        if char == ":" and depth == 0:
            return address[:i], address[i + 1 :]
    if address.isdigit() or address.startswith("$"):
        return "", address
    return address, ""


def listen_addresses(review: Review) -> list[tuple[str, str, str]]:
    """(host, port, how) the server listens on; `how` says whether it is a default."""
    server = review.server
    if server is None:
        return []
    args = server.args
    env = review.env
    if server.program in ("gunicorn", "hypercorn"):
        extra = split_words(env.get("GUNICORN_CMD_ARGS", "")) if server.program == "gunicorn" \
            else []
        binds = option_values(args, "--bind", "-b") + option_values(tuple(extra), "--bind", "-b")
        if binds:
            return [(*split_host_port(b), "written") for b in binds if not b.startswith("unix:")]
        if server.program == "gunicorn" and env.get("PORT"):
            return [("0.0.0.0", "${PORT}", "default with PORT set")]
        return [("127.0.0.1", "8000", f"{server.program}'s default")]
    if server.program in ("uvicorn", "granian", "daphne", "fastapi"):
        hosts = option_values(args, "--host") + (
            option_values(args, "--bind", "-b") if server.program == "daphne" else []
        )
        ports = option_values(args, "--port") + (
            option_values(args, "-p") if server.program == "daphne" else []
        )
        default_host = "0.0.0.0" if server.program == "fastapi" and server.mode == "run" \
            else "127.0.0.1"
        host = hosts[-1] if hosts else default_host
        port = ports[-1] if ports else "8000"
        return [(host, port, "written" if hosts else f"{server.program}'s default")]
    if server.program == "waitress-serve":
        listens = option_values(args, "--listen")
        if listens:
            return [(*split_host_port(item), "written") for item in listens]
        hosts, ports = option_values(args, "--host"), option_values(args, "--port")
        return [(hosts[-1] if hosts else "0.0.0.0", ports[-1] if ports else "8080", "written")]
    if server.program == "flask" and server.mode == "run":
        hosts = option_values(args, "--host", "-h")
        host = hosts[-1] if hosts else env.get("FLASK_RUN_HOST", "127.0.0.1")
        ports = option_values(args, "--port", "-p")
        return [(host, ports[-1] if ports else env.get("FLASK_RUN_PORT", "5000"),
                 "written" if hosts else "flask run's default")]
    if server.program == "django":
        address = next((a for a in args if not a.startswith("-")), "127.0.0.1:8000")
        host, port = split_host_port(address)
        return [(host or "127.0.0.1", port or "8000", "written")]
    return []


def rule_broken_exec_form(review: Review) -> list[Finding]:
    """CMD ['a', 'b'] with single quotes is not JSON: Docker runs it through a shell, brackets
    and all."""
    return [
        review.finding("broken-exec-form", ERROR, ins.line, (
            f"{ins.kind} starts with '[' but is not valid JSON (JSON needs double quotes). "
            "Docker then runs the whole text through /bin/sh, brackets included, and the "
            "container fails to start"
        ), 'Write the array with double quotes: ["gunicorn", "app:app"].')
        for ins in review.df.instructions()
        if ins.kind in ("CMD", "ENTRYPOINT", "RUN") and ins.looks_like_broken_json
    ]


def rule_base_images(review: Review) -> list[Finding]:
    """Every external base image pinned; the final one slim, and not Alpine for Python."""
    findings = []
    df = review.df
    for stage in df.stages:
        if stage.parent is not None:
            continue
        written = expand(stage.base, review.args)
        if written.lower() == "scratch":
            continue
        label = f"stage {stage.label()}" if len(df.stages) > 1 else "the base image"
        if "$" in written:
            findings.append(review.finding("base-image-variable", ERROR, stage.line, (
                f"FROM {stage.base}: {label} depends on a build argument without a default, so "
                "nobody can tell which image is built on (and a build without --build-arg "
                "fails)"
            ), "Give the ARG before FROM a default value."))
            continue
        image = ImageRef.parse(written)
        name = image.name.rsplit("/", 1)[-1]
        if image.digest:
            continue
        if not image.tag or image.tag == "latest":
            findings.append(review.finding("base-image-unpinned", WARNING, stage.line, (
                f"FROM {written}: {label} means '{name}:latest', which moves to a new release "
                "without warning, so a rebuild next month can break with no change of yours"
            ), f"Pin a version, e.g. {example_pin(name)}."))
        elif not any(c.isdigit() for c in image.tag) and not is_codename_tag(image.tag):
            findings.append(review.finding("base-image-unpinned", WARNING, stage.line, (
                f"FROM {written}: the tag '{image.tag}' follows whatever release is newest, so "
                "it is not pinned: the next build can run on a release nobody tested"
            ), f"Put the version in the tag, e.g. {example_pin(name)}."))
        elif name == "python" and re.match(r"^\d+(-|$)", image.tag):
            findings.append(review.finding("base-image-floating", WARNING, stage.line, (
                f"FROM {written}: '{image.tag}' pins only the major version, so 3.12 can "
                "turn into 3.13 on the next build, with packages that have no wheels for it "
                "yet"
            ), f"Pin major.minor, e.g. {example_pin(name)}."))
    root = review.chain[0]
    if root.parent is None and "$" not in expand(root.base, review.args):
        image = review.base
        name = image.name.rsplit("/", 1)[-1].lower()
        tag = image.tag.lower()
        if name in HEAVY_IMAGES and image.tag and not any(w in tag for w in LIGHT_TAG_WORDS):
            size = " (around 1 GB against roughly 150 MB)" if name == "python" else ""
            findings.append(review.finding("base-image-heavy", WARNING, root.line, (
                f"FROM {image.name}:{image.tag} is the full image{size}, with compilers and "
                "tools the app never uses at run time: slower deploys, more disk on a small "
                "VPS and more packages to patch"
            ), "Use the -slim variant of the same version (or build in a full stage and copy "
               "the result into a slim one)."))
        if name == "python" and "alpine" in tag:
            findings.append(review.finding("python-alpine", WARNING, root.line, (
                f"FROM {image.name}:{image.tag}: Alpine uses musl instead of glibc, so "
                "packages without a musl wheel are compiled during the build (slow, and "
                "needing compilers)"
            ), "The Debian-based -slim variant is usually the better small image for Python."))
    return findings


# Debian and Ubuntu release codenames: a tag such as bookworm-slim pins one release (it moves
# only with that release's security updates), as the official images' own FROM lines do.
CODENAMES = frozenset(
    "buster bullseye bookworm trixie forky sid focal jammy noble oracular plucky".split()
)


def is_codename_tag(tag: str) -> bool:
    """True for tags named after a distribution release (bookworm, trixie-slim, noble)."""
    return tag.lower().split("-", 1)[0] in CODENAMES


def example_pin(name: str) -> str:
    """A pinned tag for messages."""
    return {
        "python": "python:3.12-slim", "node": "node:22-slim", "alpine": "alpine:3.20",
        "debian": "debian:bookworm-slim", "ubuntu": "ubuntu:24.04", "golang": "golang:1.23",
        "nginx": "nginx:1.27-alpine", "postgres": "postgres:16",
    }.get(name.lower(), f"{name}:<version>")


def rule_user(review: Review) -> list[Finding]:
    """The final image, as the model builds it, runs as a user of its own that exists."""
    final = built_final_stage(review)
    if final is None:
        return []  # the build fails (reported once, as build-fails) or cannot be modelled
    base = review.base
    reference = f"{base.name}:{base.tag}".lower()
    non_root_base = any(w in reference for w in NON_ROOT_IMAGE_WORDS) or \
        base.name.startswith("cgr.dev/") or final.base.user not in ("root", "0")
    users = review.df.chain_instructions("USER")
    # An entrypoint that drops privileges itself (gosu, su-exec, setpriv: the official
    # postgres and redis images) runs the server as another user with no USER line.
    drops_privileges = bool(review.df.chain_instructions("ENTRYPOINT")) and any(
        final.has_program(tool) or re.search(rf"\b{tool}\b", run_text(ins))
        for tool in PRIVILEGE_DROPPERS for ins in review.df.chain_instructions("RUN"))
    name = final.user.split(":", 1)[0]
    if not users:
        if non_root_base or drops_privileges or name not in ("root", "0"):
            return []
        # Advice, not an error: the image works, and base images often leave USER to the
        # images built on them.
        return [review.finding("runs-as-root", WARNING, review.chain[-1].line, (
            "There is no USER instruction, so the container runs as root. Whoever breaks into "
            "the app is then root inside the container, one container-escape bug away from root "
            "on the VPS that runs all your apps"
        ), "Create a user (RUN useradd --create-home app) and switch to it with USER app "
           "before CMD.")]
    last = users[-1]
    if name in ("root", "0"):
        return [review.finding("runs-as-root", WARNING, last.line, (
            f"USER {last.args} switches back to root, so the app runs with every right in the "
            "container"
        ), "Switch to a user of your own after the steps that need root.")]
    if "$" in name or final.user_exists(name):
        return []
    # Unknown base images and RUN steps the model does not follow may create it unseen.
    severity = ERROR if final.base.known and not final.opaque else WARNING
    return [review.finding("user-not-created", severity, last.line, (
        f"USER {name}, but no step before it creates that user (a useradd or adduser that "
        f"runs) in this image. Unless {base.name} already has it, the container stops at once "
        f"with 'unable to find user {name}'"
    ), f"Create the user with useradd or adduser in a RUN before USER {name}.")]


def copies_everything(ins: Instruction) -> bool:
    """A COPY/ADD of the whole build context (., ./, *) or of the source directory."""
    if ins.kind not in ("COPY", "ADD") or "from" in ins.flags:
        return False
    sources, _ = ins.sources_and_destination()
    return any(s in (".", "./", "*", "./*") for s in sources)


def install_command(ins: Instruction) -> re.Match[str] | None:
    """The dependency install a RUN performs, if any."""
    return INSTALL_RE.search(run_text(ins)) if ins.kind == "RUN" else None


def rule_dependency_layer(review: Review) -> list[Finding]:
    """Dependencies are installed from their own files, before the code is copied."""
    findings = []
    df = review.df
    for stage in df.stages:
        earlier = [ins for s in df.chain(stage)[:-1] for ins in s.instructions]
        for ins in stage.instructions:
            match = install_command(ins)
            if match is None:
                continue
            before = earlier + [i for i in stage.instructions if i.line < ins.line]
            broad = [i for i in before if copies_everything(i)]
            text = run_text(ins)
            project = PROJECT_INSTALL_RE.search(text) is not None
            if broad:
                copy = broad[-1]
                # Slow rebuilds, not a broken image: advice (the "policy stays a warning").
                findings.append(review.finding(
                    "deps-after-code", WARNING, copy.line, (
                        f"line {copy.line} copies the whole project ({copy.text()}) before line "
                        f"{ins.line} installs the dependencies. Docker reuses a cached layer "
                        "only while nothing before it has changed, so every edit to any source "
                        "file re-runs the install and each deploy downloads every package "
                        "again"
                    ), "Copy the dependency files alone, install, then copy the rest"
                    + (" (for pip install ., install the requirements first, then the project)"
                       if project else "") + ".",
                ))
                continue
    return findings


def rule_startup(review: Review) -> list[Finding]:
    """A CMD that starts a production server, on every interface, on the configured port."""
    start = review.start
    if start is None:
        if review.base_name() not in ("python", "node", "debian", "ubuntu", "alpine"):
            return []  # nginx, postgres...: the base image's command is the point
        return [review.finding("no-cmd", WARNING, review.chain[-1].line, (
            f"There is no CMD or ENTRYPOINT, so the container runs {review.base_name()}'s "
            "default command (an interactive prompt or shell), which exits at once when no "
            "terminal is attached"
        ), "Say what to run with CMD.")]
    findings = []
    line = start.line
    if not start.via_shell:  # (an init before a shell counts as the shell: see startup())
        variables = [m.group(0) for w in start.argv if (m := VARIABLE_RE.search(w))]
        if variables:
            findings.append(review.finding("variable-in-exec-form", ERROR, line, (
                f"the command is in exec form (a JSON array), so no shell runs it and "
                f"'{variables[0]}' reaches the program as plain text, unexpanded"
                + (f"; gunicorn stops with \"'{variables[0]}' is not a valid port number\""
                   if "PORT" in variables[0] and review.server and
                   review.server.program == "gunicorn" else "")
            ), 'Let a shell expand it: ["sh", "-c", "exec gunicorn --bind 0.0.0.0:${PORT} '
               'app:app"], or use the shell form.'))
    findings += server_findings(review, line)
    findings += signal_findings(review, start, line)
    for stage in review.df.stages:
        for kind in ("CMD", "ENTRYPOINT"):
            found = [i for i in stage.instructions if i.kind == kind]
            for extra in found[:-1]:
                findings.append(review.finding("repeated-cmd", WARNING, extra.line, (
                    f"this {kind} is overridden by the one on line {found[-1].line}; only the "
                    f"last {kind} of a stage counts, so this line only misleads"
                )))
    return findings


def signal_findings(review: Review, start: Startup, line: int) -> list[Finding]:
    """Does docker stop's SIGTERM reach the server? The model starts the command as Docker
    does (a shell's last command exec'd or not, tini or dumb-init passing signals to their
    child); the words of the command are the fallback when it cannot."""
    container = model_container(review)
    planned = getattr(container, "planned", None)
    fix = "Start the (last) command with exec, or use the exec form."
    if planned is not None:
        if planned.signals_reach_server:
            return []
        server = planned.server.program if planned.server else "the server"
        init = planned.pid1 if planned.pid1 in ("tini", "dumb-init") else ""
        first = (f"{init} passes SIGTERM to the shell it starts, " if init else
                 f"PID 1 is {planned.pid1}, not {server}: docker stop's SIGTERM reaches the "
                 "shell, ")
        return [review.finding("shell-pid1", WARNING, line, (
            f"{first}which runs {server} as its child and does not pass the signal on: docker "
            "stop (and every redeploy) then waits 10 seconds and kills the app mid-request"
        ), fix)]
    script = shell_script(start.argv)
    if script is not None and not last_segment_execs(split_words(script)):
        return [review.finding("shell-pid1", WARNING, line, (
            "the command runs through a shell (shell form, or sh -c), which stays as PID 1 "
            "and may not pass SIGTERM on: docker stop (and every redeploy) then waits 10 "
            "seconds and kills the app mid-request"
        ), fix)]
    return []


def server_findings(review: Review, line: int) -> list[Finding]:
    """Dev servers, loopback binds, fixed ports and EXPOSE that do not match."""
    server = review.server
    if server is None:
        return []
    findings = []
    dev = dev_server_reason(review, server)
    if dev:
        findings.append(review.finding("dev-server", ERROR, line, *dev))
    elif server.program == "python" and review.df.exposed_ports():
        findings.append(review.finding("dev-server", WARNING, line, (
            f"the container starts 'python {server.mode}'. If that script calls app.run(), "
            "it is Flask's development server: single-threaded, not hardened, and Flask itself "
            "warns against production use"
        ), "Start a production server such as gunicorn (gunicorn app:app)."))
    # Where the model's container really listens: the shell run as it runs (its variables,
    # export, cd), GUNICORN_CMD_ARGS and defaults. The words of the command are the fallback.
    listener = model_listener(review)
    addresses = listen_addresses(review)
    if listener is not None:
        # The host as the model resolved it; the port as written (the port rules ask whether
        # it comes from PORT, which the resolved number no longer shows).
        host = listener.host or "0.0.0.0"
        addresses = [(host, port, how) for _, port, how in addresses] or [
            (host, "", "as the container starts")]
    for host, port, how in addresses:
        resolved = expand(host, review.env)
        if resolved in LOOPBACK_HOSTS:
            findings.append(review.finding("binds-loopback", ERROR, line, (
                f"{server.program} listens on {resolved}:{port} ({how}). 127.0.0.1 accepts only "
                "connections from inside the container itself, but Coolify's Traefik proxy "
                "(like any reverse proxy or docker -p) connects from outside it, over Docker's "
                "network: every visitor gets 502 Bad Gateway"
            ), "Bind 0.0.0.0."))
        elif resolved not in EVERY_INTERFACE and "$" not in resolved:
            findings.append(review.finding("binds-one-address", WARNING, line, (
                f"{server.program} listens on {resolved} only; a container's address changes "
                "each time it is recreated, so the proxy may find nothing there"
            ), "Bind 0.0.0.0."))
    moved_container = model_container(review, (("PORT", str(PROBE_PORT)),))
    moved = getattr(moved_container, "intended", None)
    if listener is not None and moved is not None:
        # The model decides: the port the server really gets, and whether it follows PORT.
        if listener.host != "unix":
            if moved.port != PROBE_PORT:
                findings.append(port_hard_coded(review, line, moved.port, (
                    f"started with PORT={PROBE_PORT}, as Coolify sets it, {server.program} "
                    f"still listens on {moved.port}")))
            findings += expose_mismatch(review, line, server, str(listener.port))
        return findings
    for _, port, how in addresses:  # the words of the command, when the model cannot tell
        if port.isdigit() and "PORT" not in review.env:
            findings.append(port_hard_coded(review, line, int(port), how))
        findings += expose_mismatch(review, line, server, expand(port, review.env))
    return findings


def port_hard_coded(review: Review, line: int, port: int, how: str) -> Finding:
    """The server's port does not come from PORT."""
    return review.finding("port-hard-coded", WARNING, line, (
        f"the port is fixed at {port} ({how}). Coolify and similar platforms set the port per "
        "app; with a fixed number the two can drift apart and the proxy knocks on a closed "
        "door"
    ), f"Read it from the PORT variable with a default, e.g. 0.0.0.0:${{PORT:-{port}}}.")


def expose_mismatch(review: Review, line: int, server: Server, port: str) -> list[Finding]:
    """EXPOSE names other ports than the one the server listens on."""
    exposed = [p.number for p in review.df.exposed_ports() if p.number is not None]
    if not exposed or not port.isdigit() or int(port) in exposed:
        return []
    return [review.finding("expose-mismatch", WARNING, line, (
        f"{server.program} listens on port {port}, but EXPOSE says "
        f"{', '.join(map(str, exposed))}; tools that read EXPOSE (Coolify suggests the port "
        "from it) send traffic to the wrong port"
    ), "Expose the port the server listens on.")]


def dev_server_reason(review: Review, server: Server) -> tuple[str, str] | None:
    """Why the server is a development server and what to run instead, or None."""
    reload = "--reload" in server.args
    if server.program == "flask" and server.mode == "run":
        return (
            "the container starts Flask's development server (flask run). It is made for your "
            "laptop: single-threaded by default, not hardened, and Flask itself warns against "
            "using it in production"
        ), "Start gunicorn instead: gunicorn --bind 0.0.0.0:${PORT} app:app."
    if server.program == "django":
        return (
            "the container starts Django's runserver, which Django documents as unfit for "
            "production (not security-audited, not built for load)"
        ), "Start gunicorn with the project's WSGI module instead."
    if server.program == "fastapi" and server.mode == "dev":
        return (
            "fastapi dev is the development mode (auto-reload, listening on 127.0.0.1 only), "
            "made for a laptop, not for visitors"
        ), "In the image use fastapi run, or uvicorn without --reload."
    if reload:
        return (
            f"{server.program} runs with --reload, which watches the files for changes: "
            "useful on a laptop, wasted CPU and an extra process in production, where the "
            "code never changes"
        ), "Remove --reload."
    debug = review.env.get("FLASK_DEBUG", "").lower() in ("1", "true") or review.env.get(
        "FLASK_ENV", "") == "development" or "--debug" in server.args
    if debug:
        return (
            "debug mode is on (FLASK_DEBUG / --debug): the interactive debugger lets anyone who "
            "triggers an error run code on the server"
        ), "Never ship it: remove it from the image."
    return None


# Where the model finds a secret a holder of the image can read -> the rule and what to do.
LEAK_RULES = {
    "config": ("secret-in-env", "ENV values are stored in the image's configuration: anyone "
               "who can pull the image reads them with docker inspect, in every copy of the "
               "image, forever",
               "Set it at run time (Coolify's environment variables) and leave it out of the "
               "Dockerfile."),
    "layer": ("secret-file-copied", "Layers are forever: deleting the file in a later RUN does "
              "not remove it, and anyone with the image can extract it",
              "Keep it out of the image (.dockerignore) and give it to the container at run "
              "time, or to the build with RUN --mount=type=secret."),
    "history": ("secret-in-arg", "anyone who pulls the image reads it with docker history",
                "Use a build secret instead: RUN --mount=type=secret,id=..."),
}


def rule_secrets(review: Review) -> list[Finding]:
    """No credential a holder of the built image can read (config, history, layers), and no
    secret passed as a build argument."""
    findings = []
    image = review.image
    for leak in (image.leaks() if image is not None else []):
        rule, consequence, fix = LEAK_RULES[leak.where]
        findings.append(review.finding(rule, ERROR, leak.line or review.chain[-1].line,
                                       f"{leak.why}. {consequence}", fix))
    return findings + secret_arg_findings(review, findings)


# What a build argument that looks secret is given in the probe build: a value the model can
# follow into the image's configuration, history and layers.
PROBE_SECRET = "fl-probe-secret-"


def secret_build_args(review: Review) -> list[tuple[Instruction, str, str]]:
    """(ARG line, name, default) of each build argument that looks like a secret: by its name,
    or by a default value that is a URL with a password."""
    found = []
    for ins in review.df.instructions("ARG"):
        for word in split_words(ins.args):
            name, eq, default = word.partition("=")
            if looks_like_secret_name(name) or (eq and password_in_url(default)):
                found.append((ins, name, default if eq else ""))
    return found


def secret_arg_findings(review: Review, known: list[Finding]) -> list[Finding]:
    """Build arguments that look secret, judged by where the build puts their value.

    A lint has no build-argument values, so the model builds the file again with a marker value
    for each of them and looks where the marker ends up: in the final image's history (a RUN
    after the ARG records every build argument in scope), in its configuration (an ENV made
    from it), or only in a build stage left behind. A default value is written in the
    Dockerfile itself, so it is in git whatever the build does with it.
    """
    secret_args = secret_build_args(review)
    if not secret_args:
        return []
    values = {name: f"{PROBE_SECRET}{i}" for i, (_, name, _) in enumerate(secret_args)}
    probe = model_image(review.text, values) if review.text else None
    modelled = probe is not None and probe.error is None
    leaks = probe.leaks() if modelled else []
    findings = []
    reported = {(f.rule, f.line) for f in known}
    for leak in leaks:
        if leak.where == "config" and ("secret-in-env", leak.line) not in reported:
            _, _, fix = LEAK_RULES["config"]
            findings.append(review.finding("secret-in-env", ERROR, leak.line, (
                f"ENV {leak.what} is filled in at build time, even when its value comes from an "
                "ARG: the value of a build argument that looks secret is stored in the image's "
                "configuration, and anyone who can pull the image reads it with docker inspect"
            ), fix))
            reported.add(("secret-in-env", leak.line))
    config_lines = {leak.line for leak in leaks if leak.where == "config"}
    fix_base = "Use a build secret instead: RUN --mount=type=secret,id={} ..."
    for ins, name, default in secret_args:
        fix = fix_base.format(name.lower())
        if default and not default.startswith("$"):
            findings.append(review.finding("secret-in-arg", ERROR, ins.line, (
                f"ARG {name} has a default value written in the Dockerfile: everyone who can "
                "read the repository reads it, and a build without --build-arg uses it, so "
                "docker history prints it with every RUN after this line"
            ), fix + " (with no default)."))
            continue
        if not modelled:
            findings.append(review.finding("secret-in-arg", ERROR, ins.line, (
                f"ARG {name} passes a secret as a build argument; build arguments are "
                "recorded in the image history (docker history shows them)"
            ), fix + "."))
            continue
        recorded = [leak for leak in leaks if leak.where == "history" and leak.what == name]
        # An ENV made from it is reported as secret-in-env, on the ENV's line.
        history = [leak for leak in recorded if leak.line not in config_lines]
        if history:
            kind = next((i.kind for i in review.df.instructions()
                         if i.line == history[0].line), "step")
            findings.append(review.finding("secret-in-arg", ERROR, ins.line, (
                f"ARG {name} passes a secret as a build argument, and the {kind} on line "
                f"{history[0].line} records its value: build arguments are recorded in the "
                "image history, where anyone who pulls the image reads them (docker history)"
            ), fix + "."))
            continue
        if recorded:
            continue
        left_behind = [stage for stage in probe.stages[:-1] if any(
            values[name] in entry.created_by for entry in stage.history)]
        if left_behind:
            stage = review.df.stages[left_behind[0].index]
            findings.append(review.finding("secret-in-arg", WARNING, ins.line, (
                f"ARG {name} is recorded in the history of build stage {stage.label()}, which "
                "the image leaves behind; its value stays in the build cache of the machine "
                "that builds (Coolify's server) and in any build log"
            ), fix + "."))
    return findings


def rule_healthcheck(review: Review) -> list[Finding]:
    """A HEALTHCHECK, using a tool that exists in the image."""
    checks = [i for i in review.final_instructions if i.kind == "HEALTHCHECK"]
    if not checks:
        return [review.finding("no-healthcheck", WARNING, review.chain[-1].line, (
            "There is no HEALTHCHECK, so Docker (and Coolify) only know that the process "
            "runs, not that the app answers: a hung app stays 'running' and a broken deploy "
            "replaces a working one"
        ), healthcheck_example(review))]
    last = checks[-1]
    if last.args.strip().upper() == "NONE":
        return []
    final = built_final_stage(review)
    if final is None or not final.base.known:
        return []  # what an unknown base image brings is not known
    words = set(split_words(last.args))
    for tool in HEALTH_TOOLS:
        if tool in words and not final.has_program(tool):
            return [review.finding("healthcheck-tool-missing", WARNING, last.line, (
                f"the HEALTHCHECK runs {tool}, but {review.base.name}:{review.base.tag} does "
                f"not include {tool} and no step that runs installs it, so every check fails "
                "and the container is marked unhealthy"
            ), "Install it, or check with the app's own language (python -c \"import "
               "urllib.request; ...\").")]
    return []


def healthcheck_example(review: Review) -> str:
    """A health check suggestion that fits the image: its language, or a tool it has."""
    from .deploy import images

    name = review.base.name.rsplit("/", 1)[-1].lower()
    facts = images.lookup(f"{review.base.name}:{review.base.tag or 'latest'}")
    if name == "python" or review.is_python():
        return ("Add e.g. HEALTHCHECK CMD python -c \"import urllib.request,os; "
                "urllib.request.urlopen('http://127.0.0.1:'+os.environ.get('PORT','8000')+"
                "'/health')\"")
    if name == "node":
        return ("Add e.g. HEALTHCHECK CMD node -e \"fetch('http://127.0.0.1:'+(process.env."
                "PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))\"")
    if facts.known and facts.has("curl"):
        return "Add e.g. HEALTHCHECK CMD curl -fsS http://127.0.0.1/ || exit 1"
    if facts.known and facts.has("wget"):
        return "Add e.g. HEALTHCHECK CMD wget -q --spider http://127.0.0.1/ || exit 1"
    return ("Add a HEALTHCHECK that requests the app with a program this image has (check "
            "that curl or wget is installed before relying on it)")


def rule_packages(review: Review) -> list[Finding]:
    """apt-get, apk and pip used the way a Dockerfile needs them."""
    findings = []
    python_base = review.base_name() == "python"
    pip_env = review.env.get("PIP_NO_CACHE_DIR", "").lower() in ("1", "true", "on", "yes", "off")
    for ins in review.df.instructions("RUN"):
        text = run_text(ins)
        cache_targets = " ".join(m.get("target", "") for m in ins.mounts() if m.get("type")
                                 == "cache")
        for segment in re.split(r"&&|;|\|\||\n", text):
            simulated = re.search(r"\s(-s|--simulate|--dry-run|--just-print|--no-act)\b",
                                  segment)
            if APT_INSTALL_RE.search(segment) and not APT_YES_RE.search(segment) and not \
                    simulated:
                findings.append(review.finding("apt-no-yes", ERROR, ins.line, (
                    "apt-get install without -y asks for confirmation when it must install "
                    "extra packages; in a build nobody answers, so it aborts and the build "
                    "fails"
                ), "Write apt-get install -y --no-install-recommends ..."))
        if APT_INSTALL_RE.search(text):
            if "/var/lib/apt/lists" not in text and "/var/lib/apt" not in cache_targets:
                findings.append(review.finding("apt-lists-kept", WARNING, ins.line, (
                    "this RUN installs with apt-get but leaves the package lists in "
                    "/var/lib/apt/lists: tens of MB in the layer for nothing"
                ), "End the same RUN with && rm -rf /var/lib/apt/lists/*"))
        elif re.search(r"\bapt(?:-get)?\s+update\b", text):
            findings.append(review.finding("apt-update-alone", WARNING, ins.line, (
                "apt-get update in a RUN of its own: Docker caches that layer, so a later "
                "apt-get install uses package lists that may be months old and fails when a "
                "version disappears"
            ), "Update and install in the same RUN."))
        if APK_ADD_RE.search(text) and "--no-cache" not in text and "/var/cache/apk" not in \
                cache_targets:
            findings.append(review.finding("apk-cache-kept", WARNING, ins.line, (
                "apk add keeps its package index in the layer, megabytes the app never reads"
            ), "Use apk add --no-cache."))
        if python_base and PIP_INSTALL_RE.search(text) and "--no-cache-dir" not in text \
                and not pip_env and ".cache" not in cache_targets:
            findings.append(review.finding("pip-cache-kept", WARNING, ins.line, (
                "pip keeps every downloaded wheel in its cache (~/.cache/pip), which ends up "
                "in the layer and only makes the image bigger"
            ), "Use pip install --no-cache-dir, or a cache mount (RUN --mount=type=cache,"
               "target=/root/.cache/pip)."))
    return findings


def rule_instructions(review: Review) -> list[Finding]:
    """ADD for local files, MAINTAINER, relative WORKDIR, no WORKDIR, unknown COPY --from."""
    findings = []
    df = review.df
    stage_names = [s.name for s in df.stages if s.name]
    for ins in df.instructions():
        if ins.kind == "ADD" and ins.exec_form is None:
            sources, _ = ins.sources_and_destination()
            local = [s for s in sources if "://" not in s and not s.startswith("git@")
                     and not s.lower().endswith(ARCHIVE_SUFFIXES)]
            if local and "from" not in ins.flags:
                findings.append(review.finding("add-instead-of-copy", WARNING, ins.line, (
                    f"ADD {' '.join(local)} copies local files with ADD, which also unpacks "
                    "archives and fetches URLs, so a reader cannot tell what this line does "
                    "without checking the file type"
                ), "For local files use COPY."))
        elif ins.kind == "MAINTAINER":
            findings.append(review.finding("maintainer-deprecated", WARNING, ins.line, (
                "MAINTAINER is deprecated: newer builders warn about it, and tools read the "
                "author from a label"
            ), 'Write LABEL org.opencontainers.image.authors="..."'))
        elif ins.kind == "WORKDIR":
            path = expand(ins.args.strip(), review.env)
            if not path.startswith(("/", "$")) and not re.match(r"^[A-Za-z]:", path):
                findings.append(review.finding("workdir-relative", WARNING, ins.line, (
                    f"WORKDIR {ins.args} is relative, so where it lands depends on every "
                    "WORKDIR before it (and on the base image's)"
                ), "Use an absolute path such as /app."))
        elif ins.kind == "ENV" and "DEBIAN_FRONTEND" in parse_env(ins):
            findings.append(review.finding("debian-frontend-env", WARNING, ins.line, (
                "ENV DEBIAN_FRONTEND stays set in the running container and changes how "
                "interactive tools behave there; it is only meant for the build"
            ), "Use ARG DEBIAN_FRONTEND=noninteractive (or set it on the apt-get line)."))
        source_stage = ins.flags.get("from") if ins.kind in ("COPY", "ADD") else None
        if source_stage and not source_stage.isdigit() and source_stage.lower() not in \
                stage_names and not re.search(r"[/:.]", source_stage):
            guess = difflib.get_close_matches(source_stage.lower(), stage_names, n=1)
            findings.append(review.finding("unknown-stage", ERROR, ins.line, (
                f"COPY --from={source_stage}: no stage is named '{source_stage}'"
                + ", so Docker looks for an image of that name on Docker Hub and the build "
                "fails"
            ), f"Did you mean '{guess[0]}'?" if guess else
               "Use the AS name or the index of an earlier stage."))
    final_copies = [i for i in review.final_instructions if copies_everything(i)]
    workdirs = [i for i in review.final_instructions if i.kind == "WORKDIR"]
    if final_copies and not any(w.line < final_copies[0].line for w in workdirs):
        copy = final_copies[0]
        _, destination = copy.sources_and_destination()
        if not destination.startswith("/"):
            findings.append(review.finding("no-workdir", WARNING, copy.line, (
                f"{copy.text()} runs before any WORKDIR, so the project lands in / next to "
                "bin, etc and usr (and may overwrite them)"
            ), "Add WORKDIR /app before copying."))
    return findings


def rule_python_runtime(review: Review) -> list[Finding]:
    """Python in a container: unbuffered output, so logs appear in real time."""
    if not review.is_python() or review.start is None:
        return []
    if review.env.get("PYTHONUNBUFFERED") or "-u" in review.start.words:
        return []
    return [review.finding("python-buffered-output", WARNING, review.chain[-1].line, (
        "PYTHONUNBUFFERED is not set, so Python buffers what the app prints when it is not "
        "attached to a terminal: logs show up late in Coolify's log view (or are lost when the "
        "container crashes)"
    ), "Add ENV PYTHONUNBUFFERED=1.")]


RULES = (
    rule_build_model, rule_broken_exec_form, rule_base_images, rule_user, rule_dependency_layer,
    rule_startup, rule_secrets, rule_healthcheck, rule_packages, rule_instructions,
    rule_python_runtime,
)
