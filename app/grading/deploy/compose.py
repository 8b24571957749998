"""Compose up, redeploy and down in the model.

    project = load(text, env={"POSTGRES_PASSWORD": "s3cret"}, dotenv=".env text or None")
    up = project.up(builds={"web": image})      # a Stack, or DeployError if compose refuses
    up.redeploy()                               # Outcome: does every database keep its data?
    up.down(volumes=False)
    up.connect("web", "postgresql://app:pw@db:5432/app")   # Outcome with the trace
    up.healthy("db")

Interpolation follows the Compose specification: `$$` is a literal `$`; `${VAR:-x}` and
`${VAR-x}` give defaults (the first also for an empty value); `${VAR:?msg}` and `${VAR?msg}`
stop the deploy (the first also for an empty value); values come from the environment first,
then the `.env` file. YAML aliases are expanded with a budget, so a "billion laughs" file is
refused at once instead of hanging the grader.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from . import images
from .run import OFFLINE_FLAGS
from .run import Container
from .run import Listener
from .shell import words
from .trace import DeployError
from .trace import Outcome
from .trace import Trace

MAX_ALIAS_NODES = 20_000
INTERPOLATION_RE = re.compile(
    r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+])((?:[^{}]|\{[^{}]*\})*))?\}"
    r"|\$([A-Za-z_][A-Za-z0-9_]*)"
)


# -- YAML with an alias budget ---------------------------------------------------------------
def alias_budget(text: str, limit: int = MAX_ALIAS_NODES) -> None:
    """Refuse YAML whose aliases would expand to more than `limit` nodes (billion laughs)."""
    from ruamel.yaml.events import AliasEvent
    from ruamel.yaml.events import CollectionEndEvent
    from ruamel.yaml.events import CollectionStartEvent
    from ruamel.yaml.events import ScalarEvent

    sizes: dict[str, int] = {}
    open_anchors: list[tuple[str | None, int]] = []
    total = 0
    try:
        for event in YAML(typ="safe", pure=True).parse(text):
            if isinstance(event, AliasEvent):
                size = sizes.get(event.anchor, 1)
                for i in range(len(open_anchors)):
                    name, count = open_anchors[i]
                    open_anchors[i] = (name, count + size)
                total += size
            elif isinstance(event, ScalarEvent):
                for i in range(len(open_anchors)):
                    name, count = open_anchors[i]
                    open_anchors[i] = (name, count + 1)
                if event.anchor:
                    sizes[event.anchor] = 1
                total += 1
            elif isinstance(event, CollectionStartEvent):
                open_anchors.append((event.anchor, 1))
                total += 1
            elif isinstance(event, CollectionEndEvent) and open_anchors:
                name, count = open_anchors.pop()
                if name:
                    sizes[name] = count
                if open_anchors:
                    parent, parent_count = open_anchors[-1]
                    open_anchors[-1] = (parent, parent_count + count)
            if total > limit:
                line = event.start_mark.line + 1 if event.start_mark else 1
                raise DeployError(
                    f"YAML aliases expand to more than {limit} values (a 'billion laughs' "
                    "file?); compose files do not need that many", line, "compose.yaml")
    except YAMLError:
        return  # not YAML at all: the loader that follows says where and why


def read_yaml(text: str, source: str = "compose.yaml") -> Any:
    """The first YAML document, aliases budgeted; DeployError if unreadable."""
    alias_budget(text)
    yaml = YAML(typ="rt", pure=True)
    yaml.allow_duplicate_keys = False
    try:
        docs = [d for d in yaml.load_all(text) if d is not None]
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DeployError(f"not valid YAML: {getattr(exc, 'problem', exc)}",
                          mark.line + 1 if mark else 1, source) from None
    if not docs or not isinstance(docs[0], Mapping):
        raise DeployError("the file must be a YAML mapping", 1, source)
    return docs[0]


def line_of(node: Any, key: Any) -> int:
    """1-based line of a key in a ruamel mapping (0 when unknown)."""
    try:
        return node.lc.key(key)[0] + 1
    except Exception:  # noqa: BLE001 - plain dicts have no positions
        return 0


# -- interpolation -----------------------------------------------------------------------------
def parse_dotenv(text: str | None) -> dict[str, str]:
    """KEY=value lines of a .env file (quotes removed, comments skipped)."""
    values: dict[str, str] = {}
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        values[key.strip()] = value
    return values


def interpolate(text: str, env: Mapping[str, str], where: str, trace: Trace | None = None,
                missing: list[str] | None = None) -> str:
    """Compose interpolation of one string; DeployError for a `?` variable that is missing."""

    def sub(match: re.Match[str]) -> str:
        whole = match.group(0)
        if whole == "$$":
            return "$"
        name = match.group(1) or match.group(5)
        colon, op, word = match.group(2), match.group(3), match.group(4) or ""
        value = env.get(name)
        absent = value is None or (colon == ":" and value == "")
        if op == "-":
            return interpolate(word, env, where, trace, missing) if absent else str(value)
        if op == "+":
            return "" if absent else interpolate(word, env, where, trace, missing)
        if op == "?" and absent:
            state = "not set" if value is None else "empty"
            raise DeployError(f"{where}: required variable {name} is {state}: "
                              f"{word or 'missing'}", 0, "compose.yaml")
        if value is None:
            if missing is not None:
                missing.append(name)
            if trace is not None:
                trace.add(f"{where}: {name} is not set; compose uses an empty string")
            return ""
        return str(value)

    return INTERPOLATION_RE.sub(sub, text)


def interpolate_tree(node: Any, env: Mapping[str, str], path: str, trace: Trace,
                     missing: list[str]) -> Any:
    """Interpolate every string value of the document (keys stay as written)."""
    if isinstance(node, str):
        return interpolate(node, env, path, trace, missing)
    if isinstance(node, Mapping):
        for key in list(node.keys()):
            node[key] = interpolate_tree(node[key], env, f"{path}.{key}" if path else str(key),
                                         trace, missing)
        return node
    if isinstance(node, list):
        for i, item in enumerate(node):
            node[i] = interpolate_tree(item, env, f"{path}[{i}]", trace, missing)
        return node
    return node


# -- services --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Mount:
    """A volume, bind mount or tmpfs in a service."""

    kind: str  # "volume" (named), "anonymous", "bind", "tmpfs", "image-volume"
    source: str
    target: str
    read_only: bool = False
    line: int = 0

    def describe(self) -> str:
        if self.kind == "volume":
            return f"named volume '{self.source}' at {self.target}"
        if self.kind == "bind":
            return f"bind mount {self.source} at {self.target}"
        if self.kind == "tmpfs":
            return f"tmpfs (memory) at {self.target}"
        if self.kind == "image-volume":
            return (f"anonymous volume the image declares (VOLUME {self.target}), made "
                    "because nothing is mounted exactly there")
        return f"anonymous volume at {self.target}"


@dataclass
class Service:
    """One service of the project, interpolated."""

    name: str
    spec: Mapping[str, Any]
    line: int
    environment: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    mounts: list[Mount] = field(default_factory=list)
    networks: list[str] = field(default_factory=list)
    aliases: set[str] = field(default_factory=set)
    depends_on: dict[str, str] = field(default_factory=dict)
    ports: list[tuple[str, str, str]] = field(default_factory=list)  # (host ip, host, target)
    expose: list[str] = field(default_factory=list)

    @property
    def image_ref(self) -> str:
        return str(self.spec.get("image") or "")

    def healthcheck(self) -> tuple[list[str] | None, str | None, bool]:
        """(argv, None) for CMD, (None, script) for CMD-SHELL/string; disabled flag."""
        check = self.spec.get("healthcheck")
        if not isinstance(check, Mapping):
            return None, None, False
        if check.get("disable") in (True, "true"):
            return None, None, True
        test = check.get("test")
        if isinstance(test, str):
            return None, test, False
        if isinstance(test, list) and test:
            head = str(test[0])
            if head == "NONE":
                return None, None, True
            if head == "CMD":
                return [str(t) for t in test[1:]], None, False
            if head == "CMD-SHELL":
                return None, " ".join(str(t) for t in test[1:]), False
            return [str(t) for t in test], None, False
        return None, None, False


def as_mapping(value: Any, where: str) -> dict[str, str]:
    """environment/labels in list ('K=V') or mapping form -> dict."""
    found: dict[str, str] = {}
    if isinstance(value, Mapping):
        for key, item in value.items():
            found[str(key)] = "" if item is None else (
                str(item).lower() if isinstance(item, bool) else str(item))
    elif isinstance(value, list):
        for item in value:
            key, eq, rest = str(item).partition("=")
            found[key.strip()] = rest if eq else "\0unset"
    elif value is not None:
        raise DeployError(f"{where} must be a list or a mapping", 0, "compose.yaml")
    return found


def parse_mounts(service: Service, declared: Mapping[str, Any]) -> list[Mount]:
    """The service's volumes: and tmpfs: entries."""
    mounts: list[Mount] = []
    spec = service.spec
    for i, item in enumerate(spec.get("volumes") or []):
        line = getattr(spec.get("volumes"), "lc", None)
        line_no = line.item(i)[0] + 1 if line is not None else service.line
        if isinstance(item, Mapping):
            kind = str(item.get("type", "volume"))
            source = str(item.get("source") or "")
            target = str(item.get("target") or "")
            read_only = bool(item.get("read_only"))
            if kind == "volume" and not source:
                kind = "anonymous"
        else:
            parts = str(item).split(":")
            if len(parts) == 1:
                kind, source, target, read_only = "anonymous", "", parts[0], False
            else:
                source, target = parts[0], parts[1]
                options = parts[2].split(",") if len(parts) > 2 else []
                read_only = "ro" in options
                kind = "bind" if source.startswith((".", "/", "~", "$")) else "volume"
        if kind == "volume" and source not in declared:
            raise DeployError(
                f"service '{service.name}' uses volume '{source}', which is not declared "
                "under the top-level volumes: (compose refuses: undefined volume)", line_no,
                "compose.yaml")
        mounts.append(Mount(kind, source, target.rstrip("/") or "/", read_only, line_no))
    tmpfs = spec.get("tmpfs")
    for path in ([tmpfs] if isinstance(tmpfs, str) else tmpfs or []):
        mounts.append(Mount("tmpfs", "", str(path).split(":")[0].rstrip("/"), False,
                            line_of(spec, "tmpfs")))
    return mounts


