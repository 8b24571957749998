"""Build a Dockerfile in the model: stages, users, files, Python packages, layers and history.

    image = build(dockerfile_text, context={"app.py": "...", "requirements.txt": "flask\\n"})
    image.error                  # None, or an Outcome: which line stops the build and why
    image.history()              # what `docker history` shows (ARG values included)
    image.leaks()                # secrets a reader of the image can recover, with the line
    image.final.has_program("curl"), image.final.user, image.final.env

Nothing runs: each instruction changes a modelled stage (environment, user, files, Python
distributions with the site folder and Python version they were installed for). Values are
expanded when Docker expands them: ARG and ENV while building, the rest when the container
starts. RUN scripts are followed command by command, with `&&`, `||` and `;` meaning what
they mean to a shell, so `RUN true || useradd app` creates no user.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from dataclasses import field

from .. import dockerfile as df_parser
from . import images
from .shell import expand
from .shell import program_of
from .shell import split_script
from .shell import words
from .trace import DeployError
from .trace import Outcome
from .trace import Trace

SECRET_FILE_PATTERNS = (
    ".env", ".env.*", "*.pem", "*.key", "id_rsa", "id_ecdsa", "id_ed25519", ".npmrc", ".pypirc",
    "credentials.json", "service-account.json", "*.p12", "*.pfx", "*.keystore", "*.jks",
    ".netrc", ".git-credentials", "kubeconfig", "secrets.*",
)
SECRET_FOLDERS = (".ssh", ".aws")
NOT_SECRET_FILES = (".env.example", ".env.sample", ".env.template", ".env.dist")
SHELL_BUILTINS = frozenset(
    "cd export set unset true false : exit echo printf test [ umask source . trap wait "
    "read shift eval exec alias command type ulimit".split()
)


@dataclass
class File:
    """One path in a stage's filesystem."""

    path: str
    owner: str
    line: int  # instruction that put it there
    kind: str = "file"  # file, dir, package, script, wheel, python
    python: str | None = None  # version a package/script/venv python belongs to
    secret: str = ""  # why this file is a secret ("" if it is not)
    content: str | None = None


@dataclass(frozen=True)
class HistoryEntry:
    """One line of `docker history`: the instruction as recorded, and whether it made a layer."""

    line: int
    created_by: str
    layer: bool


@dataclass(frozen=True)
class Leak:
    """A secret that a reader of the image can recover."""

    line: int
    what: str  # e.g. "STRIPE_SECRET_KEY"
    where: str  # "config", "history" or "layer"
    why: str


@dataclass
class Stage:
    """The modelled state of one build stage after its instructions."""

    index: int
    name: str | None
    base: images.BaseImage
    line: int
    env: dict[str, str] = field(default_factory=dict)
    args: dict[str, str] = field(default_factory=dict)
    user: str = "root"
    workdir: str = "/"
    users: dict[str, str] = field(default_factory=dict)  # name -> home
    programs: set[str] = field(default_factory=set)
    libraries: set[str] = field(default_factory=set)
    files: dict[str, File] = field(default_factory=dict)
    history: list[HistoryEntry] = field(default_factory=list)
    layer_secrets: list[Leak] = field(default_factory=list)
    apt_lists: bool = False
    volumes: list[str] = field(default_factory=list)
    exposes: list[str] = field(default_factory=list)
    healthcheck: df_parser.Instruction | None = None
    stop_signal: str = "SIGTERM"
    opaque: bool = False  # a RUN ran a program the model does not follow (npm run build...)
    # Folders that received the whole build context when none was given (a lint): any file
    # may be there.
    unknown_dirs: set[str] = field(default_factory=set)
    # Programs some layer of this stage holds: a later `apt-get purge` hides them from the
    # last layer, but the layer that installed them still ships with the image.
    layer_programs: set[str] = field(default_factory=set)

    def may_have(self, path: str) -> bool:
        """Could this path exist though the model does not know the file (see unknown_dirs)?"""
        folders = (*self.unknown_dirs, *self.base.dirs)
        return any(path == d or path.startswith(d.rstrip("/") + "/") for d in folders)

    def in_unknown_dir(self, path: str) -> bool:
        """Is this path in a folder whose contents the model does not know (unknown_dirs)?"""
        return any(path == d or path.startswith(d.rstrip("/") + "/") for d in self.unknown_dirs)

    # -- queries ----------------------------------------------------------------------------
    def label(self) -> str:
        """'build' or 'stage 2' (1-based), for messages."""
        return f"'{self.name}'" if self.name else f"stage {self.index + 1}"

    def home_of(self, user: str | None = None) -> str:
        """The home folder of a user (HOME falls back to / for users without one)."""
        name = (user or self.user).split(":", 1)[0]
        if name in ("root", "0"):
            return "/root"
        return self.users.get(name, "/")

    def user_exists(self, user: str) -> bool:
        """True when USER names an account the image has (or a numeric uid).

        On a base image outside the table any account may exist (serversideup/php has
        www-data), so only the known images can prove an account missing.
        """
        name = user.split(":", 1)[0]
        return name.isdigit() or name in self.users or not self.base.known

    def path_dirs(self, env: dict[str, str] | None = None) -> list[str]:
        """Folders on PATH, in order."""
        value = (env or self.env).get("PATH", "/usr/local/bin:/usr/bin:/bin")
        return [p.rstrip("/") or "/" for p in value.split(":") if p]

    def python_version(self) -> str | None:
        """The Python of /usr/local/bin (the base image's)."""
        return self.base.python

    def which(self, program: str, env: dict[str, str] | None = None,
              user: str | None = None) -> File | None:
        """The executable file a command name resolves to on PATH (None if not found)."""
        if "/" in program:
            found = self.files.get(normal(program, self.workdir))
            return found if found and found.kind in ("script", "python", "file") else None
        for folder in self.path_dirs(env):
            found = self.files.get(f"{folder}/{program}")
            if found and found.kind in ("script", "python", "file"):
                if not self.readable(found.path, user):
                    continue
                return found
        return None

    def has_program(self, program: str, env: dict[str, str] | None = None) -> bool:
        """True when a command of this name can run (a base-image program or a file on PATH)."""
        name = program.rsplit("/", 1)[-1]
        if name in self.programs and ("/" not in program or program.startswith(
                ("/usr/", "/bin/", "/sbin/"))):
            return True
        found = self.which(program, env)
        if found is None:
            return False
        if found.kind in ("script", "python") and found.python:
            return found.python == self.python_version() or self.has_python(found.python)
        return True

    def has_python(self, version: str) -> bool:
        """True when this Python version is installed in the stage."""
        return self.python_version() == version

    def readable(self, path: str, user: str | None = None) -> bool:
        """Can this user read the path? (/root is private to root, mode 700)."""
        name = (user or self.user).split(":", 1)[0]
        if name in ("root", "0"):
            return True
        return not (path == "/root" or path.startswith("/root/"))

    def site_dirs(self, env: dict[str, str] | None = None, user: str | None = None,
                  python: str | None = None) -> list[str]:
        """Where `python` looks for packages (sys.path) for this user and environment."""
        env = env if env is not None else self.env
        version = python or self.python_version()
        dirs = [p for p in env.get("PYTHONPATH", "").split(":") if p]
        venv = self.active_venv(env)
        if venv:
            dirs.append(f"{venv}/lib/python{version}/site-packages")
        else:
            home = env.get("HOME") or self.home_of(user)
            if env.get("PYTHONNOUSERSITE") in (None, ""):
                dirs.append(f"{home}/.local/lib/python{version}/site-packages")
            dirs.append(f"/usr/local/lib/python{version}/site-packages")
        return [d.rstrip("/") for d in dirs]

    def active_venv(self, env: dict[str, str] | None = None) -> str | None:
        """The virtual environment whose python comes first on PATH, if any."""
        env = env if env is not None else self.env
        for folder in self.path_dirs(env):
            found = self.files.get(f"{folder}/python")
            if found is not None and found.kind == "python":
                return folder.rsplit("/", 1)[0]
            if folder in ("/usr/local/bin", "/usr/bin", "/bin"):
                return None
        return None

    def importable(self, package: str, env: dict[str, str] | None = None,
                   user: str | None = None) -> tuple[bool, str]:
        """Can `import package` work for this user? (yes/no, and where it is or why not)."""
        name = normal_package(package)
        version = self.python_version()
        venv = self.active_venv(env)
        if venv:
            venv_python = self.files.get(f"{venv}/bin/python")
            if venv_python and venv_python.python and venv_python.python != version:
                return False, (f"the virtual environment {venv} was made with Python "
                               f"{venv_python.python}, which this stage does not have "
                               f"(it has {version})")
        if name in STANDARD_LIBRARY:
            return True, "standard library"
        for site in self.site_dirs(env, user):
            found = self.files.get(f"{site}/{name}")
            if found is None:
                continue
            if not self.readable(found.path, user):
                return False, (f"{name} is installed in {site}, inside /root, which user "
                               f"'{user or self.user}' cannot read")
            lib = images.NEEDS_LIBRARY.get(name)
            if lib and found.kind == "package" and found.content == LINKS_LIBRARY and (
                    lib not in self.libraries):
                return False, (f"{name} loads the {lib} shared library when it is imported, "
                               f"and this stage does not have it (the package that installs "
                               f"it was never installed in this stage)")
            return True, site
        elsewhere = [f.path for f in self.files.values()
                     if f.kind == "package" and f.path.rsplit("/", 1)[-1] == name]
        if elsewhere:
            return False, (f"{name} is in {elsewhere[0].rsplit('/', 1)[0]}, which is not on "
                           f"this Python's path ({', '.join(self.site_dirs(env, user))})")
        return False, f"{name} is not installed in this stage"

    def add(self, entry: File) -> None:
        """Put a file in the stage (replacing what was there)."""
        self.files[entry.path] = entry

    def remove_tree(self, path: str) -> list[File]:
        """Remove a path and everything under it; return what was removed."""
        gone = [f for p, f in self.files.items() if p == path or p.startswith(path + "/")]
        for entry in gone:
            del self.files[entry.path]
        return gone


