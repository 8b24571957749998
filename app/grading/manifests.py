"""Read Kubernetes manifests (multi-document YAML) with line numbers, and check how they connect.

    from grading import manifests, submission
    resources = manifests.load_documents(submission.read("app.yaml"), source="app.yaml")
    service = manifests.find_one(resources, "Service")
    service.line_of("spec", "selector")          # 1-based line, for messages
    manifests.check_service_selectors(resources)  # -> [Finding(rule, severity, line, message)]

YAML is read with ruamel.yaml's round-trip loader, which keeps the position of every key.
Syntax errors, tabs, duplicate keys, empty documents and documents that are not mappings become
a ManifestError(line, message) in plain words. The `check_*` functions return Findings (rule
id, severity, line, message), the shape a fuller Kubernetes checker will keep.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import YAMLError

# Kinds whose pods come from a template, and where that template lives.
POD_TEMPLATE_PATHS: dict[str, tuple[str, ...]] = {
    "Deployment": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
}
PATH_TYPES = ("Exact", "Prefix", "ImplementationSpecific")
DUPLICATE_KEY_RE = re.compile(r'found duplicate key "(.*?)"')


class ManifestError(Exception):
    """YAML that cannot be read as Kubernetes resources: the 1-based line and a message."""

    def __init__(self, line: int, message: str, source: str = "") -> None:
        where = f"{source} line {line}" if source else f"line {line}"
        super().__init__(f"{where}: {message}")
        self.line = line
        self.message = message
        self.source = source


@dataclass(frozen=True)
class Finding:
    """One problem found in the manifests: which rule, how bad, where, and why it matters."""

    rule: str  # stable id, e.g. "service-selects-no-pods"
    severity: str  # "error" (it will not work) or "warning" (it works, but is fragile)
    line: int
    message: str
    source: str = ""

    def __str__(self) -> str:
        where = f"{self.source} line {self.line}" if self.source else f"line {self.line}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class ContainerPort:
    """A port a container declares in a pod template."""

    number: int | None
    name: str | None
    container: str
    line: int


@dataclass
class Resource:
    """One Kubernetes object from a YAML document, with the positions of its keys."""

    data: Any  # the document: a ruamel CommentedMap (a dict that remembers lines)
    line: int  # 1-based line where the document's content starts
    index: int  # 1-based position of the document in its file
    source: str = ""  # file name, for messages

    @property
    def kind(self) -> str:
        """The resource's kind ("" if missing)."""
        return str(self.data.get("kind") or "")

    @property
    def api_version(self) -> str:
        """The resource's apiVersion ("" if missing)."""
        return str(self.data.get("apiVersion") or "")

    @property
    def name(self) -> str:
        """metadata.name ("" if missing)."""
        return str(self.get("metadata", "name", default="") or "")

    @property
    def namespace(self) -> str | None:
        """metadata.namespace, or None when the resource does not set one."""
        value = self.get("metadata", "namespace")
        return str(value) if value else None

    @property
    def labels(self) -> dict[str, str]:
        """metadata.labels of the resource itself (not of its pods)."""
        return plain_labels(self.get("metadata", "labels"))

    def get(self, *path: str | int, default: Any = None) -> Any:
        """Follow keys and list indexes into the document; `default` if any step is missing."""
        node = self.data
        for step in path:
            if not isinstance(node, (Mapping, list)):
                return default
            try:
                node = node[step]
            except (KeyError, IndexError, TypeError):
                return default
            if node is None:
                return default
        return node

    def line_of(self, *path: str | int) -> int:
        """1-based line of the key at `path`, or of the deepest part of the path that exists.

        So a message about a missing `spec.selector` points at `spec:`, where it belongs.
        """
        node, line = self.data, self.line
        for step in path:
            lc = getattr(node, "lc", None)
            try:
                child = node[step]
            except (KeyError, IndexError, TypeError):
                return line
            if lc is not None:
                try:
                    position = lc.key(step) if isinstance(step, str) else lc.item(step)
                    line = position[0] + 1
                except (KeyError, IndexError, TypeError):
                    pass
            node = child
        return line

    def where(self, *path: str | int) -> str:
        """"file line N" for the key at `path`, for messages."""
        line = self.line_of(*path)
        return f"{self.source} line {line}" if self.source else f"line {line}"

    def title(self) -> str:
        """"Service 'shop'", for messages."""
        return f"{self.kind or 'resource'} '{self.name}'" if self.name else self.kind or "resource"

    def pod_template_path(self) -> tuple[str, ...] | None:
        """Where this kind keeps its pod template, or None if it has none."""
        return POD_TEMPLATE_PATHS.get(self.kind)

    def pod_labels(self) -> dict[str, str]:
        """Labels its pods get (the template's labels; a Pod's own labels)."""
        if self.kind == "Pod":
            return self.labels
        path = self.pod_template_path()
        return plain_labels(self.get(*path, "metadata", "labels")) if path else {}

    def pod_spec(self) -> Any:
        """The pod spec: a Pod's spec, or the spec inside a workload's pod template."""
        if self.kind == "Pod":
            return self.get("spec")
        path = self.pod_template_path()
        return self.get(*path, "spec") if path else None

    def containers(self) -> list[Any]:
        """The containers of its pod spec (mappings only)."""
        spec = self.pod_spec()
        containers = spec.get("containers") if isinstance(spec, Mapping) else None
        if not isinstance(containers, list):
            return []
        return [c for c in containers if isinstance(c, Mapping)]

    def container_ports(self) -> list[ContainerPort]:
        """Every port its containers declare."""
        found = []
        for container in self.containers():
            ports = container.get("ports") or []
            for i, port in enumerate(ports if isinstance(ports, list) else []):
                if not isinstance(port, Mapping):
                    continue
                number = port.get("containerPort")
                found.append(
                    ContainerPort(
                        number=number if isinstance(number, int) else None,
                        name=str(port["name"]) if port.get("name") else None,
                        container=str(container.get("name", "")),
                        line=line_in(port, "containerPort", line_in(ports, i, self.line)),
                    )
                )
        return found