def parse_ports(service: Service) -> list[tuple[str, str, str]]:
    """ports: entries as (host ip, published, target)."""
    found = []
    for item in service.spec.get("ports") or []:
        if isinstance(item, Mapping):
            found.append((str(item.get("host_ip", "")), str(item.get("published", "")),
                          str(item.get("target", ""))))
            continue
        text = str(item).split("/", 1)[0]
        ip = ""
        if text.startswith("["):
            ip, _, text = text[1:].partition("]:")
        elif text.count(":") == 2:
            ip, _, text = text.partition(":")
        published, _, target = text.rpartition(":")
        found.append((ip, published, target))
    return found


class Project:
    """A compose file read and interpolated."""

    def __init__(self, text: str, env: Mapping[str, str] | None = None,
                 dotenv: str | None = None, coolify: bool = False) -> None:
        self.trace = Trace()
        self.doc = read_yaml(text)
        values = {**parse_dotenv(dotenv), **(env or {})}
        self.env = values
        self.missing: list[str] = []
        interpolate_tree(self.doc, values, "", self.trace, self.missing)
        services = self.doc.get("services")
        if not isinstance(services, Mapping) or not services:
            raise DeployError("there is no services: section", 1, "compose.yaml")
        self.volumes = self.doc.get("volumes") or {}
        if not isinstance(self.volumes, Mapping):
            raise DeployError("top-level volumes: must be a mapping", line_of(self.doc,
                                                                              "volumes"))
        if coolify:  # Coolify declares the named volumes of its compose files itself
            self.volumes = {**{name: {} for name in named_sources(services)}, **self.volumes}
        self.networks = self.doc.get("networks") or {}
        self.services: dict[str, Service] = {}
        for name, spec in services.items():
            if not isinstance(spec, Mapping):
                raise DeployError(f"service '{name}' must be a mapping",
                                  line_of(services, name), "compose.yaml")
            service = Service(str(name), spec, line_of(services, name))
            env_values = as_mapping(spec.get("environment"), f"services.{name}.environment")
            service.environment = {k: (values.get(k, "") if v == "\0unset" else v)
                                   for k, v in env_values.items()}
            service.labels = as_mapping(spec.get("labels"), f"services.{name}.labels")
            service.mounts = parse_mounts(service, self.volumes)
            nets = spec.get("networks")
            if isinstance(nets, Mapping):
                service.networks = [str(n) for n in nets]
                for conf in nets.values():
                    if isinstance(conf, Mapping):
                        service.aliases |= {str(a) for a in conf.get("aliases") or []}
            elif isinstance(nets, list):
                service.networks = [str(n) for n in nets]
            else:
                service.networks = ["default"]
            if spec.get("network_mode"):
                service.networks = [f"mode:{spec.get('network_mode')}"]
            if spec.get("container_name"):
                service.aliases.add(str(spec["container_name"]))
            deps = spec.get("depends_on") or {}
            if isinstance(deps, list):
                service.depends_on = {str(d): "service_started" for d in deps}
            elif isinstance(deps, Mapping):
                service.depends_on = {
                    str(d): str((c or {}).get("condition", "service_started"))
                    if isinstance(c, Mapping) else "service_started" for d, c in deps.items()}
            service.ports = parse_ports(service)
            service.expose = [str(e).split("/")[0] for e in spec.get("expose") or []]
            self.services[service.name] = service
        for service in self.services.values():
            for dep in service.depends_on:
                if dep not in self.services:
                    raise DeployError(f"service '{service.name}' depends on '{dep}', which "
                                      "is not a service here", service.line, "compose.yaml")

    def up(self, builds: Mapping[str, Any] | None = None,
           extra_env: Mapping[str, Mapping[str, str]] | None = None) -> Stack:
        """Start every service; DeployError when compose itself refuses."""
        return Stack(self, dict(builds or {}), dict(extra_env or {}))


