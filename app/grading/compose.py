"""Review a Docker Compose file the way a platform engineer would before it goes to a VPS.

    from grading import compose, submission
    for finding in compose.check(submission.read("compose.yaml"), source="compose.yaml"):
        print(finding.format())   # compose.yaml:9: error [db-without-volume] Service 'db' ...

    doc = compose.load(text)      # the file as a manifests.Resource (get(), line_of()) or
                                  # ComposeError(line, message)

What it checks: the file reads as one YAML mapping with known top-level keys; each service
has an image or a build; named volumes, networks, secrets and configs are declared; a
depends_on with condition service_healthy points at a service that has a healthcheck; a
database keeps its data on a volume mounted where that image stores it; no secret is
written as a plain environment value; databases are not published on the host's public
interfaces; ports parse; Traefik labels carry rules that Traefik v3 accepts.
Pure Python (ruamel.yaml), so it runs in Pyodide like the rest of the grader.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Any

from .deploy.compose import alias_budget
from .deploy.trace import DeployError
from .findings import ERROR
from .findings import WARNING
from .findings import Finding
from .findings import is_reference
from .findings import looks_like_secret_name
from .findings import password_in_url
from .findings import sort_findings
from .manifests import ManifestError
from .manifests import Resource
from .manifests import binary_problem
from .manifests import nearest
from .manifests import parse_yaml

MAX_COMPOSE_CHARS = 256 * 1024
TOP_LEVEL_KEYS = (
    "version", "name", "services", "networks", "volumes", "configs", "secrets", "include",
    "models",
)
SERVICE_KEYS = frozenset("""
    annotations attach blkio_config build cap_add cap_drop cgroup cgroup_parent command configs
    container_name cpu_count cpu_percent cpu_period cpu_quota cpu_rt_period cpu_rt_runtime
    cpu_shares cpus cpuset credential_spec depends_on deploy develop device_cgroup_rules devices
    dns dns_opt dns_search domainname driver_opts entrypoint env_file environment exclude_from_hc
    expose extends
    external_links extra_hosts gpus group_add healthcheck hostname image init ipc isolation
    label_file labels links logging mac_address mem_limit mem_reservation mem_swappiness
    memswap_limit models network_mode networks oom_kill_disable oom_score_adj pid pids_limit
    platform ports post_start pre_stop privileged profiles provider pull_policy read_only
    restart runtime scale secrets security_opt shm_size stdin_open stop_grace_period
    stop_signal storage_opt sysctls tmpfs tty ulimits use_api_socket user userns_mode uts
    volumes volumes_from working_dir
""".split())
HEALTHCHECK_KEYS = frozenset(
    "test interval timeout retries start_period start_interval disable".split()
)
DEPENDS_CONDITIONS = ("service_started", "service_healthy", "service_completed_successfully")
RESTART_RE = re.compile(r"^(no|always|unless-stopped|on-failure(:\d+)?)$")
SERVICE_NAME_RE = re.compile(r"^[a-zA-Z0-9._-]+$")
PORT_RE = re.compile(
    r"^(?:(?P<ip>\[[^\]]+\]|[0-9.]+|[0-9a-fA-F:]+(?=:\d)):)??"
    r"(?:(?P<host>\d*(?:-\d+)?):)?(?P<container>\d+(?:-\d+)?)(?:/(?P<proto>tcp|udp|sctp))?$"
)
PUBLIC_IPS = ("", "0.0.0.0", "::", "[::]")
# Database images, a readable name, and where each keeps its data.
DATABASES: dict[str, tuple[str, str]] = {
    "postgres": ("PostgreSQL", "/var/lib/postgresql/data"),
    "postgis": ("PostgreSQL", "/var/lib/postgresql/data"),
    "mysql": ("MySQL", "/var/lib/mysql"),
    "mariadb": ("MariaDB", "/var/lib/mysql"),
    "mongo": ("MongoDB", "/data/db"),
    "redis": ("Redis", "/data"),
    "valkey": ("Valkey", "/data"),
}
CACHES = ("redis", "valkey")  # often used as a cache: losing the data is a warning
REQUIRED_VARIABLE_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*):?\?")


class ComposeError(Exception):
    """A compose file that cannot be read: the 1-based line and a message."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


def load(text: str, source: str = "compose.yaml") -> Resource:
    """The compose file as a Resource (get(), line_of()); ComposeError if it is unusable."""
    try:
        alias_budget(text)
    except DeployError as exc:
        raise ComposeError(exc.line or 1, exc.message) from None
    try:
        _, documents, _ = parse_yaml(text, source)
    except ManifestError as exc:
        raise ComposeError(exc.line, exc.message) from None
    while documents and documents[-1] is None:
        documents.pop()
    if not documents:
        raise ComposeError(1, "the file is empty: a compose file needs at least services:")
    data = documents[0]
    if not isinstance(data, Mapping):
        shape = "a list" if isinstance(data, list) else f"a plain value ({data!r:.30})"
        raise ComposeError(1, (
            f"the file is {shape}, but a compose file is a mapping with services: at the top"
        ))
    line = data.lc.line + 1 if getattr(data, "lc", None) is not None else 1
    return Resource(data=data, line=line, index=1, source=source)