def plain_labels(value: Any) -> dict[str, str]:
    """A labels mapping as plain strings (YAML may have read `version: 2` as a number)."""
    if not isinstance(value, Mapping):
        return {}
    return {str(k): "" if v is None else str(v) for k, v in value.items()}


def line_in(container: Any, key: str | int, fallback: int) -> int:
    """1-based line of a key or list item inside a ruamel container."""
    lc = getattr(container, "lc", None)
    try:
        position = lc.key(key) if isinstance(key, str) else lc.item(key)
        return position[0] + 1
    except (AttributeError, KeyError, IndexError, TypeError):
        return fallback


def explain_yaml_error(exc: YAMLError, lines: list[str]) -> tuple[int, str]:
    """Turn a ruamel error into (line, plain-words message)."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    # An error "at the end" points one line past the last one; show the last line instead.
    line = min(mark.line + 1, max(len(lines), 1)) if mark is not None else 1
    problem = (getattr(exc, "problem", None) or str(exc)).strip()
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    if isinstance(exc, DuplicateKeyError):
        match = DUPLICATE_KEY_RE.search(problem)
        key = match.group(1) if match else "this key"
        return line, (
            f"the key '{key}' appears twice in the same mapping. YAML keeps only one of them, "
            "so settings vanish silently; merge them into one"
        )
    if "\t" in text[: len(text) - len(text.lstrip())]:
        return line, "this line is indented with a tab; YAML only allows spaces for indentation"
    if "mapping values are not allowed" in problem:
        return line, (
            "a ':' where YAML did not expect a new key; check this line's indentation and that "
            "the line above is complete (a value with ': ' inside needs quotes)"
        )
    if "could not find expected ':'" in problem:
        line = max(line - 1, 1) if not text.strip() else line
        return line, (
            "expected 'key: value' here; check the indentation and that each key ends with ':'"
        )
    if "expected <block end>" in problem:
        return line, (
            "this line's indentation does not line up with the keys above it; keys of one "
            "mapping must start in the same column"
        )
    if "found character '\\t'" in problem:
        return line, "a tab character; YAML only allows spaces for indentation"
    context = getattr(exc, "context", None)
    message = problem if not context else f"{problem} ({context})"
    return line, f"YAML syntax error: {message}"


def document_start_lines(yaml: YAML, text: str) -> list[int]:
    """1-based line where each document starts (its '---' or first content)."""
    from ruamel.yaml.events import DocumentStartEvent

    return [e.start_mark.line + 1 for e in yaml.parse(text) if isinstance(e, DocumentStartEvent)]


def load_documents(text: str, source: str = "", allow_empty: bool = False) -> list[Resource]:
    """Read every YAML document in `text` as a Resource; raise ManifestError if one is unusable.

    A document left empty by a final '---' is ignored. Other empty documents raise unless
    `allow_empty` (kubectl skips them, but in an exercise they usually mean a lost resource).
    """
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    lines = text.splitlines()
    try:
        documents = list(yaml.load_all(text))
    except YAMLError as exc:
        line, message = explain_yaml_error(exc, lines)
        raise ManifestError(line, message, source) from None
    except (ValueError, TypeError, RecursionError) as exc:  # ruamel bugs on odd input
        raise ManifestError(1, f"could not read this YAML ({exc})", source) from None

    if documents and documents[-1] is None:
        documents.pop()  # a trailing '---' leaves an empty last document: harmless
    if not documents:
        raise ManifestError(1, "the file has no YAML documents: it is empty", source)
    starts: list[int] | None = None
    resources = []
    for index, data in enumerate(documents, start=1):
        if data is None or not isinstance(data, Mapping):
            if data is None and allow_empty:
                continue
            starts = starts or document_start_lines(yaml, text)
            line = starts[index - 1] if index - 1 < len(starts) else 1
            if data is None:
                raise ManifestError(
                    line, f"document {index} is empty: there is nothing between two '---' "
                    "lines. Remove the extra '---' or put the missing resource back",
                    source,
                )
            shape = "a list" if isinstance(data, list) else f"a plain value ({data!r:.40})"
            raise ManifestError(
                line, f"document {index} is {shape}, but a Kubernetes resource is a mapping "
                "of keys (apiVersion:, kind:, metadata:, spec:)",
                source,
            )
        line = data.lc.line + 1 if getattr(data, "lc", None) is not None else 1
        resources.append(Resource(data=data, line=line, index=index, source=source))
    return resources


def find(resources: Iterable[Resource], kind: str, name: str | None = None) -> list[Resource]:
    """Resources of one kind (case-insensitive), optionally with one name."""
    return [
        r for r in resources
        if r.kind.lower() == kind.lower() and (name is None or r.name == name)
    ]


def find_one(resources: Iterable[Resource], kind: str, name: str | None = None) -> Resource | None:
    """The first resource of a kind (and name), or None."""
    found = find(resources, kind, name)
    return found[0] if found else None


def same_namespace(a: Resource, b: Resource) -> bool:
    """True when both live in the same namespace (no namespace means the same default one)."""
    return (a.namespace or "default") == (b.namespace or "default")


def selector_matches(selector: Mapping[str, Any] | None, labels: Mapping[str, Any]) -> bool:
    """Does a Service-style selector (every key=value must be present) match these labels?

    An empty selector matches nothing here: a Service without a selector gets no endpoints
    from the cluster, which is never what these exercises want.
    """
    if not selector or not isinstance(selector, Mapping):
        return False
    wanted = plain_labels(selector)
    have = plain_labels(labels)
    return all(have.get(k) == v for k, v in wanted.items())


def workloads(resources: Iterable[Resource]) -> list[Resource]:
    """Resources that make pods: Pods and kinds with a pod template."""
    return [r for r in resources if r.kind == "Pod" or r.pod_template_path() is not None]


def pods_selected_by(service: Resource, resources: Iterable[Resource]) -> list[Resource]:
    """Workloads in the Service's namespace whose pods its selector matches."""
    selector = service.get("spec", "selector")
    return [
        w for w in workloads(resources)
        if same_namespace(service, w) and selector_matches(selector, w.pod_labels())
    ]