class ServiceContainer:
    """A running service: a modelled container of a built image, or a known official image."""

    def __init__(self, service: Service, image: Any, env: dict[str, str]) -> None:
        self.service = service
        self.image = image
        self.facts = images.lookup(service.image_ref) if image is None else image.final.base
        self.container: Container | None = None
        if image is not None:
            command = service.spec.get("command")
            entry = service.spec.get("entrypoint")
            self.container = Container(
                image, env,
                command=command if isinstance(command, list) else (
                    ["/bin/sh", "-c", command] if isinstance(command, str) else None),
                entrypoint=entry if isinstance(entry, list) else (
                    ["/bin/sh", "-c", entry] if isinstance(entry, str) else None))
        self.env = {**self.facts.env, **env}

    @property
    def volumes_declared(self) -> list[str]:
        if self.image is not None:
            return list(self.image.final.volumes)
        return list(self.facts.volumes)

    def exposed_ports(self) -> list[int]:
        found = {int(p) for p in self.service.expose if p.isdigit()}
        found |= {int(t) for _, _, t in self.service.ports if t.isdigit()}
        if self.image is not None:
            found |= {int(p) for p in self.image.final.exposes if p.isdigit()}
        else:
            found |= set(self.facts.exposes)
        return sorted(found)

    def listener(self) -> Listener | None:
        if self.container is not None:
            return self.container.listener
        if self.facts.exposes:
            return Listener(self.facts.database or self.facts.ref, "0.0.0.0",
                            self.facts.exposes[0])
        return None

    def data_dir(self) -> str | None:
        if self.facts.database is None:
            return None
        if self.facts.database == "PostgreSQL" and self.env.get("PGDATA"):
            return self.env["PGDATA"].rstrip("/")
        # A server option that moves the data: redis-server --dir, mysqld --datadir.
        option = {"Redis": "--dir", "Valkey": "--dir", "MySQL": "--datadir",
                  "MariaDB": "--datadir", "MongoDB": "--dbpath"}.get(self.facts.database)
        command = self.service.spec.get("command")
        argv = words(command) if isinstance(command, str) else [str(a) for a in command or []]
        for i, word in enumerate(argv):
            if option and word == option and i + 1 < len(argv):
                return argv[i + 1].rstrip("/") or "/"
            if option and word.startswith(option + "="):
                return word.split("=", 1)[1].rstrip("/") or "/"
        return self.facts.data_dir

    def server_argv(self) -> list[str]:
        """The words of `command:` that reach the database server (a `sh -c` script unpacked)."""
        command = self.service.spec.get("command")
        argv = words(command) if isinstance(command, str) else [str(a) for a in command or []]
        if len(argv) >= 3 and argv[0].rsplit("/", 1)[-1] in ("sh", "bash") and argv[1] == "-c":
            argv = words(argv[2])
        return argv

    def persistence_off(self) -> str | None:
        """Why Redis/Valkey writes nothing to disk (None when it does).

        The official images start with RDB snapshots on (default save points) and AOF off;
        `--save ""` removes every save point and `--appendonly no` keeps AOF off, and with
        neither nothing is written, not even at shutdown.
        """
        if self.facts.database not in ("Redis", "Valkey"):
            return None
        argv = self.server_argv()
        save: list[str] | None = None
        appendonly = "no"
        for i, word in enumerate(argv):
            name, eq, inline = word.partition("=")
            if name == "--save":
                rest = [inline] if eq else []
                for value in argv[i + 1:] if not eq else []:
                    if value.startswith("--"):
                        break
                    rest.append(value)
                save = rest
            elif name == "--appendonly":
                value = inline if eq else (argv[i + 1] if i + 1 < len(argv) else "")
                appendonly = value.strip().lower()
        snapshots_off = save is not None and not any(v.strip() for v in save)
        if snapshots_off and appendonly != "yes":
            return ("--save \"\" removes every RDB save point and the append-only file is off"
                    + (" (--appendonly no)" if "--appendonly" in " ".join(argv) else
                       " (the default)"))
        return None

    def effective_mounts(self) -> list[Mount]:
        mounts = list(self.service.mounts)
        targets = {m.target for m in mounts}
        for path in self.volumes_declared:
            if path.rstrip("/") not in targets:
                mounts.append(Mount("image-volume", "", path.rstrip("/")))
        return mounts

    def data_mount(self) -> Mount | None:
        """The mount that holds the database's files (the deepest one above the data dir)."""
        data = self.data_dir()
        if data is None:
            return None
        best = None
        for mount in self.effective_mounts():
            if data == mount.target or data.startswith(mount.target.rstrip("/") + "/"):
                if best is None or len(mount.target) > len(best.target):
                    best = mount
        return best


