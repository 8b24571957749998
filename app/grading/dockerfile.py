"""Parse a Dockerfile into instructions with line numbers, for structural checks.

    from grading import dockerfile, submission
    df = dockerfile.parse(submission.read("Dockerfile"))   # raises DockerfileError(line, message)
    df.final_stage().base            # "python:3.12-slim"
    df.user_of_final_stage()         # "app", or None when the image runs as its base's user
    df.startup().words               # ["gunicorn", "--bind", "0.0.0.0:${PORT}", "app:app"]

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
HEREDOC_RE = re.compile(r"<<(-?)([\"']?)([A-Za-z_][A-Za-z0-9_]*)\2")
STAGE_NAME_RE = re.compile(r"^[a-z][a-z0-9._-]*$", re.IGNORECASE)
VARIABLE_RE = re.compile(
    r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)"
)
LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")


class DockerfileError(Exception):
    """A Dockerfile that cannot be read: the 1-based line and a plain-words message."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


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
    stage: int | None = None  # index of the stage it belongs to; None before the first FROM

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
        words = [w for w in self.words() if not HEREDOC_RE.fullmatch(w)]
        if len(words) < 2:
            return words, ""
        return words[:-1], words[-1]

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
        script = shell_script(argv)
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
                ins.line, f"ENV {name} has no value: write ENV {name}=value"
            )
        return {name: value.strip()}
    values = {}
    for word in split_words(text):
        name, eq, value = word.partition("=")
        if not eq or not name:
            raise DockerfileError(
                ins.line, f"ENV expects NAME=value pairs; '{word}' has no '=' (quote values "
                "that contain spaces)",
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
    flags: dict[str, str] = {}
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
        flags[match.group(1).lower()] = value
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
        if kind in HEREDOC_INSTRUCTIONS:
            for match in HEREDOC_RE.finditer(rest):
                strip_tabs, word = match.group(1) == "-", match.group(3)
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

        flags, args = split_flags(kind, rest)
        args = args.strip()
        if not args and not heredocs:
            raise DockerfileError(line_no, f"{kind} needs arguments; line {line_no} has none")
        form = exec_form(args) if kind in ("CMD", "ENTRYPOINT", "RUN", "SHELL") else None
        if kind == "SHELL" and form is None:
            raise DockerfileError(
                line_no, 'SHELL must be written as a JSON array, e.g. SHELL ["/bin/bash", "-c"]'
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
                    line_no, "FROM takes an image and an optional 'AS name', e.g. "
                    "FROM python:3.12-slim AS build",
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
            exec_form=form, heredocs=tuple(heredocs),
            stage=len(stages) if stage_start is not None else None,
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
            raise DockerfileError(1, "the Dockerfile is empty: start with FROM <base image>")
        raise DockerfileError(
            instructions[0].line, "there is no FROM: every Dockerfile starts from a base image"
        )
    return Dockerfile(instructions, stages, directives)