def target_port_of(service_port: Mapping[str, Any]) -> int | str | None:
    """A Service port's targetPort, which defaults to its port."""
    target = service_port.get("targetPort")
    return target if target is not None else service_port.get("port")


def resolve_target_port(
    service_port: Mapping[str, Any], workload: Resource
) -> ContainerPort | None:
    """The container port a Service port's targetPort reaches (by number or name), or None."""
    target = target_port_of(service_port)
    for port in workload.container_ports():
        if isinstance(target, int) and port.number == target:
            return port
        if isinstance(target, str) and target.isdigit() and port.number == int(target):
            return port
        if isinstance(target, str) and port.name == target:
            return port
    return None


def service_ports(service: Resource) -> list[Any]:
    """The Service's spec.ports entries (mappings only)."""
    ports = service.get("spec", "ports", default=[])
    return [p for p in ports if isinstance(p, Mapping)] if isinstance(ports, list) else []


def service_port_matching(service: Resource, backend_port: Mapping[str, Any]) -> Any | None:
    """The Service port an Ingress backend's `port: {number|name}` refers to, or None."""
    number, name = backend_port.get("number"), backend_port.get("name")
    for port in service_ports(service):
        if number is not None and port.get("port") == number:
            return port
        if name is not None and port.get("name") == name:
            return port
    return None