def check(text: str, source: str = "compose.yaml", max_chars: int | None = MAX_COMPOSE_CHARS
          ) -> list[Finding]:
    """Review a compose file: a list of findings (rule, severity, line, message, source).

    Never raises on bad input: unreadable YAML, binary data, a huge file, a list at the top
    or several documents all come back as findings.
    """
    if max_chars is not None and len(text) > max_chars:
        return [Finding(
            "file-too-large", ERROR, 1,
            f"the file has {len(text) // 1024} KB of text; this checker reads at most "
            f"{max_chars // 1024} KB", source,
            fix="split a compose file that large with include:",
        )]
    problem = binary_problem(text)
    if problem:
        return [Finding("not-text", ERROR, problem[0], problem[1], source)]
    try:
        alias_budget(text)
    except DeployError as exc:
        return [Finding("yaml-aliases", ERROR, exc.line or 1, exc.message, source)]
    try:
        _, documents, notes = parse_yaml(text, source)
    except ManifestError as exc:
        if "for merging" in exc.message and is_coolify_template(text):
            # `<<: *list` is not a YAML merge, but Coolify reads its templates with its own
            # (PHP) YAML parser, which merges a list's items.
            return [Finding("unchecked", WARNING, exc.line, (
                "a merge key (<<) takes a list here, which is not a YAML merge; Coolify's own "
                "template parser accepts it, but this checker cannot read the file, so the rest "
                "of it was not reviewed"), source)]
        return [Finding("yaml-syntax", ERROR, exc.line, exc.message, source)]
    findings = [Finding("yaml-warning", WARNING, 1, f"YAML: {note}", source) for note in notes]
    while documents and documents[-1] is None:
        documents.pop()
    if len(documents) > 1:
        findings.append(Finding(
            "several-documents", WARNING, 1,
            f"the file holds {len(documents)} YAML documents ('---' lines); a compose file is "
            "one document, so Compose reads only the first", source,
            fix="merge them into one document (or use include: for separate files)",
        ))
    try:
        doc = load(text, source)
    except ComposeError as exc:
        return [*findings, Finding("compose-shape", ERROR, exc.line, exc.message, source)]
    try:
        findings += Compose(doc, coolify=is_coolify_template(text), text=text).check()
    except (AttributeError, TypeError, KeyError, IndexError, ValueError) as exc:
        findings.append(Finding(
            "unchecked", WARNING, 1,
            f"this checker could not fully read the file ({exc!r:.80})", source,
            fix="check its shape against the Compose documentation",
        ))
    return sort_findings(findings, [source])


COOLIFY_MARKERS = ("SERVICE_FQDN_", "SERVICE_URL_", "SERVICE_PASSWORD_", "SERVICE_USER_",
                   "SERVICE_BASE64_", "SERVICE_REALBASE64_")


TEMPLATE_HEADER_RE = re.compile(r"^# (documentation|slogan|category|tags|logo|port):",
                                re.MULTILINE)


def is_coolify_template(text: str) -> bool:
    """True for Coolify's one-click service templates (their header comments)."""
    first = text.lstrip().split("\n", 1)[0]
    return bool(TEMPLATE_HEADER_RE.match(first)) or len(
        set(TEMPLATE_HEADER_RE.findall(text[:2000]))) >= 2


def uses_coolify_dialect(data: Any, depth: int = 0) -> bool:
    """True for files written for Coolify (magic variables or exclude_from_hc)."""
    if depth > 12:
        return False
    if isinstance(data, str):
        return any(marker in data for marker in COOLIFY_MARKERS)
    if isinstance(data, Mapping):
        return any(
            key == "exclude_from_hc" or uses_coolify_dialect(key, depth + 1)
            or uses_coolify_dialect(value, depth + 1) for key, value in data.items()
        )
    if isinstance(data, list):
        return any(uses_coolify_dialect(item, depth + 1) for item in data)
    return False


def environment_of(service: Mapping[str, Any]) -> dict[str, tuple[Any, tuple[str | int, ...]]]:
    """A service's environment as {name: (value, path-within-the-service)}; list or mapping."""
    env = service.get("environment")
    found: dict[str, tuple[Any, tuple[str | int, ...]]] = {}
    if isinstance(env, Mapping):
        for key, value in env.items():
            found[str(key)] = (value, ("environment", key))
    elif isinstance(env, list):
        for i, item in enumerate(env):
            name, eq, value = str(item).partition("=")
            found[name.strip()] = (value if eq else None, ("environment", i))
    return found


def image_parts(image: str) -> tuple[str, str]:
    """'docker.io/library/postgres:16-alpine' -> ('postgres', '16-alpine')."""
    reference = image.split("@", 1)[0]
    last = reference.rsplit("/", 1)[-1]
    name, _, tag = last.partition(":")
    return name.lower(), tag


def postgres_major(tag: str) -> int | None:
    """The major version a postgres tag names ('16-alpine' -> 16), or None."""
    match = re.match(r"^(\d+)", tag)
    return int(match.group(1)) if match else None



class _EveryVariableSet(dict):
    """Interpolation values where every variable is set to a reference to itself (or, marked,
    to a value of its own that no other variable has)."""

    def __init__(self, marked: bool = False) -> None:
        super().__init__()
        self.marked = marked

    def get(self, name, default=None):  # noqa: ANN001, ANN201 - Mapping.get
        return f"<{name}>" if self.marked else "${" + str(name) + "}"


class _Recorder(dict):
    """Interpolation values that note each variable Compose asks for (all set, each its own)."""

    def __init__(self, asked: list[str]) -> None:
        super().__init__()
        self.asked = asked

    def get(self, name, default=None):  # noqa: ANN001, ANN201 - Mapping.get
        self.asked.append(str(name))
        return f"<{name}>"