class Stack:
    """A compose project that is up."""

    def __init__(self, project: Project, builds: dict[str, Any],
                 extra_env: dict[str, Mapping[str, str]]) -> None:
        self.project = project
        self.trace = Trace()
        self.trace.extend(project.trace)
        self.containers: dict[str, ServiceContainer] = {}
        self.volume_data: dict[str, bool] = {}
        for name in self.start_order():
            service = project.services[name]
            env = {**service.environment, **extra_env.get(name, {})}
            image = builds.get(name)
            self.containers[name] = ServiceContainer(service, image, env)
            self.trace.add(f"service {name}: container started from "
                           f"{service.image_ref or 'the built image'}")
            for dep, condition in service.depends_on.items():
                if condition == "service_healthy":
                    check = project.services[dep].healthcheck()
                    if check[0] is None and check[1] is None and (
                            self.containers[dep].image is None or
                            self.containers[dep].image.final.healthcheck is None):
                        raise DeployError(
                            f"service '{name}' waits for '{dep}' to be healthy, but '{dep}' "
                            "has no healthcheck: compose stops with 'dependency failed to "
                            "start'", service.line, "compose.yaml")
        for name, holder in self.containers.items():
            mount = holder.data_mount()
            if mount is not None:
                self.volume_data[self.mount_key(name, mount)] = True

    def start_order(self) -> list[str]:
        order: list[str] = []
        seen: set[str] = set()

        def visit(name: str, path: tuple[str, ...]) -> None:
            if name in path:
                raise DeployError(f"depends_on forms a cycle: {' -> '.join(path + (name,))}",
                                  self.project.services[name].line, "compose.yaml")
            if name in seen:
                return
            for dep in self.project.services[name].depends_on:
                visit(dep, path + (name,))
            seen.add(name)
            order.append(name)

        for name in self.project.services:
            visit(name, ())
        return order

    @staticmethod
    def mount_key(service: str, mount: Mount) -> str:
        if mount.kind == "volume":
            return f"volume:{mount.source}"
        if mount.kind == "bind":
            return f"bind:{mount.source}"
        return f"{mount.kind}:{service}:{mount.target}"

    # -- questions ----------------------------------------------------------------------
    def databases(self) -> list[str]:
        return [n for n, c in self.containers.items() if c.facts.database]

    def data_survives(self, service: str, action: str = "redeploy") -> Outcome:
        """Does the database in `service` find its data after `action`?

        Actions: "restart" (same container), "redeploy" (new containers, as Coolify's
        deploy does), "down" (docker compose down, then up), "down -v".
        """
        holder = self.containers[service]
        trace = Trace()
        data = holder.data_dir()
        name = holder.facts.database
        if data is None:
            return Outcome(True, f"{service} keeps no database files", trace)
        trace.add(f"{name} in '{service}' ({holder.service.image_ref}) keeps its files in "
                  f"{data}")
        off = holder.persistence_off()
        if off is not None:
            trace.add(f"line {line_of(holder.service.spec, 'command') or holder.service.line}: "
                      f"{off}")
            return Outcome(False, f"{name} keeps everything in memory only and never writes to "
                                  f"{data}: after a {action} it starts empty, whatever volume "
                                  "is mounted there", trace)
        mount = holder.data_mount()
        old_folder = next((m for m in holder.service.mounts
                           if m.target == "/var/lib/postgresql/data"), None)
        if name == "PostgreSQL" and re.fullmatch(r"/var/lib/postgresql/\d+/docker", data) and \
                old_folder is not None and not holder.env.get("PGDATA", "").startswith(
                    "/var/lib/postgresql/data"):
            trace.add(f"line {old_folder.line}: {old_folder.describe()} is where PostgreSQL 17 "
                      "and older kept their data")
            declared = holder.volumes_declared[0] if holder.volumes_declared else data
            return Outcome(False, f"from PostgreSQL 18 the image keeps its data in {data}, under "
                                  f"its own VOLUME {declared} (an anonymous volume here), and "
                                  "refuses to start with a volume at /var/lib/postgresql/data",
                           trace)
        if mount is not None and mount.read_only:
            trace.add(f"line {mount.line}: {mount.describe()} is read-only")
            return Outcome(False, f"{name} cannot write {data}: the mount at {mount.target} is "
                                  "read-only, so it cannot even create its files and stops",
                           trace)
        if mount is None:
            trace.add(f"nothing is mounted above {data}: the files live in the container's "
                      "own writable layer")
            lost_on = ("redeploy", "down", "down -v")
            kept = action not in lost_on
            return Outcome(kept, f"the data is in the container and is deleted with it "
                                 f"({action} removes the container)" if not kept else
                           "the same container keeps its files", trace)
        trace.add(f"{data} is on the {mount.describe()}")
        if mount.kind == "tmpfs":
            return Outcome(False, f"{data} is on a tmpfs, in memory: every stop empties it",
                           trace)
        if mount.kind in ("anonymous", "image-volume"):
            above = [m for m in holder.service.mounts if m.kind in ("volume", "bind") and
                     mount.target.startswith(m.target.rstrip("/") + "/")]
            if mount.kind == "image-volume" and above:
                trace.add(f"line {above[0].line}: {above[0].describe()} is one level higher "
                          f"than {mount.target}, the image's own VOLUME, which gets a separate "
                          "anonymous volume on top of it")
            if action == "restart":
                return Outcome(True, "a restart keeps the same container and its volumes",
                               trace)
            trace.add(f"{action}: a new container is created; Docker gives it a new, empty "
                      "anonymous volume (anonymous volumes are not reused across container "
                      "re-creations)")
            return Outcome(False, f"the data was in an anonymous volume at {mount.target}; "
                                  f"after a {action} the database starts empty", trace)
        if mount.kind == "volume":
            if action == "down -v":
                trace.add("down -v removes the named volumes too")
                return Outcome(False, "docker compose down -v deletes named volumes", trace)
            trace.add(f"the named volume '{mount.source}' outlives the container and is "
                      "mounted again into the new one")
            return Outcome(True, f"the data is kept in the named volume '{mount.source}'",
                           trace)
        trace.add(f"the host folder {mount.source} outlives every container")
        return Outcome(True, f"the data is kept in {mount.source} on the host", trace)

    def redeploy(self) -> Outcome:
        """Does every database keep its data across a redeploy (new containers)?"""
        trace = Trace()
        for name in self.databases():
            result = self.data_survives(name, "redeploy")
            trace.extend(result.trace)
            if not result.ok:
                return Outcome(False, f"after a redeploy, '{name}' has lost its data: "
                                      f"{result.reason}", trace)
        return Outcome(True, "every database finds its data after a redeploy", trace)

    def down(self, volumes: bool = False) -> Outcome:
        """`docker compose down` (`-v` with volumes=True), then up: is the data still there?"""
        trace = Trace()
        action = "down -v" if volumes else "down"
        for name in self.databases():
            result = self.data_survives(name, action)
            trace.extend(result.trace)
            if not result.ok:
                return Outcome(False, f"after {action} and up, '{name}' has lost its data: "
                                      f"{result.reason}", trace)
        return Outcome(True, f"every database keeps its data across {action}", trace)

    def resolve(self, from_service: str, host: str) -> tuple[str | None, str]:
        """Which service a host name reaches from a service (and the DNS explanation)."""
        origin = self.project.services[from_service]
        if host in ("localhost", "127.0.0.1", "::1", "0.0.0.0"):
            return from_service, (f"'{host}' inside '{from_service}' is that container itself, "
                                  "not another service")
        for name, service in self.project.services.items():
            if host == name or host in service.aliases:
                shared = set(origin.networks) & set(service.networks)
                if not shared:
                    return None, (f"'{host}' is service '{name}', but it shares no network "
                                  f"with '{from_service}' ({origin.networks} vs "
                                  f"{service.networks}), so the name does not resolve")
                return name, f"'{host}' resolves on the '{sorted(shared)[0]}' network to '{name}'"
        return None, (f"no service, alias or container_name is called '{host}': the name does "
                      "not resolve (Name or service not known)")

    def connect(self, from_service: str, url: str) -> Outcome:
        """Can `from_service` open this URL (a database URL or http://service:port/)?"""
        import urllib.parse

        trace = Trace()
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or ""
        try:
            port = parts.port
        except ValueError:
            return Outcome(False, f"the port in {url} is not a number", trace)
        target, why = self.resolve(from_service, host)
        trace.add(why)
        if target is None:
            return Outcome(False, f"{host} does not resolve from '{from_service}'", trace)
        holder = self.containers[target]
        listener = holder.listener()
        defaults = {"postgresql": 5432, "postgres": 5432, "mysql": 3306, "redis": 6379,
                    "mongodb": 27017, "http": 80, "https": 443}
        port = port or defaults.get(parts.scheme.split("+")[0], 0)
        if listener is None or listener.port != port:
            trace.add(f"nothing listens on port {port} in '{target}'"
                      + (f" ({listener.text()})" if listener else ""))
            return Outcome(False, f"connection to {host}:{port} refused", trace)
        if target == from_service and holder.facts.database is None and host in (
                "localhost", "127.0.0.1"):
            pass
        if holder.facts.database == "PostgreSQL":
            user = self.env_of(target).get("POSTGRES_USER", "postgres")
            password = self.env_of(target).get("POSTGRES_PASSWORD", "")
            db = self.env_of(target).get("POSTGRES_DB", user)
            if not password:
                trace.add(f"'{target}' has no POSTGRES_PASSWORD: the postgres image refuses to "
                          "initialise the database and exits")
                return Outcome(False, "the database container does not start", trace)
            if parts.username and parts.username != user:
                return Outcome(False, f"user {parts.username} does not exist (the database "
                                      f"was created for {user})", trace)
            if parts.password is not None and parts.password != password:
                return Outcome(False, "password authentication failed: the password in the "
                                      "URL is not POSTGRES_PASSWORD of the database", trace)
            wanted = parts.path.lstrip("/")
            if wanted and wanted != db:
                return Outcome(False, f"database \"{wanted}\" does not exist (it is {db})",
                               trace)
        trace.add(f"connected to {listener.text()} in '{target}'")
        return Outcome(True, f"'{from_service}' reaches '{target}' at {host}:{port}", trace)

    def env_of(self, service: str) -> dict[str, str]:
        return self.containers[service].env

    def healthy(self, service: str) -> Outcome:
        """Run the service's health check (compose's, else the image's) in the model."""
        holder = self.containers[service]
        argv, script, disabled = holder.service.healthcheck()
        trace = Trace()
        if disabled:
            return Outcome(False, f"'{service}' has its health check disabled", trace)
        if holder.container is not None:
            if argv is None and script is None:
                return holder.container.health()
            return holder.container.health(argv, script, holder.service.line)
        if argv is None and script is None:
            return Outcome(False, f"'{service}' has no healthcheck", trace)
        from .shell import expand
        from .shell import program_of
        from .shell import split_script
        from .shell import words

        parts = [] if argv is not None else split_script(script or "")
        commands = [("", argv)] if argv is not None else [
            (op, [expand(w, holder.env, unset="") for w in words(c)]) for op, c in parts]
        texts = [None] if argv is not None else [c for _, c in parts]
        for text in texts:
            for inner in SUBSTITUTION_RE.findall(text or ""):
                program, _ = program_of([expand(w, holder.env, unset="")
                                         for w in words(inner[0] or inner[1])])
                if program in PROBES and program not in holder.facts.programs:
                    trace.add(f"{program} is not in {holder.facts.ref}")
                    return Outcome(False, f"the health check of '{service}' runs {program}, "
                                          "which the image does not include", trace)
        for _, command in commands:
            if argv is not None and command and " " in command[0]:
                trace.add(f"CMD runs the program '{command[0]}' (the whole text, spaces and "
                          "all), which does not exist")
                return Outcome(False, f"the health check of '{service}' cannot run: exec "
                                      f"'{command[0]}': not found", trace)
            program, _ = program_of(command)
            if program and program not in holder.facts.programs and program not in (
                    "exit", "true", "false", "test", "[", ":"):
                trace.add(f"{program} is not in {holder.facts.ref}")
                return Outcome(False, f"the health check of '{service}' runs {program}, which "
                                      f"the image does not include", trace)

        check = holder.service.spec.get("healthcheck")
        test_line = (line_of(check, "test") if isinstance(check, Mapping) else 0) or \
            holder.service.line
        offline_probes: list[str] = []
        for _, command in commands:
            program, rest = program_of(command)
            if rest and rest[-1] in VALUE_OPTIONS.get(program, frozenset()):
                # `pg_isready -U $POSTGRES_USER`: Compose filled in an empty value, the shell
                # drops the empty word, and the option has nothing left to take.
                for note in self.project.trace.steps:
                    if note.startswith(f"services.{service}.healthcheck"):
                        # Compose interpolates the test where it runs, not in the container.
                        trace.add(f"line {test_line}: {note.split(': ', 1)[-1]} (Compose "
                                  "fills in the healthcheck from where it runs, not from the "
                                  "container)")
                trace.add(f"line {test_line}: {program} {rest[-1]} is the last word: the "
                          "option is given no value, so the client stops with a usage error "
                          "and exits non-zero without asking the database")
                return Outcome(False, f"line {test_line}: the health check of '{service}' "
                                      "fails even when the database is up", trace)

        def run_all(up: bool) -> bool:
            last = True
            for (op, command), text in zip(commands, texts, strict=True):
                if op == "&&" and not last or op == "||" and last:
                    continue
                program, rest = program_of(command)
                if program in ("[", "test") and text is not None:
                    verdict = shell_test(text, holder.env, up)
                    last = True if verdict is None else verdict
                    continue
                if op == "|" and program in ("grep", "egrep", "fgrep"):
                    continue  # filters the probe's answer: the pipeline fails with the probe
                if program in PROBES:
                    # --version or --help answers without asking the database.
                    offline = OFFLINE_FLAGS.get(program, frozenset()).intersection(rest)
                    if offline and not up:
                        offline_probes.append(f"{program} {sorted(offline)[0]}")
                    last = up or bool(offline)
                elif program == "exit":
                    last = (rest[:1] or ["0"])[0] == "0"
                elif program == "false":
                    last = False
                else:
                    last = True
            return last

        if not run_all(True):
            return Outcome(False, f"the health check of '{service}' fails even when the "
                                  "database is up", trace)
        if run_all(False):
            server = holder.facts.database or "the database"
            for probe in dict.fromkeys(offline_probes):
                shows = "help" if probe.endswith(("help", "-?")) else "version"
                trace.add(f"line {test_line}: {probe} only prints the client's own {shows} "
                          f"and exits 0; it never connects to {server}")
            trace.add("with the database stopped, the same check still succeeds")
            if offline_probes:
                return Outcome(False, (
                    f"line {test_line}: the health check of '{service}' runs "
                    f"{offline_probes[0]}, which never talks to {server}, so it passes even "
                    "when the database is down and 'healthy' means nothing"), trace)
            return Outcome(False, f"the health check of '{service}' passes even when the "
                                  "database is down, so 'healthy' means nothing", trace)
        trace.add(f"'{service}' answers its health check (and would fail it when down)")
        return Outcome(True, f"'{service}' is healthy", trace)