def ingress_paths(ingress: Resource) -> list[tuple[tuple[str | int, ...], Any]]:
    """Every HTTP path of an Ingress, with its path inside the document (for line numbers)."""
    found = []
    rules = ingress.get("spec", "rules", default=[])
    for r, _ in enumerate(rules if isinstance(rules, list) else []):
        paths = ingress.get("spec", "rules", r, "http", "paths")
        for p, entry in enumerate(paths if isinstance(paths, list) else []):
            if isinstance(entry, Mapping):
                found.append((("spec", "rules", r, "http", "paths", p), entry))
    return found


def pod_labels_where(workload: Resource) -> str:
    """Where a workload's pod labels are written ("deployment.yaml line 18")."""
    if workload.kind == "Pod":
        return workload.where("metadata", "labels")
    return workload.where(*(workload.pod_template_path() or ()), "metadata", "labels")


def describe_labels(labels: Mapping[str, Any]) -> str:
    """app=shop, tier=web"""
    return ", ".join(f"{k}={v}" for k, v in plain_labels(labels).items()) or "no labels"


def check_service_selectors(resources: list[Resource]) -> list[Finding]:
    """Each Service must select the pods of at least one workload in the same namespace."""
    findings = []
    pods = workloads(resources)
    for service in find(resources, "Service"):
        selector = service.get("spec", "selector")
        if not selector:
            findings.append(Finding(
                "service-without-selector", "error", service.line_of("spec", "selector"),
                f"{service.title()} has no spec.selector (or an empty one), so Kubernetes gives "
                "it no endpoints: nothing answers on it. Add the labels that its pods carry",
                service.source,
            ))
            continue
        line = service.line_of("spec", "selector")
        if not isinstance(selector, Mapping):
            findings.append(Finding(
                "service-selector-shape", "error", line,
                f"{service.title()}: spec.selector must be a mapping of label: value lines "
                "(app: shop), not a list or a single value",
                service.source,
            ))
            continue
        if pods_selected_by(service, resources):
            continue
        own = [w for w in pods if selector_matches(selector, w.labels)]
        other_ns = [w for w in pods if selector_matches(selector, w.pod_labels())]
        if own:
            w = own[0]
            message = (
                f"{service.title()} selects {describe_labels(selector)}: those are the labels "
                f"of the {w.kind} itself (metadata.labels, {w.where('metadata', 'labels')}), "
                f"not of its pods. A Service looks for pods; they are labelled "
                f"{describe_labels(w.pod_labels())} ({pod_labels_where(w)})"
            )
        elif other_ns:
            w = other_ns[0]
            message = (
                f"{service.title()} is in namespace '{service.namespace or 'default'}' but the "
                f"pods it selects belong to {w.title()} in '{w.namespace or 'default'}'. "
                "A Service only finds pods in its own namespace"
            )
        else:
            known = "; ".join(
                f"{w.title()} labels its pods {describe_labels(w.pod_labels())}" for w in pods
            ) or "no workload is defined"
            message = (
                f"{service.title()} selects {describe_labels(selector)}, but no pod carries "
                f"all of those labels ({known}). With no matching pods the Service has no "
                "endpoints and every request to it fails"
            )
        findings.append(Finding("service-selects-no-pods", "error", line, message, service.source))
    return findings