class _Overlay(dict):
    """The container's environment over the deployer's: what the container's shell sees."""

    def __init__(self, container: Mapping[str, str | None], deployer: Mapping[str, str]
                 ) -> None:
        super().__init__()
        self.container = container
        self.deployer = deployer

    def get(self, name, default=None):  # noqa: ANN001, ANN201 - Mapping.get
        if name in self.container:
            return self.container[name]
        return self.deployer.get(name, default)


def references_kept(text: str) -> str:
    """The value as Compose builds it when every variable is set, each shown as ${NAME}.

    What is left beside the references is what the file itself writes: a URL's password part
    is then a reference (`${PW:?}`, `${USER:?}:${PW}`) or literal text.
    """
    from .deploy import compose as deploy_compose

    try:
        return deploy_compose.interpolate(text, _EveryVariableSet(), "")
    except DeployError:
        return text

class Compose:
    """One compose file being reviewed."""

    def __init__(self, doc: Resource, coolify: bool = False, text: str = "") -> None:
        self.doc = doc
        self.text = text
        self._stack: Any = None
        self._stack_tried = False
        self.data = doc.data
        services = self.data.get("services")
        self.services: dict[str, Any] = dict(services) if isinstance(services, Mapping) else {}
        self.findings: list[Finding] = []
        # Coolify's compose dialect: magic SERVICE_* variables, exclude_from_hc; Coolify
        # declares the named volumes itself.
        self.coolify = coolify or uses_coolify_dialect(self.data)

    def add(self, rule: str, severity: str, path: tuple[str | int, ...], message: str,
            fix: str = "") -> None:
        """Record a finding: `message` says what goes wrong, `fix` what to write instead."""
        self.findings.append(
            Finding(rule, severity, self.doc.line_of(*path), message, self.doc.source, fix)
        )

    def declared(self, section: str) -> set[str]:
        """Names declared under a top-level section (volumes, networks, secrets, configs)."""
        node = self.data.get(section)
        return {str(k) for k in node} if isinstance(node, Mapping) else set()

    def check(self) -> list[Finding]:
        self.check_top_level()
        for name, service in self.services.items():
            self.check_service(str(name), service)
        self.check_top_level_secrets()
        return self.findings

    def check_top_level(self) -> None:
        for key in self.data:
            if not isinstance(key, str) or key in TOP_LEVEL_KEYS or key.startswith("x-"):
                continue
            guess = nearest(key, TOP_LEVEL_KEYS)
            self.add("unknown-top-level", ERROR, (key,), (
                f"'{key}' is not a top-level key of a compose file, so docker compose refuses "
                "the file ('additional properties not allowed')"
            ), fix=(f"did you mean '{guess}'? " if guess else "")
                + "Shared snippets go under a key that starts with x-")
        if "version" in self.data:
            self.add("version-obsolete", WARNING, ("version",), (
                "the top-level version: is obsolete: Compose ignores it (and warns), always "
                "reading the file with the current specification"
            ), fix="remove the line")
        services = self.data.get("services")
        if services is None:
            if "include" not in self.data:
                self.add("no-services", ERROR, (), (
                    "the file has no services: section, so there is nothing to run"
                ))
        elif not isinstance(services, Mapping):
            self.add("compose-shape", ERROR, ("services",), (
                "services: is a list, not a mapping of service names to their settings, "
                "so Compose refuses the file"
            ), fix="write services: as a mapping (web: {image: ...})")

    def check_service(self, name: str, service: Any) -> None:
        path = ("services", name)
        if not SERVICE_NAME_RE.match(name):
            self.add("invalid-service-name", ERROR, path, (
                f"service name '{name}' may only use letters, digits, '.', '_' and '-'; other "
                "services reach it by this name over the network"
            ))
        if not isinstance(service, Mapping):
            self.add("compose-shape", ERROR, path, (
                f"service '{name}' is "
                f"{'empty' if service is None else repr(service)[:30]}, not a mapping of "
                "settings, so Compose refuses the file"
            ), fix="give it its settings (image:, ports:, ...)")
            return
        for key in service:
            if not isinstance(key, str) or key in SERVICE_KEYS or key.startswith("x-"):
                continue
            guess = nearest(key, SERVICE_KEYS)
            self.add("unknown-key", ERROR if guess else WARNING, (*path, key), (
                f"service '{name}': '{key}' is not a service setting, so Compose rejects the "
                "file (or, for a newer setting, your Compose version may not know it)"
            ), fix=f"did you mean '{guess}'?" if guess else "")
        image = service.get("image")
        if not image and not service.get("build") and not service.get("extends"):
            self.add("no-image-or-build", ERROR, path, (
                f"service '{name}' has neither image: nor build:, so Compose has nothing to run"
            ), fix="name an image: to pull, or a build: folder with a Dockerfile")
        database = None
        if isinstance(image, str) and image:
            database = self.check_image(name, path, image)
        env = environment_of(service)
        self.check_environment(name, path, env)
        self.check_ports(name, path, service, database)
        targets = self.check_volumes(name, path, service)
        if database and not self.check_database_on_model(name, path, database, targets):
            self.check_database_volume(name, path, service, image, database, targets, env)
        self.check_depends_on(name, path, service)
        self.check_healthcheck(name, path, service, env)
        self.check_references(name, path, service)
        self.check_restart(name, path, service)
        self.check_labels(name, path, service)

    def check_image(self, name: str, path: tuple[str | int, ...], image: str) -> str | None:
        """Warn about unpinned images; return the database family, if it is one."""
        base, tag = image_parts(image)
        # Only the official images keep their data where DATABASES says (linuxserver's
        # mariadb, for one, uses /config).
        official = "/" not in image.split("@")[0].rsplit(":", 1)[0].removeprefix(
            "docker.io/library/").removeprefix("library/")
        database = base if base in DATABASES and official else None
        if "$" in image:
            return database
        if "@" not in image and (not tag or tag == "latest"):
            if database and database not in CACHES:
                self.add("db-image-unpinned", WARNING, (*path, "image"), (
                    f"service '{name}': image {image} means :latest. For a database that is "
                    "dangerous: the day latest moves to a new major version, the new server "
                    "cannot read the old data directory and the database does not start"
                ), fix=f"pin the major version, e.g. {base}:16")
            else:
                self.add("image-unpinned", WARNING, (*path, "image"), (
                    f"service '{name}': image {image} means :latest, so a redeploy can pull a "
                    "different version with no change of yours"
                ), fix="pin a version tag")
        return database

    def check_environment(
        self, name: str, path: tuple[str | int, ...],
        env: dict[str, tuple[Any, tuple[str | int, ...]]],
    ) -> None:
        for key, (value, where) in env.items():
            if value is None or isinstance(value, (Mapping, list)):
                continue
            text = str(value)
            if password_in_url(references_kept(text)):
                self.add("plain-secret", ERROR, (*path, *where), (
                    f"service '{name}': {key} contains a password written into the URL. "
                    "The compose file goes to git; the password goes with it"
                ), fix=f"write {key}: ${{{key}}} and set the value in Coolify's environment "
                    "(or an .env file that is not committed)")
            elif looks_like_secret_name(key) and not is_reference(text) and not isinstance(
                value, (bool, int, float)
            ) and text.lower() not in ("true", "false", "yes", "no", "on", "off", "0", "1"):
                self.add("plain-secret", ERROR, (*path, *where), (
                    f"service '{name}': {key} is written in plain text in the compose file, "
                    "which goes to git, into backups and onto every laptop that clones it"
                ), fix=f"write {key}: ${{{key}}} (or ${{{key}:?set it}}) and set the value in "
                    "Coolify's environment variables, or use a Compose secret")
            elif "$" in text and not password_in_url(text):
                self.check_secret_default(name, key, text, (*path, *where))
            if key == "POSTGRES_HOST_AUTH_METHOD" and text == "trust":
                self.add("db-no-password", WARNING, (*path, *where), (
                    f"service '{name}': POSTGRES_HOST_AUTH_METHOD=trust lets anyone who can "
                    "reach the port log in as any user without a password"
                ), fix="remove it and set POSTGRES_PASSWORD from Coolify's environment")

    def check_secret_default(self, name: str, key: str, text: str,
                             where: tuple[str | int, ...]) -> None:
        """A password the file itself supplies when a variable is unset (`${PW:-s3cret}`)."""
        from .deploy import compose as deploy_compose

        try:
            # What the value is with no variable set: the text and defaults the file holds.
            written = deploy_compose.interpolate(text, {}, f"service '{name}'")
        except DeployError:
            return  # a required variable (:? or ?): the file holds no value of its own
        in_url = password_in_url(written)
        flag = written.strip().lower() in ("", "true", "false", "yes", "no", "on", "off", "0", "1")
        if not in_url and not (looks_like_secret_name(key) and not flag):
            return
        self.add("secret-default", WARNING, where, (
            f"service '{name}': {key} falls back to a value written in the file when its "
            f"variable is unset, so the password '{in_url or written.strip()}' is in git, in "
            "every clone and in every backup of the repository, whatever value is set later; "
            "where the variable is missing, the service runs with that known password"
        ), fix="remove the written fallback: require the variable with :? (or use Coolify's "
            "SERVICE_PASSWORD_* variable), so a missing value stops the deploy")

    def check_ports(
        self, name: str, path: tuple[str | int, ...], service: Mapping[str, Any],
        database: str | None,
    ) -> None:
        ports = service.get("ports")
        if ports is None:
            return
        if not isinstance(ports, list):
            self.add("compose-shape", ERROR, (*path, "ports"), (
                f"service '{name}': ports: is not a list, so Compose refuses the file"
            ), fix="write ports: as a list ('- \"8080:8000\"')")
            return
        is_proxy = image_parts(str(service.get("image") or ""))[0] in ("traefik", "caddy", "nginx")
        routed = not is_proxy and any("traefik.http.routers" in k for k in label_map(service))
        for i, port in enumerate(ports):
            where = (*path, "ports", i)
            published = self.published_ip(name, where, port)
            if published is None:
                continue
            if published in PUBLIC_IPS and database:
                label, _ = DATABASES[database]
                self.add("db-port-published", WARNING, where, (
                    f"service '{name}': this publishes {label} on every interface of the "
                    "host, so the whole internet can try passwords on it (Docker's published "
                    "ports also bypass ufw rules), while the app already reaches it over the "
                    "compose network"
                ), fix="remove ports: (the app needs none), or bind 127.0.0.1 for an SSH tunnel")
            elif published in PUBLIC_IPS and routed:
                self.add("port-bypasses-proxy", WARNING, where, (
                    f"service '{name}' is routed by Traefik (its labels), which reaches it over "
                    "the Docker network; publishing the port as well opens a second, direct "
                    "door that skips HTTPS and the proxy's middlewares"
                ), fix="use expose: (or nothing) instead of ports:")

    def published_ip(self, name: str, where: tuple[str | int, ...], port: Any) -> str | None:
        """The host IP a published port binds ('' = every interface); None if unpublished."""
        if isinstance(port, Mapping):
            target = port.get("target")
            if not isinstance(target, int) or isinstance(target, bool):
                self.add("invalid-port", ERROR, where, (
                    f"service '{name}': this long-form port has no target: (the container's "
                    "port), so Compose refuses it"
                ), fix="add target: with the port the container listens on")
                return None
            return str(port.get("host_ip") or "")
        if isinstance(port, int) and not isinstance(port, bool):
            return ""  # only a container port: published on a random port, every interface
        text = str(port)
        if "$" in text:
            return None
        match = PORT_RE.match(text)
        if not match:
            self.add("invalid-port", ERROR, where, (
                f"service '{name}': '{text}' is not a port mapping, so Compose refuses the file"
            ), fix="write \"HOST:CONTAINER\" such as \"8080:8000\" (or \"127.0.0.1:8080:8000\")")
            return None
        numbers = [int(n) for n in re.findall(r"\d+", match.group("container") or "")]
        numbers += [int(n) for n in re.findall(r"\d+", match.group("host") or "")]
        if any(not 0 < n < 65536 for n in numbers):
            self.add("invalid-port", ERROR, where, (
                f"service '{name}': '{text}' names a port outside 1 to 65535, so Compose "
                "refuses the file"
            ), fix="use port numbers from 1 to 65535")
            return None
        if type(port) is str and match.group("host") and int(
            re.findall(r"\d+", match.group("container"))[0]
        ) < 60:
            self.add("unquoted-port", WARNING, where, (
                f"service '{name}': {text} is not quoted: YAML 1.1 parsers read an "
                "unquoted xx:yy with numbers below 60 as a base-60 number, so the port can "
                "become another number"
            ), fix=f"write \"{text}\" in quotes, as the Compose documentation recommends for "
                "every mapping")
        ip = str(match.group("ip") or "")
        if ip:
            try:
                ipaddress.ip_address(ip.strip("[]"))
            except ValueError:
                self.add("invalid-port", ERROR, where, (
                    f"service '{name}': '{ip}' in '{text}' is not an IP address, so Docker "
                    "refuses the port mapping"
                ), fix="write an address such as 127.0.0.1 (or leave it out to publish on "
                    "every interface)")
                return None
        # Without a host port Docker picks a random one, still on every interface.
        return ip

    def check_volumes(
        self, name: str, path: tuple[str | int, ...], service: Mapping[str, Any]
    ) -> list[tuple[str, str, tuple[str | int, ...]]]:
        """Named volumes are declared; returns (kind, target, where) for each mount."""
        volumes = service.get("volumes")
        if volumes is None:
            return []
        if not isinstance(volumes, list):
            self.add("compose-shape", ERROR, (*path, "volumes"), (
                f"service '{name}': volumes: is not a list, so Compose refuses the file"
            ), fix="write volumes: as a list ('- data:/var/lib/postgresql/data')")
            return []
        declared = self.declared("volumes")
        mounts = []
        for i, volume in enumerate(volumes):
            where = (*path, "volumes", i)
            if isinstance(volume, Mapping):
                kind = str(volume.get("type", "volume"))
                source = str(volume.get("source") or "")
                target = str(volume.get("target") or "")
                if kind == "volume" and not source:
                    kind = "anonymous"
            else:
                parts = str(volume).split(":")
                if len(parts) == 1:
                    kind, source, target = "anonymous", "", parts[0]
                else:
                    source, target = parts[0], parts[1]
                    kind = "bind" if source.startswith((".", "/", "~", "$")) else "volume"
            if kind == "volume" and source not in declared and "$" not in source and \
                    not self.coolify:
                self.add("undeclared-volume", ERROR, where, (
                    f"service '{name}' mounts the named volume '{source}', which is not "
                    "declared under the top-level volumes: key, so docker compose stops with "
                    f"'service \"{name}\" refers to undefined volume {source}'"
                ), fix=f"add volumes: {{{source}: {{}}}} at the top level")
            mounts.append((kind, target.rstrip("/") or "/", where))
        return mounts

    def model_stack(self) -> Any:
        """The file brought up in the deploy model, or None when the model cannot read it.

        A lint knows no environment: variables the file requires (${NAME:?...}) get a value,
        the others stay unset (their defaults apply), as on a server that has them.
        """
        if not self._stack_tried and self.text:
            from .deploy import compose as deploy_compose

            self._stack_tried = True
            required = {name: "set-in-coolify" for name in REQUIRED_VARIABLE_RE.findall(
                self.text)}
            try:
                self._stack = deploy_compose.load(self.text, env=required,
                                                  coolify=self.coolify).up()
            except (DeployError, ValueError, TypeError, KeyError, AttributeError,
                    RecursionError):
                self._stack = None
        return self._stack

    def check_database_on_model(
        self, name: str, path: tuple[str | int, ...], database: str,
        mounts: list[tuple[str, str, tuple[str | int, ...]]],
    ) -> bool:
        """Ask the model whether the database keeps its data across a redeploy (True when it
        could answer; False leaves the service to the reading of the file)."""
        stack = self.model_stack()
        holder = stack.containers.get(name) if stack is not None else None
        if holder is None or holder.data_dir() is None:
            return False
        outcome = stack.data_survives(name, "redeploy")
        if outcome.ok:
            return True
        data, mount = holder.data_dir(), holder.data_mount()
        persistent = [m for m in mounts if m[0] in ("volume", "bind")]
        if mount is not None and mount.read_only:
            rule, severity = "db-volume-read-only", ERROR
            where = next((m[2] for m in mounts if m[1] == mount.target), path)
            advice = f"mount a writable named volume at {data}"
        elif persistent:
            rule, severity, where = "db-volume-path", ERROR, persistent[0][2]
            declared = next((v for v in holder.volumes_declared
                             if data == v or data.startswith(v.rstrip("/") + "/")), data)
            advice = f"mount the volume at {declared}, the folder the image declares"
        else:
            rule = "db-without-volume"
            severity = WARNING if database in CACHES else ERROR
            anonymous = [m for m in mounts if m[0] in ("anonymous", "tmpfs")]
            where = anonymous[0][2] if anonymous else path
            # PostgreSQL 18's image keeps its data below its VOLUME /var/lib/postgresql: the
            # volume belongs on the folder the image declares, as its documentation says.
            target = next((v for v in holder.volumes_declared
                           if data == v or data.startswith(v.rstrip("/") + "/")), data)
            advice = (f"mount a named volume: - {name}-data:{target} (and declare it under "
                      "volumes:)" + (". If it is only a cache, this may be fine"
                                     if database in CACHES else ""))
        label = holder.facts.database
        if rule == "db-without-volume":
            lead = (f"service '{name}' runs {label}, but no named volume (or host directory) "
                    f"is mounted at {data}, where it keeps its data: {outcome.reason}")
        else:
            steps = [step for step in outcome.trace.steps[1:] if "line " in step]
            lead = f"service '{name}' runs {label}: " + "; ".join([*steps, outcome.reason])
        loses_data = rule == "db-without-volume" or "empty" in outcome.reason
        self.add(rule, severity, where, (
            f"{lead}"
            + (". Coolify redeploys by creating new containers, so a deploy can start with an "
               "empty database" if loses_data else "")
        ), fix=advice)
        return True

    def check_database_volume(
        self, name: str, path: tuple[str | int, ...], service: Mapping[str, Any], image: str,
        database: str, mounts: list[tuple[str, str, tuple[str | int, ...]]],
        env: dict[str, tuple[Any, tuple[str | int, ...]]],
    ) -> None:
        label, data_dir = DATABASES[database]
        _, tag = image_parts(image)
        persistent = [(kind, target, where) for kind, target, where in mounts
                      if kind in ("volume", "bind")]
        severity = WARNING if database in CACHES else ERROR
        if database in ("postgres", "postgis"):
            pgdata = env.get("PGDATA", (None, ()))[0]
            major = postgres_major(tag)
            if pgdata:
                wanted = [str(pgdata).rstrip("/")]
            elif major is not None and major >= 18:
                wanted = ["/var/lib/postgresql"]
                wrong = [m for m in persistent if m[1] == "/var/lib/postgresql/data"]
                if wrong:
                    self.add("db-volume-path", ERROR, wrong[0][2], (
                        f"service '{name}': from PostgreSQL 18 the image keeps its data in "
                        "/var/lib/postgresql/18/docker and refuses to start with a volume at "
                        "/var/lib/postgresql/data"
                    ), fix="mount the volume at /var/lib/postgresql")
                    return
            elif major is not None:
                wanted = [data_dir]
                wrong = [m for m in persistent if m[1] == "/var/lib/postgresql"]
                if wrong and not any(m[1] == data_dir for m in persistent):
                    self.add("db-volume-path", ERROR, wrong[0][2], (
                        f"service '{name}': PostgreSQL {major} keeps its data in "
                        "/var/lib/postgresql/data, which the image declares as a VOLUME of "
                        "its own; a volume mounted one level higher does not receive the data, "
                        "which lands in an anonymous volume and is lost when the container is "
                        "recreated"
                    ), fix="mount the volume at /var/lib/postgresql/data")
                    return
            else:
                wanted = [data_dir, "/var/lib/postgresql"]
        else:
            wanted = [data_dir]
        covered = any(
            any(w == target or w.startswith(target + "/") for w in wanted)
            for _, target, _ in persistent
        )
        if covered:
            return
        anonymous = [m for m in mounts if m[0] in ("anonymous", "tmpfs")]
        self.add("db-without-volume", severity, anonymous[0][2] if anonymous else (*path,), (
            f"service '{name}' runs {label}, but no named volume (or host directory) is "
            f"mounted at {wanted[0]}, where it keeps its data. The data then lives in the "
            "container (or an anonymous volume): docker compose down, or a redeploy that "
            "recreates the container, starts again with an empty database"
        ), fix=f"mount a named volume: - {name}-data:{wanted[0]} (and declare it under volumes:)"
            + (". If it is only a cache, this may be fine" if database in CACHES else ""))

    def check_depends_on(
        self, name: str, path: tuple[str | int, ...], service: Mapping[str, Any]
    ) -> None:
        depends = service.get("depends_on")
        if depends is None:
            return
        where = (*path, "depends_on")
        if isinstance(depends, list):
            entries = [(str(d), None, (*where, i)) for i, d in enumerate(depends)]
        elif isinstance(depends, Mapping):
            entries = []
            for dep, options in depends.items():
                condition = options.get("condition", "service_started") if isinstance(
                    options, Mapping) else None
                entries.append((str(dep), condition, (*where, dep)))
        else:
            self.add("compose-shape", ERROR, where, (
                f"service '{name}': depends_on is neither a list of service names nor a "
                "mapping, so Compose refuses the file"
            ), fix="write a list of service names, or a mapping with condition: for each")
            return
        for dep, condition, dep_path in entries:
            target = self.services.get(dep)
            if dep not in self.services:
                guess = nearest(dep, [str(s) for s in self.services])
                self.add("unknown-service", ERROR, dep_path, (
                    f"service '{name}' depends on '{dep}', which is not a service in this "
                    "file, so docker compose refuses to start"
                ), fix=f"did you mean '{guess}'?" if guess else "")
                continue
            if condition is not None and condition not in DEPENDS_CONDITIONS:
                self.add("invalid-condition", ERROR, (*dep_path, "condition"), (
                    f"service '{name}': condition {condition} is not a condition Compose "
                    "knows, so it refuses the file"
                ), fix=f"use one of {', '.join(DEPENDS_CONDITIONS)}")
                continue
            target_map = target if isinstance(target, Mapping) else {}
            health = target_map.get("healthcheck")
            from .deploy import compose as deploy_compose

            # As Docker reads it: disable: true and test: ["NONE"] turn the check off; a
            # healthcheck: with only interval/retries keeps the image's (none for databases).
            argv, script, disabled = deploy_compose.Service(dep, target_map, 0).healthcheck()
            no_test = argv is None and script is None
            if condition == "service_healthy" and (not health or disabled or no_test):
                built = bool(target_map.get("build"))
                # An image may bring its own HEALTHCHECK; the database images do not.
                known_without = image_parts(str(target_map.get("image") or ""))[0] in DATABASES
                severity = ERROR if disabled or known_without else WARNING
                self.add("healthy-without-healthcheck", severity,
                         (*dep_path, "condition"), (
                    f"service '{name}' waits for '{dep}' to be healthy, but '{dep}' "
                    + ("has its healthcheck turned off" if disabled else
                       "has a healthcheck with no test" if health else "has no healthcheck")
                    + (" here (its Dockerfile may define a HEALTHCHECK)" if built else "")
                    + f", so it never becomes healthy and '{name}' never starts (docker "
                    "compose reports 'dependency failed to start')"
                ), fix=f"give '{dep}' a healthcheck"
                    + (", e.g. test: [\"CMD-SHELL\", \"pg_isready -U $${POSTGRES_USER}\"]"
                       if "postgres" in str(target_map.get("image", "")) else ""))
            image = target_map.get("image")
            database = image_parts(str(image))[0] if image else ""
            is_db = database in DATABASES and database not in CACHES
            if is_db and condition in (None, "service_started"):
                self.add("depends-on-not-ready", WARNING, dep_path, (
                    f"service '{name}' only waits for '{dep}' to start, not to be ready: a "
                    "database takes seconds to accept connections, so the app's first "
                    "connection fails (and it may crash-loop)"
                ), fix="give the database a healthcheck and write depends_on: {" + dep
                    + ": {condition: service_healthy}}")

    def check_healthcheck(
        self, name: str, path: tuple[str | int, ...], service: Mapping[str, Any],
        env: dict[str, tuple[Any, tuple[str | int, ...]]],
    ) -> None:
        health = service.get("healthcheck")
        if health is None:
            return
        where = (*path, "healthcheck")
        if not isinstance(health, Mapping):
            self.add("compose-shape", ERROR, where, (
                f"service '{name}': healthcheck is not a mapping, so Compose refuses the file"
            ), fix="write it as a mapping (test:, interval:, ...)")
            return
        for key in health:
            if isinstance(key, str) and key not in HEALTHCHECK_KEYS:
                guess = nearest(key, HEALTHCHECK_KEYS)
                self.add("unknown-key", ERROR, (*where, key), (
                    f"service '{name}': healthcheck has no '{key}', so Compose refuses the file"
                ), fix=f"did you mean '{guess}'?" if guess else "")
        test = health.get("test")
        if test is None:
            # Without test: the image's own HEALTHCHECK runs, with these timings.
            return
        if isinstance(test, list):
            if not test or str(test[0]) not in ("NONE", "CMD", "CMD-SHELL"):
                self.add("healthcheck-test", ERROR, (*where, "test"), (
                    f"service '{name}': the test list starts with '{test[0] if test else ''}', "
                    "which is neither CMD (run a program) nor CMD-SHELL (run a shell command), "
                    "so Compose refuses the healthcheck"
                ), fix="start it with CMD or CMD-SHELL, e.g. [\"CMD\", \"pg_isready\"]")
                return
            script = " ".join(str(t) for t in test[1:])
        else:
            script = str(test)
        self.check_interpolation(name, (*where, "test"), script, env)

    def check_interpolation(
        self, name: str, where: tuple[str | int, ...], script: str,
        env: dict[str, tuple[Any, tuple[str | int, ...]]],
    ) -> None:
        """A healthcheck that gets, from Compose's interpolation, another value of a variable
        than the container has (`$POSTGRES_USER` where `$$POSTGRES_USER` was meant).

        Compose replaces every `$NAME` and `${NAME...}` (not `$$`) when it reads the file, from
        the deployer's environment. Judged twice: with no variable set, and with each set to a
        value of its own; each time the check as Compose writes it is compared with the check
        the container's shell would run with the container's environment.
        """
        from .deploy import compose as deploy_compose

        asked: list[str] = []
        try:
            deploy_compose.interpolate(script, _Recorder(asked), "")
        except DeployError:
            return
        container_names = [n for n in dict.fromkeys(asked) if n in env]
        if not container_names:
            return
        required = set(REQUIRED_VARIABLE_RE.findall(self.text))
        for deployer in ({n: f"<{n}>" for n in required}, _EveryVariableSet(marked=True)):
            try:
                container = {n: self.container_value(value, n, deployer)
                             for n, (value, _) in env.items()}
                compose_writes = deploy_compose.interpolate(script, deployer, "")
                intended = deploy_compose.interpolate(script, _Overlay(container, deployer), "")
            except DeployError:
                return
            if compose_writes == intended:
                continue
            variable = next((n for n in container_names
                             if (deployer.get(n) or "") != (container.get(n) or "")),
                            container_names[0])
            self.add("compose-interpolation", WARNING, where, (
                f"service '{name}': Compose replaces ${variable} in the healthcheck when it "
                "reads the file, with the value from the shell or .env where compose runs, "
                f"not with the container's {variable}; where that is unset or differs, the "
                "check runs with an empty or another value than the container has"
            ), fix=f"write $${variable} so that the container's shell expands it")
            return

    @staticmethod
    def container_value(value: Any, variable: str, deployer: Mapping[str, str]) -> str | None:
        """The container's value of one environment entry, as Compose builds it."""
        from .deploy import compose as deploy_compose

        if value is None:  # `- NAME` alone: passed on from where compose runs
            return deployer.get(variable)
        if isinstance(value, (Mapping, list)):
            return None
        text = str(value).lower() if isinstance(value, bool) else str(value)
        return deploy_compose.interpolate(text, deployer, "")

    def check_references(
        self, name: str, path: tuple[str | int, ...], service: Mapping[str, Any]
    ) -> None:
        """networks, secrets and configs used by a service are declared at the top level."""
        for section in ("networks", "secrets", "configs"):
            node = service.get(section)
            if node is None:
                continue
            if isinstance(node, Mapping):
                refs = [(str(k), (*path, section, k)) for k in node]
            elif isinstance(node, list):
                refs = []
                for i, item in enumerate(node):
                    ref = item.get("source") if isinstance(item, Mapping) else item
                    refs.append((str(ref), (*path, section, i)))
            else:
                continue
            declared = self.declared(section)
            for ref, where in refs:
                if section == "networks" and ref == "default":
                    continue
                if ref not in declared:
                    self.add(f"undeclared-{section[:-1]}", ERROR, where, (
                        f"service '{name}' uses the {section[:-1]} '{ref}', which is not "
                        f"declared under the top-level {section}: key, so docker compose "
                        "refuses to start"
                    ), fix=f"declare '{ref}' under the top-level {section}: key")

    def check_restart(
        self, name: str, path: tuple[str | int, ...], service: Mapping[str, Any]
    ) -> None:
        restart = service.get("restart")
        if restart is None:
            return
        if not isinstance(restart, str) or not RESTART_RE.match(restart):
            self.add("invalid-restart", ERROR, (*path, "restart"), (
                f"service '{name}': restart: {restart} is not a restart policy, so Compose "
                "refuses the file"
            ), fix="use no, always, on-failure[:N] or unless-stopped (quote \"no\")")

    def check_labels(
        self, name: str, path: tuple[str | int, ...], service: Mapping[str, Any]
    ) -> None:
        for key, (value, where) in label_map(service).items():
            if re.match(r"^traefik\.http\.routers\.[^.]+\.rule$", key):
                from .deploy.traefik import problems_of

                for problem, refused, fix in problems_of(value):
                    self.add("traefik-rule", ERROR, (*path, *where), (
                        f"service '{name}': Traefik rule {value!s:.60}: {problem}. "
                        + ("Traefik rejects the router, so the domain answers 404" if refused
                           else "Traefik accepts it, but no request ever matches, so the "
                           "domain answers 404")
                    ), fix=fix)
            elif re.match(r"^traefik\.http\.services\.[^.]+\.loadbalancer\.server\.port$", key):
                self.check_traefik_port(name, (*path, *where), key, value)

    def check_traefik_port(self, name: str, where: tuple[str | int, ...], key: str,
                           value: Any) -> None:
        """The port Traefik reads from the label, as Compose hands it over (after its
        interpolation: ${PORT:-8000} is 8000 where PORT is unset)."""
        from .deploy import compose as deploy_compose
        from .deploy.traefik import port_problem

        missing: list[str] = []
        try:
            port = deploy_compose.interpolate(str(value), {}, f"service '{name}'",
                                              missing=missing)
        except DeployError:
            return  # a required variable: the value comes from the server (a lint has none)
        if missing:
            return  # a variable without a default: its value is only known on the server
        problem = port_problem(port)
        if problem is None:
            return
        shown = f"{value} (which Compose makes '{port}')" if port != str(value) else value
        self.add("traefik-port", ERROR, where, (
            f"service '{name}': {key}={shown}: {problem}, so Traefik cannot build the "
            "server's address and requests for the router never reach the app"
        ), fix="write the port number the app listens on inside the container")

    def check_top_level_secrets(self) -> None:
        for section, sources in (("secrets", ("file", "environment", "external", "name")),
                                 ("configs", ("file", "environment", "external", "content",
                                              "name"))):
            node = self.data.get(section)
            if not isinstance(node, Mapping):
                continue
            for key, value in node.items():
                if not isinstance(value, Mapping) or not any(s in value for s in sources):
                    self.add(f"{section[:-1]}-source", ERROR, (section, key), (
                        f"top-level {section[:-1]} '{key}' has no source, so Compose has "
                        "nothing to give the services that use it"
                    ), fix="give it file: (a path), environment: (a variable name) or "
                        "external: true")


def label_map(service: Mapping[str, Any]) -> dict[str, tuple[Any, tuple[str | int, ...]]]:
    """A service's labels as {key: (value, path-within-the-service)}; list or mapping."""
    labels = service.get("labels")
    found: dict[str, tuple[Any, tuple[str | int, ...]]] = {}
    if isinstance(labels, Mapping):
        for key, value in labels.items():
            found[str(key)] = (value, ("labels", key))
    elif isinstance(labels, list):
        for i, item in enumerate(labels):
            key, _, value = str(item).partition("=")
            found[key.strip()] = (value.strip(), ("labels", i))
    return found