# Options of the database clients that take a value (each tool's --help); given last with no
# value, the client stops with a usage error.
VALUE_OPTIONS = {
    "pg_isready": frozenset({"-d", "-h", "-p", "-t", "-U", "--dbname", "--host", "--port",
                             "--timeout", "--username"}),
    "redis-cli": frozenset({"-h", "-p", "-s", "-a", "-u", "-n", "--user", "--pass"}),
    "valkey-cli": frozenset({"-h", "-p", "-s", "-a", "-u", "-n", "--user", "--pass"}),
    "mysqladmin": frozenset({"-h", "-P", "-u", "-S", "--host", "--port", "--user", "--socket"}),
    "mariadb-admin": frozenset({"-h", "-P", "-u", "-S", "--host", "--port", "--user",
                                "--socket"}),
}
PROBES = frozenset({"pg_isready", "mysqladmin", "mariadb-admin", "healthcheck.sh", "redis-cli",
                    "valkey-cli", "mongosh", "psql", "mysql", "mariadb"})


# $(command) and `command`: a health check that compares a probe's output (`[ "$(redis-cli
# ping)" = PONG ]`) is as honest as the probe, since a client that cannot connect prints its
# error on stderr and nothing the comparison accepts on stdout.
SUBSTITUTION_RE = re.compile(r"\$\(([^()]*)\)|`([^`]*)`")