def check_target_ports(resources: list[Resource]) -> list[Finding]:
    """Each Service port's targetPort must reach a port the selected containers declare."""
    findings = []
    for service in find(resources, "Service"):
        selected = pods_selected_by(service, resources)
        if not selected:
            continue  # check_service_selectors reports that
        ports = service_ports(service)
        if not ports:
            findings.append(Finding(
                "service-without-ports", "error", service.line_of("spec", "ports"),
                f"{service.title()} has no spec.ports: list the port it offers and the "
                "targetPort (the container's port) it forwards to",
                service.source,
            ))
        for i, port in enumerate(ports):
            target = target_port_of(port)
            workload = selected[0]
            if resolve_target_port(port, workload) is not None:
                continue
            declared = workload.container_ports()
            listing = ", ".join(
                f"{p.number}" + (f" (named '{p.name}')" if p.name else "") for p in declared
            ) or "none"
            has_target = port.get("targetPort") is not None
            key = "targetPort" if has_target else "port"
            if not has_target:
                why = (
                    f"it has no targetPort, so traffic goes to the pod's port {target} "
                    "(targetPort defaults to port)"
                )
            elif isinstance(target, str) and not target.isdigit():
                why = f"no container port is named '{target}', so the pods get no endpoint"
            elif str(target) == str(port.get("port")):
                why = (
                    f"targetPort {target} is the Service's own port, but targetPort is where "
                    "the container listens"
                )
            else:
                why = f"no container listens on port {target}"
            findings.append(Finding(
                "service-target-port-unreachable", "error",
                service.line_of("spec", "ports", i, key),
                f"{service.title()}: {why}. The containers of {workload.title()} declare "
                f"containerPort {listing}; use that number or its name",
                service.source,
            ))
    return findings