STANDARD_LIBRARY = frozenset(
    "os sys json urllib http socket time re ssl subprocess pathlib sqlite3 logging "
    "asyncio signal".split()
)


FILE_SUBSTITUTION_RE = re.compile(
    r"\$\(\s*(?:cat\s+|<\s*)([^\s()]+)\s*\)|`\s*cat\s+([^\s`]+)\s*`"
)


def normal(path: str, workdir: str) -> str:
    """An absolute, tidy path (relative paths are under workdir)."""
    if not path.startswith("/"):
        path = f"{workdir.rstrip('/')}/{path}"
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return "/" + "/".join(parts)


LINKS_LIBRARY = "links-library"  # a package File's content: it loads a system library


def links_library(dist: str) -> bool:
    """Does this requirement load a system library at run time (psycopg, psycopg2, mysqlclient)?

    psycopg loads libpq in its C and its pure-Python builds alike; only the binary builds
    (psycopg[binary], psycopg2-binary) bundle their own copy.
    """
    return normal_package(dist) in images.NEEDS_LIBRARY and "binary" not in dist.lower()


def normal_package(name: str) -> str:
    """'psycopg2-binary==2.9' -> 'psycopg2'; 'Flask[async]' -> 'flask' (the import name)."""
    base = re.split(r"[\[<>=!~;@ ]", name.strip(), maxsplit=1)[0].lower().replace("-", "_")
    return {"psycopg2_binary": "psycopg2", "psycopg_binary": "psycopg", "pyyaml": "yaml",
            "python_dotenv": "dotenv", "pillow": "PIL", "beautifulsoup4": "bs4",
            "scikit_learn": "sklearn"}.get(base, base)


def requirement_names(text: str) -> list[str]:
    """Distribution names in a requirements file (comments, options and blank lines skipped)."""
    names = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        names.append(re.split(r"[<>=!~;@ ]", line, maxsplit=1)[0].lower())
    return names


def is_secret_name(path: str) -> str:
    """Why a file name says 'secret' ('' if it does not)."""
    name = path.rstrip("/").rsplit("/", 1)[-1]
    if name.lower() in NOT_SECRET_FILES:
        return ""
    for pattern in SECRET_FILE_PATTERNS:
        if fnmatch.fnmatch(name.lower(), pattern):
            return f"{name} is a secrets file"
    folders = path.lower().strip("/").split("/")
    for folder in SECRET_FOLDERS:
        if folder in folders:
            return f"{path} is in {folder}, a folder of credentials"
    return ""


def dockerignore_patterns(text: str) -> list[tuple[bool, str]]:
    """(negated, pattern) from a .dockerignore."""
    found = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        found.append((negated, line.lstrip("!").strip().strip("/")))
    return found


def ignored(path: str, patterns: list[tuple[bool, str]]) -> bool:
    """Does .dockerignore leave this context path out?"""
    result = False
    for negated, pattern in patterns:
        pattern = pattern.removeprefix("./")
        if fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(path, pattern + "/*") or (
                pattern.startswith("**/") and fnmatch.fnmatch(path.rsplit("/", 1)[-1],
                                                               pattern[3:])):
            result = not negated
    return result