def probe_output(inner: str, env: dict[str, str], up: bool) -> str | None:
    """What `$(inner)` captures on stdout with the database up or down (None: not known)."""
    from .shell import expand
    from .shell import program_of
    from .shell import words

    program, rest = program_of([expand(w, env, unset="") for w in words(inner)])
    if program not in PROBES or OFFLINE_FLAGS.get(program, frozenset()).intersection(rest):
        return None
    if not up:
        return ""  # the connection error goes to stderr
    asks = [r.lower() for r in rest if not r.startswith("-")]
    if program in ("redis-cli", "valkey-cli") and asks[-1:] == ["ping"]:
        return "PONG"
    if program in ("mysqladmin", "mariadb-admin") and "ping" in asks:
        return "mysqld is alive"
    if program == "pg_isready":
        return "/var/run/postgresql:5432 - accepting connections"
    return None


def shell_test(text: str, env: dict[str, str], up: bool) -> bool | None:
    """The exit status of a `[ ... ]` or `test ...` command as sh runs it (None: not known)."""
    from .shell import expand
    from .shell import words

    outputs: list[str] = []
    unquoted: set[int] = set()

    def hold(match: re.Match[str]) -> str:
        output = probe_output(match.group(1) or match.group(2), env, up)
        if output is None:
            raise LookupError(match.group(0))
        if text[match.start() - 1 : match.start()] != '"':
            unquoted.add(len(outputs))
        outputs.append(output)
        return f"\x00{len(outputs) - 1}\x00"

    try:
        held = SUBSTITUTION_RE.sub(hold, text)
    except LookupError:
        return None
    args = []
    for word in words(held):
        index = re.fullmatch(r"\x00(\d+)\x00", word)
        if index and int(index.group(1)) in unquoted:
            args.extend(outputs[int(index.group(1))].split())  # field splitting drops ""
            continue
        args.append(re.sub(r"\x00(\d+)\x00", lambda m: outputs[int(m.group(1))],
                           expand(word, env, unset="")))
    if args[:1] == ["["]:
        if args[-1:] != ["]"]:
            return False  # "[: missing ]", exit status 2
        args = args[1:-1]
    else:
        args = args[1:]
    negate = args[:1] == ["!"]
    if negate:
        args = args[1:]
    if len(args) == 0:
        result = False
    elif len(args) == 1:
        result = args[0] != ""
    elif len(args) == 2:
        if args[0] not in ("-n", "-z"):
            return False if args[0] in ("=", "!=", "==") else None  # a missing operand
        result = (args[1] != "") == (args[0] == "-n")
    elif len(args) == 3 and args[1] in ("=", "==", "!="):
        result = (args[0] == args[2]) == (args[1] != "!=")
    else:
        return None
    return result != negate


def named_sources(services: Any) -> list[str]:
    """The named volumes the services mount ("data:/var/lib/x" -> "data")."""
    found = []
    for spec in (services.values() if isinstance(services, Mapping) else []):
        for item in (spec.get("volumes") or []) if isinstance(spec, Mapping) else []:
            source = str(item.get("source") or "") if isinstance(item, Mapping) else (
                str(item).split(":")[0] if ":" in str(item) else "")
            if source and not source.startswith((".", "/", "~", "$")):
                found.append(source)
    return found


def load(text: str, env: Mapping[str, str] | None = None, dotenv: str | None = None,
         coolify: bool = False) -> Project:
    """Read and interpolate a compose file (DeployError if compose would refuse it); with
    coolify=True, named volumes need no declaration (Coolify writes them)."""
    return Project(text, env, dotenv, coolify)