def check_ingress_backends(resources: list[Resource]) -> list[Finding]:
    """Each Ingress path needs a pathType and a backend naming an existing Service and port."""
    findings = []
    for ingress in find(resources, "Ingress"):
        paths = ingress_paths(ingress)
        if not paths:
            findings.append(Finding(
                "ingress-without-paths", "error", ingress.line_of("spec", "rules"),
                f"{ingress.title()} has no spec.rules[].http.paths, so it routes nothing",
                ingress.source,
            ))
        for path, entry in paths:
            path_type = entry.get("pathType")
            if path_type not in PATH_TYPES:
                findings.append(Finding(
                    "ingress-path-type", "error", ingress.line_of(*path, "pathType"),
                    f"{ingress.title()}: path '{entry.get('path', '')}' has "
                    + (f"pathType '{path_type}'" if path_type else "no pathType")
                    + "; networking.k8s.io/v1 requires one of Exact, Prefix or "
                    "ImplementationSpecific (Prefix matches the path and everything below it)",
                    ingress.source,
                ))
            backend = entry.get("backend") or {}
            service_ref = backend.get("service") if isinstance(backend, Mapping) else None
            if not isinstance(service_ref, Mapping) or not service_ref.get("name"):
                findings.append(Finding(
                    "ingress-backend-service", "error", ingress.line_of(*path, "backend"),
                    f"{ingress.title()}: the backend of path '{entry.get('path', '')}' needs "
                    "service.name and service.port (number or name)",
                    ingress.source,
                ))
                continue
            name = str(service_ref["name"])
            service = next(
                (s for s in find(resources, "Service", name) if same_namespace(s, ingress)), None
            )
            if service is None:
                known = ", ".join(f"'{s.name}'" for s in find(resources, "Service")) or "none"
                findings.append(Finding(
                    "ingress-backend-unknown-service", "error",
                    ingress.line_of(*path, "backend", "service", "name"),
                    f"{ingress.title()} sends traffic to Service '{name}', which does not exist "
                    f"in its namespace (Services defined: {known})",
                    ingress.source,
                ))
                continue
            port_ref = service_ref.get("port")
            if not isinstance(port_ref, Mapping) or (
                port_ref.get("number") is None and port_ref.get("name") is None
            ):
                findings.append(Finding(
                    "ingress-backend-port", "error",
                    ingress.line_of(*path, "backend", "service", "port"),
                    f"{ingress.title()}: the backend needs service.port.number or "
                    "service.port.name",
                    ingress.source,
                ))
                continue
            if service_port_matching(service, port_ref) is None:
                offered = ", ".join(
                    f"{p.get('port')}" + (f" (named '{p['name']}')" if p.get("name") else "")
                    for p in service_ports(service)
                ) or "none"
                asked = (
                    f"port {port_ref['number']}" if port_ref.get("number") is not None
                    else f"the port named '{port_ref['name']}'"
                )
                container = any(
                    p.number == port_ref.get("number") or p.name == port_ref.get("name", "-")
                    for w in pods_selected_by(service, resources) or workloads(resources)
                    for p in w.container_ports()
                )
                hint = (
                    " That is the container's port: an Ingress talks to the Service, so use the "
                    "Service's port, and let the Service's targetPort reach the container"
                    if container else ""
                )
                findings.append(Finding(
                    "ingress-backend-unknown-port", "error",
                    ingress.line_of(*path, "backend", "service", "port"),
                    f"{ingress.title()} asks Service '{name}' for {asked}, but the Service "
                    f"offers {offered}.{hint}",
                    ingress.source,
                ))
    return findings


def check_ingress_class(resources: list[Resource], expected: str) -> list[Finding]:
    """Each Ingress must name its controller with spec.ingressClassName == expected."""
    findings = []
    for ingress in find(resources, "Ingress"):
        value = ingress.get("spec", "ingressClassName")
        if value == expected:
            continue
        annotation = ingress.get("metadata", "annotations", "kubernetes.io/ingress.class")
        if value is None and annotation:
            message = (
                f"{ingress.title()} names its controller with the old annotation "
                f"kubernetes.io/ingress.class; it is deprecated. Use spec.ingressClassName: "
                f"{expected}"
            )
        elif value is None:
            message = (
                f"{ingress.title()} has no spec.ingressClassName, so which controller serves it "
                "depends on the cluster's default IngressClass; with another controller "
                "installed, or no default, nobody routes it. Write ingressClassName: "
                f"{expected}"
            )
        else:
            message = (
                f"{ingress.title()} has ingressClassName '{value}', but this cluster's "
                f"controller is '{expected}': no controller will pick this Ingress up"
            )
        findings.append(Finding(
            "ingress-class", "error", ingress.line_of("spec", "ingressClassName"), message,
            ingress.source,
        ))
    return findings