class Image:
    """The result of building a Dockerfile in the model."""

    def __init__(self, parsed: df_parser.Dockerfile, stages: list[Stage],
                 error: Outcome | None, trace: Trace, build_args: dict[str, str],
                 secrets: dict[str, str]) -> None:
        self.dockerfile = parsed
        self.stages = stages
        self.error = error
        self.trace = trace
        self.build_args = build_args
        self.build_secrets = secrets
        self.error_line = 0  # the line that stops the build, when it fails
        # (line, URL) of every package index a pip install reached, as pip received it.
        self.package_indexes: list[tuple[int, str]] = []

    @property
    def final(self) -> Stage:
        """The stage whose result is the image."""
        return self.stages[-1]

    def history(self) -> list[HistoryEntry]:
        """`docker history` of the image: the final stage and the stages it is FROM."""
        return list(self.final.history)

    def leaks(self) -> list[Leak]:
        """Secrets a holder of the image can read: config (ENV), history (ARG) or a layer."""
        found: list[Leak] = []
        secret_values = {v for v in list(self.build_args.values()) +
                         list(self.build_secrets.values()) if v and len(v) >= 6}
        for name, value in self.final.env.items():
            from_value = any(s in value for s in secret_values)
            if value and (from_value or (df_looks_secret(name) and "$" not in value)
                          or df_password_in_url(value)):
                line = env_line(self.dockerfile, name)
                what = "holds a URL with a password and " if df_password_in_url(value) else ""
                found.append(Leak(line, name, "config", (
                    f"ENV {name} {what}is stored in the image's configuration: `docker "
                    "inspect` shows it to anyone who can pull the image")))
        for entry in self.final.history:
            for value in secret_values:
                if value in entry.created_by:
                    arg = next((k for k, v in self.build_args.items() if v == value), "a secret")
                    found.append(Leak(entry.line, arg, "history", (
                        f"the build argument {arg} is recorded with its value in the image "
                        "history of this RUN: `docker history --no-trunc` prints it")))
        found.extend(self.final.layer_secrets)
        unique: dict[tuple[int, str, str], Leak] = {}
        for leak in found:
            unique.setdefault((leak.line, leak.what, leak.where), leak)
        return sorted(unique.values(), key=lambda leak: leak.line)

    def run(self, env: dict[str, str] | None = None):  # noqa: ANN201 - avoids an import cycle
        """Start a container of this image (see run.Container)."""
        from .run import Container

        return Container(self, env or {})


def df_looks_secret(name: str) -> bool:
    """A variable name that says it holds a secret."""
    from ..findings import looks_like_secret_name

    return looks_like_secret_name(name)


def df_password_in_url(value: str) -> bool:
    """A URL with a password written into it (postgres://app:s3cret@db/app)."""
    from ..findings import password_in_url

    return password_in_url(value) is not None


def env_line(parsed: df_parser.Dockerfile, name: str) -> int:
    """The line of the last ENV that sets this name."""
    line = 0
    for ins in parsed.chain_instructions("ENV"):
        try:
            if name in df_parser.parse_env(ins):
                line = ins.line
        except df_parser.DockerfileError:
            continue
    return line


class Builder:
    """Follows a parsed Dockerfile instruction by instruction."""

    def __init__(self, parsed: df_parser.Dockerfile, context: dict[str, str],
                 build_args: dict[str, str], secrets: dict[str, str]) -> None:
        self.parsed = parsed
        self.context = context
        self.build_args = build_args
        self.secrets = secrets
        self.trace = Trace()
        self.stages: list[Stage] = []
        self.package_indexes: list[tuple[int, str]] = []
        self.ignore = dockerignore_patterns(context.get(".dockerignore", ""))
        self.global_args = {}
        for ins in parsed.instructions():
            if ins.stage is not None:
                break
            if ins.kind == "ARG":
                name, eq, default = ins.args.strip().partition("=")
                name = name.strip()
                value = build_args.get(name, default.strip().strip("\"'") if eq else None)
                if value is not None:
                    self.global_args[name] = value

    def fail(self, line: int, reason: str) -> Outcome:
        self.trace.add(f"line {line}: the build stops: {reason}")
        return Outcome(False, f"Dockerfile line {line}: the build fails: {reason}", self.trace)

    def build(self) -> Image:
        error = None
        line = 0
        for stage in self.parsed.stages:
            try:
                self.stages.append(self.build_stage(stage))
            except BuildFailure as exc:
                error = self.fail(exc.line, exc.reason)
                line = exc.line
                self.stages.append(exc.stage)
                break
        image = Image(self.parsed, self.stages, error, self.trace, self.build_args,
                      self.secrets)
        image.error_line = line
        image.package_indexes = list(self.package_indexes)
        return image

    def build_stage(self, spec: df_parser.Stage) -> Stage:
        base_ref = expand(spec.base, self.global_args)
        parent = self.stage_named(base_ref)
        if parent is not None:
            stage = copy_stage(parent, spec.index, spec.name, spec.line)
            self.trace.add(f"line {spec.line}: stage {stage.label()} starts from stage "
                           f"{parent.label()}")
        else:
            base = images.lookup(base_ref)
            stage = Stage(spec.index, spec.name, base, spec.line)
            stage.env = dict(base.env) or {
                "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
            stage.programs = set(base.programs)
            stage.layer_programs = set(base.programs)
            stage.libraries = set(base.libraries)
            stage.users = {u: ("/root" if u == "root" else f"/home/{u}") for u in base.users}
            stage.users.setdefault("nobody", "/nonexistent")
            if base.family in ("debian", "alpine"):
                stage.users.setdefault("daemon", "/usr/sbin")  # in both base passwd files
            stage.volumes = list(base.volumes)
            stage.exposes = [str(p) for p in base.exposes]
            stage.user = base.user
            if base.python:
                for name in ("python", "python3", f"python{base.python}", "pip", "pip3"):
                    stage.add(File(f"/usr/local/bin/{name}", "root", spec.line, "script",
                                   base.python))
            note = f" ({base.note})" if base.note else ""
            self.trace.add(f"line {spec.line}: stage {stage.label()} starts from {base_ref}"
                           f"{note}")
        for ins in spec.instructions:
            self.apply(stage, ins)
        return stage

    def stage_named(self, ref: str) -> Stage | None:
        wanted = ref.lower()
        for stage in self.stages:
            if stage.name == wanted:
                return stage
        return None

    def stage_for_from(self, ref: str, line: int, current: Stage) -> Stage | None:
        """The stage that COPY --from / --mount from= refers to (name or index)."""
        if ref.isdigit():
            index = int(ref)
            if index >= current.index:
                raise BuildFailure(line, current, (
                    f"--from={ref} refers to stage {index}, but only stages before this one "
                    f"(0 to {current.index - 1}) can be copied from"))
            return self.stages[index]
        found = self.stage_named(ref)
        if found is None and ref.lower() == (current.name or "") :
            raise BuildFailure(line, current, f"--from={ref} names the stage being built")
        return found

    # -- instructions -------------------------------------------------------------------
    def scope(self, stage: Stage) -> dict[str, str]:
        """Variables a build step sees: the stage's ARGs and ENVs."""
        return {**stage.args, **stage.env}

    def apply(self, stage: Stage, ins: df_parser.Instruction) -> None:
        kind = ins.kind
        handler = getattr(self, f"do_{kind.lower()}", None)
        if handler is not None:
            handler(stage, ins)
        elif kind in ("LABEL", "MAINTAINER", "ONBUILD", "SHELL"):
            stage.history.append(HistoryEntry(ins.line, ins.text(), False))

    def do_arg(self, stage: Stage, ins: df_parser.Instruction) -> None:
        for word in words(ins.args):
            name, eq, default = word.partition("=")
            if name in self.build_args:
                value = self.build_args[name]
            elif eq:
                value = expand(default, self.scope(stage))
            elif name in self.global_args:
                value = self.global_args[name]
            else:
                value = ""
            stage.args[name] = value
        stage.history.append(HistoryEntry(ins.line, f"ARG {ins.args}", False))

    def do_env(self, stage: Stage, ins: df_parser.Instruction) -> None:
        try:
            values = df_parser.parse_env(ins)
        except df_parser.DockerfileError as exc:
            raise BuildFailure(ins.line, stage, exc.message) from None
        scope = self.scope(stage)
        for name, raw in values.items():
            # ENV is expanded now, with the ARG and ENV values of this moment: a later
            # run-time PORT does not change a value computed here.
            stage.env[name] = expand(raw, scope, unset="")
        shown = " ".join(f"{k}={v}" for k, v in stage.env.items() if k in values)
        stage.history.append(HistoryEntry(ins.line, f"ENV {shown}", False))

    def do_user(self, stage: Stage, ins: df_parser.Instruction) -> None:
        stage.user = expand(ins.args.strip(), self.scope(stage))
        stage.history.append(HistoryEntry(ins.line, f"USER {stage.user}", False))

    def do_workdir(self, stage: Stage, ins: df_parser.Instruction) -> None:
        stage.workdir = normal(expand(ins.args.strip(), self.scope(stage)), stage.workdir)
        if stage.workdir not in stage.files:
            stage.add(File(stage.workdir, "root", ins.line, "dir"))
        stage.history.append(HistoryEntry(ins.line, f"WORKDIR {stage.workdir}", False))

    def do_expose(self, stage: Stage, ins: df_parser.Instruction) -> None:
        for word in ins.args.split():
            stage.exposes.append(expand(word, self.scope(stage)).split("/")[0])
        stage.history.append(HistoryEntry(ins.line, f"EXPOSE {ins.args}", False))

    def do_volume(self, stage: Stage, ins: df_parser.Instruction) -> None:
        paths = list(ins.exec_form) if ins.exec_form else ins.args.split()
        stage.volumes.extend(expand(p, self.scope(stage)) for p in paths)
        stage.history.append(HistoryEntry(ins.line, f"VOLUME {paths}", False))

    def do_healthcheck(self, stage: Stage, ins: df_parser.Instruction) -> None:
        stage.healthcheck = ins
        stage.history.append(HistoryEntry(ins.line, ins.text(), False))

    def do_stopsignal(self, stage: Stage, ins: df_parser.Instruction) -> None:
        stage.stop_signal = ins.args.strip()
        stage.history.append(HistoryEntry(ins.line, ins.text(), False))

    def do_cmd(self, stage: Stage, ins: df_parser.Instruction) -> None:
        stage.history.append(HistoryEntry(ins.line, ins.text(), False))

    do_entrypoint = do_cmd

    def do_copy(self, stage: Stage, ins: df_parser.Instruction) -> None:
        scope = self.scope(stage)
        sources, dest = ins.sources_and_destination()
        sources = [expand(s, scope) for s in sources]
        owner = expand(ins.flags.get("chown", ""), scope).split(":", 1)[0] or "root"
        if owner not in ("root", "0") and not stage.user_exists(owner):
            raise BuildFailure(ins.line, stage, f"--chown={owner}: there is no user {owner}")
        dest = expand(dest, scope)
        target = normal(dest, stage.workdir)
        # Without a trailing slash the destination is still a folder when one is there already
        # (COPY requirements.txt /app after WORKDIR /app writes /app/requirements.txt).
        existing = stage.files.get(target)
        dest_dir = (dest.endswith("/") or len(sources) > 1 or dest in (".", "./")
                    or target == stage.workdir or (existing is not None and existing.kind == "dir"))
        added: list[File] = []
        if ins.heredocs:
            expands = ins.heredoc_expands or (True,) * len(ins.heredocs)
            # Into a folder (COPY <<robots.txt <<humans.txt /srv/), each file is named after
            # its delimiter word.
            names = [m.group(3) for m in df_parser.HEREDOC_RE.finditer(ins.args)]
            for i, (body, expanded) in enumerate(zip(ins.heredocs, expands, strict=False)):
                # BuildKit expands ARG/ENV in the body of an unquoted <<EOF (unset: empty).
                text = expand(body, scope, unset="") if expanded else body
                path = f"{target.rstrip('/')}/{names[i]}" if dest_dir and i < len(names) else (
                    target)
                added.append(File(path, owner, ins.line, "file", content=text))
        elif "from" in ins.flags:
            ref = expand(ins.flags["from"], scope)
            origin = self.stage_for_from(ref, ins.line, stage)
            if origin is None:
                # An image: COPY --from=nginx:1.27 ... copies from that image; we know only
                # the files of images in the table, so the copy is trusted.
                for src in sources:
                    added.append(File(normal(src, "/") if not dest_dir else
                                      f"{target}/{src.rstrip('/').rsplit('/', 1)[-1]}",
                                      owner, ins.line))
            else:
                for src in sources:
                    added.extend(self.copy_between(origin, src, target, dest_dir, owner, ins,
                                                   stage))
        else:
            for src in sources:
                added.extend(self.copy_context(src, target, dest_dir, owner, ins, stage))
        for entry in added:
            stage.add(entry)
            if entry.secret:
                stage.layer_secrets.append(Leak(ins.line, entry.path, "layer", (
                    f"{entry.secret}; line {ins.line} copies it into a layer, and every "
                    "layer ships with the image: deleting it in a later step only hides it "
                    "from the last layer, `docker save` or `docker history` still reach it")))
        shown = f"COPY {'--from=' + ins.flags['from'] + ' ' if 'from' in ins.flags else ''}"
        stage.history.append(HistoryEntry(ins.line, shown + " ".join(sources) + f" {dest}",
                                          True))

    do_add = do_copy

    def copy_context(self, src: str, target: str, dest_dir: bool, owner: str,
                     ins: df_parser.Instruction, stage: Stage) -> list[File]:
        src_clean = src.removeprefix("./").rstrip("/")
        names = [n for n in self.context if not ignored(n, self.ignore)]
        if src_clean in ("", ".") and not self.context:
            stage.unknown_dirs.add(target)  # a lint: the context's files are not known
            return []
        if src_clean in ("", "."):
            chosen = {n: normal(f"{target}/{n}", "/") for n in names}
        else:
            matched = [n for n in names if fnmatch.fnmatch(n, src_clean) or
                       n.startswith(src_clean + "/")]
            if not matched:
                if src_clean in self.context:
                    raise BuildFailure(ins.line, stage, (
                        f"{src} is left out of the build context by .dockerignore"))
                if self.context:
                    raise BuildFailure(ins.line, stage, (
                        f"COPY {src}: there is no {src} in the build context"))
                matched = [src_clean]
            chosen = {}
            for n in matched:
                if n == src_clean and not dest_dir and "*" not in src_clean:
                    chosen[n] = target
                else:
                    rel = n[len(src_clean) + 1:] if n.startswith(src_clean + "/") else (
                        n.rsplit("/", 1)[-1])
                    chosen[n] = normal(f"{target}/{rel}", "/")
        found = []
        values = [v for v in self.secrets.values() if v]
        for name, path in chosen.items():
            content = self.context.get(name)
            secret = is_secret_name(name)
            if not secret and content and any(v in content for v in values):
                secret = f"{name} contains a secret value"
            found.append(File(path, owner, ins.line, "file", secret=secret, content=content))
        return found

    def copy_between(self, origin: Stage, src: str, target: str, dest_dir: bool, owner: str,
                     ins: df_parser.Instruction, stage: Stage) -> list[File]:
        src_path = normal(expand(src, self.scope(origin)), origin.workdir)
        matches = [f for p, f in origin.files.items()
                   if p == src_path or p.startswith(src_path + "/") or (
                       "*" in src_path and fnmatch.fnmatch(p, src_path))]
        if not matches:
            known_program = src_path.rsplit("/", 1)[-1] in origin.programs
            if known_program or not origin.base.known or origin.opaque or origin.may_have(
                    src_path):
                return [File(target if not dest_dir else
                             f"{target}/{src_path.rsplit('/', 1)[-1]}", owner, ins.line)]
            raise BuildFailure(ins.line, stage, (
                f"--from={origin.name or origin.index} {src}: stage {origin.label()} has no "
                f"{src_path}"))
        found = []
        if origin.in_unknown_dir(src_path):  # e.g. wheels built from unknown requirements
            stage.unknown_dirs.add(normal(target, "/"))
        whole = any(p == src_path for p in origin.files) and origin.files[src_path].kind != "dir"
        for entry in matches:
            if whole:
                path = f"{target}/{src_path.rsplit('/', 1)[-1]}" if dest_dir else target
            else:
                path = target + entry.path[len(src_path):]
            path = normal(path, "/")
            found.append(File(path, owner if "chown" in ins.flags else entry.owner, ins.line,
                              entry.kind, entry.python, entry.secret, entry.content))
        return found

    # -- RUN ----------------------------------------------------------------------------
    def do_run(self, stage: Stage, ins: df_parser.Instruction) -> None:
        scope = self.scope(stage)
        mounts = ins.mounts()
        for mount in mounts:
            if mount.get("type") == "secret" and mount.get("env"):
                name = mount.get("id") or mount["env"]
                scope[mount["env"]] = self.secrets.get(name, "")
        temporary: list[File] = []
        for mount in mounts:
            temporary.extend(self.mount(stage, mount, ins))
        before = set(stage.files)
        for entry in temporary:
            if entry.path not in stage.files:
                stage.add(entry)
        if ins.exec_form is not None:
            script = " ".join(ins.exec_form)
            from .shell import shell_c_script

            script = shell_c_script(ins.exec_form) or script
        elif ins.heredocs and ins.args.strip().startswith("<<"):
            script = "\n".join(ins.heredocs)
        else:
            script = ins.args
        self.run_script(stage, script, ins, dict(scope))
        # What this RUN's layer holds when it ends (installed and purged in one RUN: nothing).
        stage.layer_programs |= stage.programs
        for entry in temporary:
            if entry.path not in before and stage.files.get(entry.path) is entry:
                stage.files.pop(entry.path, None)
        args_shown = {k: v for k, v in stage.args.items()}
        prefix = (f"|{len(args_shown)} " + " ".join(f"{k}={v}" for k, v in args_shown.items())
                  + " ") if args_shown else ""
        stage.history.append(HistoryEntry(ins.line, f"RUN {prefix}/bin/sh -c {script}", True))
        for value in self.secrets.values():
            for entry in stage.files.values():
                if entry.line == ins.line and value and entry.content and value in entry.content:
                    stage.layer_secrets.append(Leak(ins.line, entry.path, "layer", (
                        f"line {ins.line} writes the secret into {entry.path}, which stays in "
                        "this RUN's layer")))

    def mount(self, stage: Stage, mount: dict[str, str], ins: df_parser.Instruction) -> list[File]:
        kind = mount.get("type", "bind")
        target = mount.get("target") or mount.get("dst") or mount.get("destination") or ""
        if kind == "secret":
            name = mount.get("id") or target.rsplit("/", 1)[-1]
            path = target or f"/run/secrets/{name}"
            self.trace.add(f"line {ins.line}: secret '{name}' mounted at {path} for this RUN "
                           "only (not stored in a layer)")
            return [File(normal(path, stage.workdir), "root", ins.line, "file",
                         content=self.secrets.get(name, ""))]
        if kind == "bind":
            source = mount.get("source") or mount.get("src") or "."
            ref = mount.get("from")
            if ref:
                origin = self.stage_for_from(ref, ins.line, stage)
                if origin is None:
                    return []
                return self.copy_between(origin, source, normal(target, stage.workdir), False,
                                         "root", ins, stage)
            tgt = normal(target or source, stage.workdir)
            if not self.context:  # no build context given (a lint): trust the mount
                return [File(tgt, "root", ins.line)]
            return [File(f"{tgt}/{n}" if source in (".", "./") else tgt, "root", ins.line,
                         content=c) for n, c in self.context.items()
                    if source in (".", "./") or n == source.removeprefix("./")]
        return []

    def run_script(self, stage: Stage, script: str, ins: df_parser.Instruction,
                   env: dict[str, str]) -> None:
        last_ok = True
        reason = ""
        parts = split_script(script)
        for index, (op, command) in enumerate(parts):
            if op == "&&" and not last_ok:
                continue
            if op == "||" and last_ok:
                continue
            piped = op == "|" or (index + 1 < len(parts) and parts[index + 1][0] == "|")
            try:
                last_ok = self.run_command(stage, command, ins, env)
            except BuildFailure as exc:
                if piped:
                    # `curl ... | sh` with no curl: sh runs nothing; the step is reported.
                    raise
                # The command fails; as in sh, `|| true` or a later `;` command decides
                # whether the RUN does.
                last_ok, reason = False, exc.reason
        if not last_ok:
            raise BuildFailure(ins.line, stage, reason or "the RUN command exits with an error")

    def run_command(self, stage: Stage, command: str, ins: df_parser.Instruction,
                    env: dict[str, str]) -> bool:
        command = self.substitute_files(stage, command, env)
        argv = [expand(w, env, unset="") for w in words(command)]
        redirect = None
        cleaned = []
        for i, word in enumerate(argv):
            if word in (">", ">>") and i + 1 < len(argv):
                redirect = argv[i + 1]
            elif word.startswith(">") and len(word) > 1 and not word.startswith(">&"):
                redirect = word.lstrip(">")
            elif i > 0 and argv[i - 1] in (">", ">>"):
                continue
            else:
                cleaned.append(word)
        program, args = program_of(cleaned)
        if redirect and not redirect.startswith("/dev/"):
            content = expand(command, env, unset="")
            stage.add(File(normal(redirect, stage.workdir), stage.user, ins.line, "file",
                           content=content))
        if not program:
            # `TOKEN=$(cat /run/secrets/x)` alone: a shell variable for the rest of this RUN.
            for word in cleaned:
                name, eq, value = word.partition("=")
                if eq and re.match(r"^[A-Za-z_]\w*$", name):
                    env[name] = value
            return True
        if program in ("true", ":") or program in ("set", "export", "cd", "echo", "printf"):
            if program == "export":
                for word in args:
                    name, eq, value = word.partition("=")
                    if eq:
                        env[name] = value
            return True
        if program == "false":
            return False
        if program == "exit":
            return (args[:1] or ["0"])[0] == "0"
        known_missing = program in ("curl", "wget", "gcc", "make", "git", "useradd", "apt-get",
                                    "apk", "bash", "adduser", "addgroup")
        if known_missing and stage.base.known and not stage.has_program(program, env):
            raise BuildFailure(ins.line, stage, (
                f"`{program}` is not in the image at this point ({stage.base.ref}"
                f"{': ' + stage.base.note if stage.base.note else ''}): sh: {program}: "
                "not found"))
        if program in ("useradd", "adduser"):
            return self.add_user(stage, program, args, ins)
        if program in ("apt-get", "apt"):
            return self.apt(stage, args, ins)
        if program == "apk":
            return self.apk(stage, args, ins)
        # `NAME=value pip ...`: the variable is in pip's environment for this command only.
        command_env = dict(env)
        for word in cleaned:
            name, eq, value = word.partition("=")
            if not (eq and re.match(r"^[A-Za-z_]\w*$", name)):
                break
            command_env[name] = value
        if program in ("pip", "pip3") or re.match(r"pip3\.\d+$", program):
            return self.pip(stage, cleaned, args, command_env, ins)
        if re.match(r"python(3(\.\d+)?)?$", program):
            if args[:2] == ["-m", "pip"]:
                return self.pip(stage, cleaned, args[2:], command_env, ins)
            if args[:2] == ["-m", "venv"] or args[:1] == ["-mvenv"]:
                rest = [a for a in args[2:] if not a.startswith("-")]
                if rest:
                    self.make_venv(stage, normal(rest[-1], stage.workdir), ins)
            return True
        if program == "virtualenv":
            rest = [a for a in args if not a.startswith("-")]
            if rest:
                self.make_venv(stage, normal(rest[-1], stage.workdir), ins)
            return True
        if program == "rm":
            for target in args:
                if target.startswith("-"):
                    continue
                path = normal(target, stage.workdir)
                if "*" in path:
                    for p in [p for p in stage.files if fnmatch.fnmatch(p, path)]:
                        stage.files.pop(p, None)
                else:
                    stage.remove_tree(path)
                if path.startswith("/var/lib/apt/lists"):
                    stage.apt_lists = False
            return True
        if program in ("mkdir", "touch"):
            for target in args:
                if not target.startswith("-"):
                    stage.add(File(normal(target, stage.workdir), stage.user, ins.line,
                                   "dir" if program == "mkdir" else "file"))
            return True
        if program == "chown":
            rest = [a for a in args if not a.startswith("-")]
            if rest:
                owner = rest[0].split(":", 1)[0]
                for target in rest[1:]:
                    path = normal(target, stage.workdir)
                    for p, entry in stage.files.items():
                        if p == path or p.startswith(path + "/"):
                            entry.owner = owner
            return True
        if program in ("cp", "mv"):
            paths = [a for a in args if not a.startswith("-")]
            if len(paths) >= 2:
                target = normal(paths[-1], stage.workdir)
                for src in paths[:-1]:
                    entry = stage.files.get(normal(src, stage.workdir))
                    if entry is None:
                        continue
                    dest = target
                    if target in stage.files and stage.files[target].kind == "dir":
                        dest = f"{target}/{src.rsplit('/', 1)[-1]}"
                    stage.add(File(dest, stage.user, ins.line, entry.kind, entry.python,
                                   entry.secret, entry.content))
                    if program == "mv":
                        stage.files.pop(entry.path, None)
            return True
        if program in ("groupadd", "addgroup", "chmod", "ln", "cat", "ls"):
            return True
        stage.opaque = True  # its files are unknown to the model
        return True

    def substitute_files(self, stage: Stage, command: str, env: dict[str, str]) -> str:
        """`$(cat FILE)`, `$(< FILE)` and `cat FILE` in backticks, replaced by what FILE holds."""

        def content(match: re.Match[str]) -> str:
            path = normal(expand(match.group(1) or match.group(2), env, unset=""),
                          stage.workdir)
            entry = stage.files.get(path)
            if entry is None or entry.content is None:
                return match.group(0)
            return entry.content.rstrip("\n")

        return FILE_SUBSTITUTION_RE.sub(content, command)

    def add_user(self, stage: Stage, program: str, args: list[str],
                 ins: df_parser.Instruction) -> bool:
        home = None
        create = program == "adduser"
        names = []
        skip = False
        for i, word in enumerate(args):
            if skip:
                skip = False
                continue
            if word in ("-m", "--create-home"):
                create = True
            elif word in ("-M", "--no-create-home", "-H"):
                create = False
            elif word in ("-d", "--home-dir", "--home", "-h") and i + 1 < len(args):
                home = args[i + 1]
                skip = True
            elif word.startswith("--home-dir=") or word.startswith("--home="):
                home = word.split("=", 1)[1]
            elif word in ("-u", "--uid", "-g", "--gid", "-G", "--groups", "-s", "--shell",
                          "-c", "--comment", "--gecos", "-k", "--ingroup", "-K"):
                skip = True
            elif re.fullmatch(r"-[A-Za-z]{2,}", word):
                # Combined short options (useradd -ms /bin/bash app): the last one may take
                # the next word as its value.
                create = create or "m" in word
                skip = word[-1] in "ugGsckKd"
            elif not word.startswith("-"):
                names.append(word)
        if not names:
            return True
        name = names[0] if program == "useradd" or len(names) == 1 else names[0]
        home = home or f"/home/{name}"
        stage.users[name] = home
        if create:
            stage.add(File(home, name, ins.line, "dir"))
        self.trace.add(f"line {ins.line}: user {name} created (home {home})")
        return True

    def apt(self, stage: Stage, args: list[str], ins: df_parser.Instruction) -> bool:
        if stage.user not in ("root", "0"):
            raise BuildFailure(ins.line, stage, (
                f"apt-get runs as user {stage.user}, who may not install packages: "
                "E: Could not open lock file (Permission denied)"))
        action = next((a for a in args if not a.startswith("-")), "")
        packages = [a.split("=", 1)[0] for a in args if not a.startswith("-") and a != action]
        if action == "update":
            stage.apt_lists = True
            return True
        if action == "install":
            if not stage.apt_lists:
                first = packages[0] if packages else ""
                raise BuildFailure(ins.line, stage, (
                    "apt-get install without apt-get update first: official images ship "
                    f"without package lists, so 'E: Unable to locate package {first}'"))
            for package in packages:
                # Unknown packages are assumed to bring a program of their own name.
                programs, libs = images.PACKAGE_PROGRAMS.get(package, ({package}, set()))
                stage.programs |= programs
                stage.libraries |= libs
            return True
        if action in ("purge", "remove", "autoremove"):
            for package in packages:
                programs, libs = images.PACKAGE_PROGRAMS.get(package, (set(), set()))
                stage.programs -= programs
            return True
        return True

    def apk(self, stage: Stage, args: list[str], ins: df_parser.Instruction) -> bool:
        action = next((a for a in args if not a.startswith("-")), "")
        packages = []
        skip = False
        for arg in args:
            if skip:
                skip = False
                continue
            if arg in ("--virtual", "-t", "--repository", "-X"):
                skip = True
                continue
            if not arg.startswith("-") and arg != action:
                packages.append(arg.split("=", 1)[0])
        if action == "add":
            for package in packages:
                programs, libs = images.PACKAGE_PROGRAMS.get(package, ({package}, set()))
                stage.programs |= programs
                stage.libraries |= libs
        elif action == "del":
            for package in packages:
                programs, _ = images.PACKAGE_PROGRAMS.get(package, (set(), set()))
                stage.programs -= programs
        return True

    def make_venv(self, stage: Stage, path: str, ins: df_parser.Instruction) -> None:
        version = stage.python_version()
        stage.add(File(path, stage.user, ins.line, "dir"))
        for name in ("python", "python3", "pip", "pip3"):
            stage.add(File(f"{path}/bin/{name}", stage.user, ins.line,
                           "python" if name.startswith("python") else "script", version))
        self.trace.add(f"line {ins.line}: virtual environment {path} made with Python {version}")

    def pip(self, stage: Stage, argv: list[str], args: list[str], env: dict[str, str],
            ins: df_parser.Instruction) -> bool:
        action = next((a for a in args if not a.startswith("-")), "")
        if action == "config":
            return self.pip_config(stage, args, env, ins)
        if action not in ("install", "wheel"):
            return True
        opts = args[args.index(action) + 1:]
        indexes = [url for name in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL")
                   for url in env.get(name, "").split()]
        for entry in stage.files.values():
            if entry.path.endswith(("/pip.conf", "/pip.ini")) and entry.content:
                indexes.extend(re.findall(r"(?m)^\s*(?:extra-)?index-url\s*[=:]\s*(\S+)",
                                          entry.content))
        packages: list[str] = []
        requirement_files: list[str] = []
        target = prefix = wheel_dir = None
        user_install = no_index = False
        find_links: list[str] = []
        i = 0
        while i < len(opts):
            word = opts[i]
            value = opts[i + 1] if i + 1 < len(opts) else ""
            if word in ("-r", "--requirement"):
                requirement_files.append(value)
                i += 2
                continue
            if word.startswith("--requirement="):
                requirement_files.append(word.split("=", 1)[1])
            elif word.startswith("-r") and len(word) > 2:
                requirement_files.append(word[2:])
            elif word in ("-t", "--target"):
                target = value
                i += 2
                continue
            elif word.startswith("--target="):
                target = word.split("=", 1)[1]
            elif word == "--prefix":
                prefix = value
                i += 2
                continue
            elif word.startswith("--prefix="):
                prefix = word.split("=", 1)[1]
            elif word in ("-w", "--wheel-dir"):
                wheel_dir = value
                i += 2
                continue
            elif word.startswith("--wheel-dir=") or word.startswith("-w"):
                wheel_dir = word.split("=", 1)[1] if "=" in word else word[2:]
            elif word == "--user":
                user_install = True
            elif word == "--no-index":
                no_index = True
            elif word in ("-f", "--find-links"):
                find_links.append(value)
                i += 2
                continue
            elif word.startswith("--find-links="):
                find_links.append(word.split("=", 1)[1])
            elif word in ("-i", "--index-url", "--extra-index-url"):
                indexes.append(value)
                i += 2
                continue
            elif word.startswith(("--index-url=", "--extra-index-url=")):
                indexes.append(word.split("=", 1)[1])
            elif word in ("-c", "--constraint",
                          "--root-user-action", "--platform", "--python-version",
                          "--only-binary", "--no-binary", "--progress-bar", "--cache-dir"):
                i += 2
                continue
            elif not word.startswith("-"):
                packages.append(word)
            i += 1
        self.package_indexes.extend((ins.line, url) for url in indexes)
        unknown_requirements = False
        for name in requirement_files:
            path = normal(name, stage.workdir)
            entry = stage.files.get(path)
            if entry is None and stage.may_have(path):
                # Copied with the whole (unknown) context: its packages are unknown.
                unknown_requirements = True
                continue
            if entry is None:
                raise BuildFailure(ins.line, stage, (
                    f"pip cannot open {name}: no such file at {path} (no step before this "
                    "line puts it in the image)"))
            if entry.content is None:  # from a context the model was not given
                unknown_requirements = True
            packages.extend(requirement_names(entry.content or ""))
        dists = [p.lower() for p in packages if p not in (".", "-e") and not p.startswith(
            ("/", "./", "git+", "http"))]
        # `pip install /wheels/*.whl` installs the wheel files it names (the shell expands the
        # glob): each one is a package, built for the Python of the stage that made it.
        named_wheels = set()
        for word in packages:
            if not (word.endswith(".whl") or "*" in word):
                continue
            pattern = normal(word, stage.workdir)
            for entry in stage.files.values():
                if entry.kind == "wheel" and (entry.path == pattern or ("*" in pattern
                                              and fnmatch.fnmatch(entry.path, pattern))):
                    named_wheels.add(entry.path.rsplit("/", 1)[-1].removesuffix(".whl"))
        dists.extend(sorted(named_wheels - {normal_package(d) for d in dists}))
        version = stage.python_version()
        pip_file = stage.which(argv[0] if argv and argv[0].startswith("/") else "pip", env)
        venv = None
        if argv and argv[0].startswith("/") and "/bin/" in argv[0]:
            venv = argv[0].rsplit("/bin/", 1)[0]
            if venv in ("/usr/local", "/usr"):
                venv = None
        elif pip_file is not None and pip_file.path.rsplit("/bin/", 1)[0] not in (
                "/usr/local", "/usr"):
            venv = pip_file.path.rsplit("/bin/", 1)[0]
        if venv:
            venv_python = stage.files.get(f"{venv}/bin/python")
            version = (venv_python.python if venv_python else None) or version
        wheels = {f.path.rsplit("/", 1)[-1].removesuffix(".whl") for f in stage.files.values()
                  if f.kind == "wheel" and any(f.path.startswith(normal(d, stage.workdir))
                                               for d in find_links)} | named_wheels
        # A folder of wheels built from requirements the model cannot read may hold any wheel.
        unknown_wheels = any(stage.in_unknown_dir(normal(d, stage.workdir)) for d in find_links)
        for dist in dists:
            name = normal_package(dist)
            from_wheel = name in wheels or unknown_wheels
            built_for = next((f.python for f in stage.files.values() if f.kind == "wheel"
                              and f.path.rsplit("/", 1)[-1] == f"{name}.whl"), None)
            if from_wheel and name in images.NEEDS_LIBRARY and built_for and (
                    built_for != version):
                raise BuildFailure(ins.line, stage, (
                    f"the {dist} wheel was built for Python {built_for}, and this stage has "
                    f"Python {version}: ERROR: {name}-...-cp{built_for.replace('.', '')}-...whl "
                    "is not a supported wheel on this platform"))
            if no_index and not from_wheel:
                raise BuildFailure(ins.line, stage, (
                    f"--no-index: there is no wheel for {dist} in "
                    f"{', '.join(find_links) or 'any --find-links folder'}"))
            if action == "wheel" or not from_wheel:
                compiled = dist in images.NEEDS_COMPILER or name == "psycopg2"
                needs = compiled and not dist.endswith("-binary")
                if needs and not (stage.has_program("gcc") and stage.has_program("pg_config")
                                  if name.startswith("psycopg") else stage.has_program("gcc")):
                    raise BuildFailure(ins.line, stage, (
                        f"{dist} has no ready-made wheel here and is compiled from source: "
                        "it needs a C compiler and the database client headers (gcc, "
                        "pg_config) in this stage"))
        if action == "wheel":
            folder = normal(wheel_dir or ".", stage.workdir)
            stage.add(File(folder, stage.user, ins.line, "dir"))
            if unknown_requirements:
                stage.unknown_dirs.add(folder)
            for dist in dists:
                stage.add(File(f"{folder}/{normal_package(dist)}.whl", stage.user, ins.line,
                               "wheel", version,
                               content=LINKS_LIBRARY if links_library(dist) else None))
            return True
        user = stage.user.split(":", 1)[0]
        if target:
            site, bin_dir = normal(target, stage.workdir), normal(target, stage.workdir) + "/bin"
        elif prefix:
            base = normal(prefix, stage.workdir)
            site, bin_dir = f"{base}/lib/python{version}/site-packages", f"{base}/bin"
        elif venv:
            site, bin_dir = f"{venv}/lib/python{version}/site-packages", f"{venv}/bin"
        elif user_install or user not in ("root", "0"):
            # pip falls back to a user install when site-packages is not writable.
            home = env.get("HOME") or stage.home_of()
            site = f"{home}/.local/lib/python{version}/site-packages"
            bin_dir = f"{home}/.local/bin"
        else:
            site, bin_dir = f"/usr/local/lib/python{version}/site-packages", "/usr/local/bin"
        if target or prefix:
            stage.add(File(normal(target or prefix or "", stage.workdir), user, ins.line, "dir"))
        wheel_files = {f.path.rsplit("/", 1)[-1].removesuffix(".whl"): f
                       for f in stage.files.values() if f.kind == "wheel"}
        for dist in dists:
            name = normal_package(dist)
            # A wheel keeps what the requirement it was built from needs at run time.
            wheel = wheel_files.get(name) if name in wheels else None
            needs = (wheel.content == LINKS_LIBRARY) if wheel is not None else links_library(dist)
            stage.add(File(f"{site}/{name}", user, ins.line, "package", version,
                           content=LINKS_LIBRARY if needs else "wheel"))
            for script in images.PYTHON_SCRIPTS.get(name, ()):
                stage.add(File(f"{bin_dir}/{script}", user, ins.line, "script", version))
        if dists:
            self.trace.add(f"line {ins.line}: pip installs {', '.join(dists)} into {site}")
        return True


    def pip_config(self, stage: Stage, args: list[str], env: dict[str, str],
                   ins: df_parser.Instruction) -> bool:
        """`pip config [--global|--site|--user] set section.key value` writes a pip.conf."""
        rest = [a for a in args if not a.startswith("-")]
        if len(rest) < 4 or rest[1] != "set":
            return True
        section, _, key = rest[2].partition(".")
        if "--global" in args:
            path = "/etc/xdg/pip/pip.conf"
        elif "--site" in args:
            path = "/usr/local/pip.conf"
        else:
            path = f"{env.get('HOME') or stage.home_of()}/.config/pip/pip.conf"
        old = stage.files.get(path)
        text = (old.content or "") if old is not None else ""
        stage.add(File(path, stage.user.split(":", 1)[0], ins.line, "file",
                       content=f"{text}[{section}]\n{key} = {rest[3]}\n"))
        self.trace.add(f"line {ins.line}: pip config writes {rest[2]} into {path}")
        return True


class BuildFailure(Exception):
    """A step that stops the build."""

    def __init__(self, line: int, stage: Stage, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.stage = stage
        self.reason = reason


def copy_stage(parent: Stage, index: int, name: str | None, line: int) -> Stage:
    """A new stage that starts from an earlier one (FROM build AS app)."""
    return Stage(
        index, name, parent.base, line, env=dict(parent.env), args={}, user=parent.user,
        workdir=parent.workdir, users=dict(parent.users), programs=set(parent.programs),
        libraries=set(parent.libraries),
        files={p: File(f.path, f.owner, f.line, f.kind, f.python, f.secret, f.content)
               for p, f in parent.files.items()},
        history=list(parent.history), layer_secrets=list(parent.layer_secrets),
        apt_lists=parent.apt_lists, volumes=list(parent.volumes), exposes=list(parent.exposes),
        healthcheck=parent.healthcheck, stop_signal=parent.stop_signal, opaque=parent.opaque,
        unknown_dirs=set(parent.unknown_dirs), layer_programs=set(parent.layer_programs),
    )


def build(text: str, context: dict[str, str] | None = None,
          build_args: dict[str, str] | None = None,
          secrets: dict[str, str] | None = None) -> Image:
    """Build a Dockerfile in the model; DeployError if it cannot even be read."""
    try:
        parsed = df_parser.parse(text)
    except df_parser.DockerfileError as exc:
        raise DeployError(exc.message, exc.line, "Dockerfile") from None
    if not parsed.stages:
        raise DeployError("there is no FROM line, so there is no image", 1, "Dockerfile")
    builder = Builder(parsed, dict(context or {}), dict(build_args or {}), dict(secrets or {}))
    return builder.build()
