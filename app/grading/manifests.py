"""Read Kubernetes manifests (multi-document YAML) with line numbers, and check them.

Two ways to use it:

    from grading import manifests, submission
    # 1. The whole review: every rule below, for one file or several read together.
    for finding in manifests.check(submission.read("app.yaml"), source="app.yaml"):
        print(finding.format())   # app.yaml:12: error [service-selects-no-pods] Service ...
    manifests.check_files([("deploy.yaml", text1), ("svc.yaml", text2)])

    # 2. Building blocks for exercise tests.
    resources = manifests.load_documents(submission.read("app.yaml"), source="app.yaml")
    service = manifests.find_one(resources, "Service")
    service.line_of("spec", "selector")          # 1-based line, for messages
    manifests.check_service_selectors(resources)  # -> [Finding(rule, severity, line, message)]

YAML is read with ruamel.yaml's round-trip loader, which keeps the position of every key.
Syntax errors, tabs, duplicate keys, empty documents and documents that are not mappings become
a ManifestError(line, message) from load_documents, and findings from check().

check() knows the resources the Kubernetes track uses: the core workloads and Services,
ConfigMap, Secret, Namespace, Ingress and IngressClass, and the CRDs of Traefik (IngressRoute,
Middleware), K3s (HelmChartConfig), MetalLB (IPAddressPool, L2Advertisement), the Gateway API
(Gateway, HTTPRoute), Istio (VirtualService, DestinationRule) and Cilium (CiliumNetworkPolicy).
Cross-resource rules only judge what they can see: a reference to a kind that none of the
files defines (in that namespace) is not reported, since it may live in the cluster already.
"""

from __future__ import annotations

import base64
import binascii
import difflib
import ipaddress
import re
import warnings
from collections import OrderedDict
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.events import MappingEndEvent
from ruamel.yaml.events import MappingStartEvent
from ruamel.yaml.events import ScalarEvent
from ruamel.yaml.events import SequenceEndEvent
from ruamel.yaml.events import SequenceStartEvent
from ruamel.yaml.reader import ReaderError

from .findings import ERROR
from .findings import WARNING
from .findings import Finding
from .findings import sort_findings

__all__ = [
    "ContainerPort", "Finding", "ManifestError", "Resource", "check", "check_files",
    "check_resources", "load_documents", "read_for_check",
]

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
SERVICE_NAME_LABEL = "kubernetes.io/service-name"
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
    if isinstance(exc, ReaderError):
        return reader_error_line(exc, lines), (
            f"the character U+{exc.character:04X} is not allowed in YAML "
            "(control characters and NUL bytes are not text): is this a binary file?"
            if isinstance(exc.character, int) else f"unreadable text ({exc.reason})"
        )
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


def reader_error_line(exc: ReaderError, lines: list[str]) -> int:
    """The 1-based line of the character a ReaderError complains about."""
    position, seen = getattr(exc, "position", 0) or 0, 0
    for number, line in enumerate(lines, start=1):
        seen += len(line) + 1
        if position < seen:
            return number
    return max(len(lines), 1)


MAX_FLOW_DEPTH = 64
FAST_READ_CHARS = 256 * 1024  # above this, libyaml reads the file when it is installed
MAX_EXPANDED_NODES = 1_000_000  # values once aliases are expanded; a 4 MB manifest has fewer
ANCHOR_RE = re.compile(r"(?:^|[\s\[{,:-])&[^\s,\[\]{}]+", re.MULTILINE)


def deepest_flow_nesting(text: str) -> int | None:
    """The line where [ ] / { } nesting first exceeds MAX_FLOW_DEPTH, or None.

    Checked before parsing: ruamel recurses once per level, and very deep input costs
    seconds before it fails. Brackets inside quotes and comments do not count.
    """
    if text.count("[") + text.count("{") <= MAX_FLOW_DEPTH:
        return None
    depth, line, quote = 0, 1, ""
    previous = "\n"
    for char in text:
        if char == "\n":
            line += 1
            quote = "" if quote == "#" else quote
        elif quote:
            if char == quote and (quote != '"' or previous != "\\"):
                quote = ""
        elif char in "'\"" or (char == "#" and previous in " \t\n"):
            quote = char
        elif char in "[{":
            depth += 1
            if depth > MAX_FLOW_DEPTH:
                return line
        elif char in "]}":
            depth = max(depth - 1, 0)
        previous = char
    return None


def alias_count_over_limit(text: str) -> int | None:
    """The line where aliases make the tree too big, or None (checked only when anchors exist).

    An alias is a reference, cheap to read but multiplied by anything that walks the tree: a
    few nested aliases stand for billions of values. Each anchored node's size is counted from
    the parse events, and an alias adds the size of what it repeats; kube-apiserver's YAML
    reader refuses excessive aliasing for the same reason.
    """
    if not ANCHOR_RE.search(text):
        return None
    sizes: dict[str, int] = {}
    stack: list[list] = [[0, None]]  # [nodes counted so far, anchor] per open collection
    total = 0
    try:
        for event in YAML(typ="rt").parse(text):
            if isinstance(event, (SequenceStartEvent, MappingStartEvent)):
                stack.append([0, event.anchor])
                continue
            if isinstance(event, (SequenceEndEvent, MappingEndEvent)):
                count, anchor = stack.pop()
                size = count + 1
                if anchor:
                    sizes[anchor] = size
                stack[-1][0] += size
                continue
            if isinstance(event, AliasEvent):
                size = sizes.get(event.anchor, 1)
            elif isinstance(event, ScalarEvent):
                size = 1
                if event.anchor:
                    sizes[event.anchor] = 1
            else:
                continue
            stack[-1][0] += size
            total += size
            if total > MAX_EXPANDED_NODES:
                mark = getattr(event, "start_mark", None)
                return mark.line + 1 if mark is not None else 1
    except (YAMLError, RecursionError, ValueError, TypeError, AttributeError, KeyError,
            IndexError):
        return None  # the loader reports the syntax error with its line
    return None


def fast_documents(text: str, source: str = "") -> list[Any] | None:
    """Large files read with libyaml (PyYAML's C parser), kept in ruamel's line-aware types.

    ruamel's pure-Python reader takes minutes for a few megabytes; libyaml composes the same
    node tree, with positions, in seconds. Scalars are resolved as YAML 1.2 (like ruamel), and
    quoted ones keep their quote style. None when libyaml is not installed (Pyodide: the
    browser never reads files that large) or a document needs the careful reader's messages.
    """
    try:
        import yaml as pyyaml
        from yaml import CBaseLoader  # no tag resolution: scalars are resolved below, as YAML 1.2
    except ImportError:
        return None
    if ANCHOR_RE.search(text):
        return None  # aliases go through the bounded reader
    try:
        return documents_from_events(libyaml_events(CBaseLoader(text), pyyaml), pyyaml)
    except pyyaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise ManifestError(line, f"the YAML cannot be read: {problem}", source) from None
    except DuplicateKeyInFastRead as exc:
        raise ManifestError(exc.line, f'found duplicate key "{exc.key}"', source) from None


def libyaml_events(parser: Any, pyyaml: Any) -> Iterable[Any]:
    """libyaml's events, one C call each (yaml.parse() makes two, through a generator)."""
    get_event, stream_end = parser.get_event, pyyaml.StreamEndEvent
    try:
        while True:
            event = get_event()
            yield event
            if type(event) is stream_end:
                return
    finally:
        parser.dispose()


def documents_from_events(events: Iterable[Any], pyyaml: Any) -> list[Any] | None:
    """libyaml's parse events built into CommentedMap / CommentedSeq / scalars with line records.

    Built from the events rather than from composed nodes: node objects and PyYAML's resolver
    (both Python) cost half of a 4 MB read. None when a document is not a mapping or a key is
    a collection: the careful reader has the messages for those.
    """
    from ruamel.yaml.comments import CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString
    from ruamel.yaml.scalarstring import FoldedScalarString
    from ruamel.yaml.scalarstring import LiteralScalarString
    from ruamel.yaml.scalarstring import SingleQuotedScalarString

    styles = {'"': DoubleQuotedScalarString, "'": SingleQuotedScalarString,
              "|": LiteralScalarString, ">": FoldedScalarString}
    map_class = fast_read_map_class()
    set_item = OrderedDict.__setitem__
    scalar_event, mapping_start, sequence_start = (
        pyyaml.ScalarEvent, pyyaml.MappingStartEvent, pyyaml.SequenceStartEvent)
    collection_end = (pyyaml.MappingEndEvent, pyyaml.SequenceEndEvent)
    documents: list[Any] = []
    # Per open collection: [container, its line records, is a mapping, pending key, key mark].
    stack: list[list[Any]] = []

    def add(value: Any, mark: Any) -> bool:
        """Put a value in the open collection; False when a key is not a scalar."""
        frame = stack[-1]
        container, records = frame[0], frame[1]
        if not frame[2]:
            records[len(container)] = [mark.line, mark.column]
            container.append(value)
        elif frame[4] is None:
            if isinstance(value, list | dict):
                return False
            if value in container:
                raise DuplicateKeyInFastRead(mark.line + 1, str(value))
            frame[3], frame[4] = value, mark
        else:
            key, key_mark = frame[3], frame[4]
            set_item(container, key, value)
            container._ok.add(key)  # ruamel's record of the map's own (not merged) keys
            records[key] = [key_mark.line, key_mark.column, mark.line, mark.column]
            frame[4] = None
        return True

    for event in events:
        kind = type(event)
        if kind is scalar_event:
            if not stack:
                return None  # a document that is a plain value (or empty)
            if event.style in styles:
                value = styles[event.style](event.value)
            else:
                value = plain_scalar(event.value) if event.tag != "!" else event.value
            if not add(value, event.start_mark):
                return None
        elif kind is mapping_start or kind is sequence_start:
            if not stack and kind is sequence_start:
                return None
            container = map_class() if kind is mapping_start else CommentedSeq()
            lc = container.lc
            lc.line, lc.col = event.start_mark.line, event.start_mark.column
            lc.data = {}
            if stack and not add(container, event.start_mark):
                return None
            stack.append([container, lc.data, kind is mapping_start, None, None])
        elif kind in collection_end:
            container = stack.pop()[0]
            if not stack:
                documents.append(container)
        elif kind is pyyaml.AliasEvent:
            return None
    return documents


@cache
def fast_read_map_class() -> type:
    """CommentedMap with plain dict lookups, for maps read with libyaml.

    ruamel's lookups and iteration are Python code that handles merge keys (`<<: *anchor`);
    the fast reader never sees aliases, and a 4 MB check does millions of lookups.
    """
    from ruamel.yaml.comments import CommentedMap

    class ReadMap(CommentedMap):
        __slots__ = ()

        def __init__(self) -> None:  # always empty; CommentedMap's takes any arguments
            self._ok, self._ref = set(), []

        __getitem__ = OrderedDict.__getitem__
        __contains__ = OrderedDict.__contains__
        __iter__ = OrderedDict.__iter__
        __len__ = OrderedDict.__len__
        get = OrderedDict.get

    return ReadMap


class DuplicateKeyInFastRead(Exception):
    """A key written twice in one mapping (ruamel refuses it too)."""

    def __init__(self, line: int, key: str) -> None:
        super().__init__(key)
        self.line, self.key = line, key


YAML12_INT_RE = re.compile(r"^[-+]?(?:[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
YAML12_FLOAT_RE = re.compile(
    r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$|^[-+]?\.(?:inf|Inf|INF)$|"
    r"^\.(?:nan|NaN|NAN)$"
)


def plain_scalar(value: str) -> Any:
    """A plain (unquoted) scalar as YAML 1.2's core schema reads it, as ruamel does."""
    if not value or value[0] not in "0123456789+-.~nNtTfF":
        return value if value else None
    if value in ("~", "null", "Null", "NULL"):
        return None
    if value in ("true", "True", "TRUE"):
        return True
    if value in ("false", "False", "FALSE"):
        return False
    if YAML12_INT_RE.match(value):
        return int(value, 0) if value.lstrip("+-")[:2] in ("0o", "0x") else int(value)
    if YAML12_FLOAT_RE.match(value):
        return float(value.replace(".inf", "inf").replace(".Inf", "inf").replace(
            ".INF", "inf").replace(".nan", "nan").replace(".NaN", "nan").replace(".NAN", "nan"))
    return value


def new_yaml() -> YAML:
    """A round-trip loader that keeps lines, refuses duplicate keys and remembers quoting.

    Quoting matters: Kubernetes reads YAML 1.1, where an unquoted yes/no/on/off is a
    boolean, while ruamel reads YAML 1.2, where it is a string. Remembering which strings
    were quoted lets the checker warn about the unquoted ones.
    """
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    yaml.preserve_quotes = True
    return yaml


def parse_yaml(text: str, source: str = "") -> tuple[YAML, list[Any], list[str]]:
    """Every document of `text`, or ManifestError(line, message) if the YAML is unreadable.

    Returns the loader (for document_start_lines), the documents and ruamel's warnings (for
    example an anchor defined twice), which are text, never exceptions.
    """
    yaml = new_yaml()
    lines = text.splitlines()
    if len(text) > FAST_READ_CHARS:
        fast = fast_documents(text, source)
        if fast is not None:
            return yaml, fast, []
    aliases = alias_count_over_limit(text)
    if aliases is not None:
        raise ManifestError(aliases, (
            f"its aliases (*name) repeat anchored blocks into more than {MAX_EXPANDED_NODES} "
            "values, so a few lines stand for a huge tree (a 'billion laughs' file); no "
            "manifest needs that, and reading it would take minutes and all the memory"
        ), source)
    too_deep = deepest_flow_nesting(text)
    if too_deep is not None:
        raise ManifestError(too_deep, (
            f"the YAML is nested more than {MAX_FLOW_DEPTH} levels deep in [ ] or {{ }}; no "
            "manifest needs that, and reading it would take long"
        ), source)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            documents = list(yaml.load_all(text))
        except YAMLError as exc:
            line, message = explain_yaml_error(exc, lines)
            raise ManifestError(line, message, source) from None
        except RecursionError:
            raise ManifestError(
                1, "the YAML is nested too deeply to read (thousands of levels of [ or {)",
                source,
            ) from None
        except (ValueError, TypeError, AttributeError, KeyError, IndexError) as exc:
            # ruamel bugs on odd input; never an unexplained traceback
            raise ManifestError(1, f"could not read this YAML ({exc})", source) from None
    notes = [" ".join(str(w.message).split()) for w in caught]
    return yaml, documents, notes


def load_documents(text: str, source: str = "", allow_empty: bool = False) -> list[Resource]:
    """Read every YAML document in `text` as a Resource; raise ManifestError if one is unusable.

    A document left empty by a final '---' is ignored. Other empty documents raise unless
    `allow_empty` (kubectl skips them, but in an exercise they usually mean a lost resource).
    """
    yaml, documents, _ = parse_yaml(text, source)
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
        document = Resource(data=data, line=line, index=index, source=source)
        if document.kind == "List" and isinstance(data.get("items"), list):
            # kubectl apply takes a v1 List as its items, each a resource of its own.
            problems = list_items(document, resources)
            if problems:
                raise ManifestError(problems[0].line, problems[0].message, source)
            continue
        resources.append(document)
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


class WorkloadIndex:
    """Workloads by (namespace, label key, label value): a selector looks up, never scans.

    Without it every Service compares itself with every workload, which takes minutes for
    the thousands of objects a multi-megabyte file holds.
    """

    def __init__(self, resources: list[Resource]) -> None:
        self.order = workloads(resources)
        self.by_label: dict[tuple[str, str, str], list[int]] = {}
        for i, w in enumerate(self.order):
            namespace = w.namespace or "default"
            for key, value in w.pod_labels().items():
                self.by_label.setdefault((namespace, key, value), []).append(i)

    def selected(self, namespace: str, selector: Any) -> list[Resource]:
        """Workloads of a namespace whose pod labels hold every key=value of the selector."""
        if not selector or not isinstance(selector, Mapping):
            return []
        found: set[int] | None = None
        for key, value in plain_labels(selector).items():
            hits = set(self.by_label.get((namespace, key, value), ()))
            found = hits if found is None else found & hits
            if not found:
                return []
        return [self.order[i] for i in sorted(found or ())]


_INDEX_CACHE: list[tuple[list[Resource], int, WorkloadIndex]] = []


def workload_index(resources: Iterable[Resource]) -> WorkloadIndex:
    """The index for this list of resources (kept for the list the checks are running on)."""
    if not isinstance(resources, list):
        return WorkloadIndex(list(resources))
    for cached, size, index in _INDEX_CACHE:
        if cached is resources and size == len(resources):
            return index
    index = WorkloadIndex(resources)
    _INDEX_CACHE[:] = [(resources, len(resources), index)]
    return index


def pods_selected_by(service: Resource, resources: Iterable[Resource]) -> list[Resource]:
    """Workloads in the Service's namespace whose pods its selector matches."""
    return workload_index(resources).selected(
        service.namespace or "default", service.get("spec", "selector"))


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


def has_endpoints_of_its_own(service: Resource, resources: Iterable[Resource]) -> bool:
    """True when an Endpoints or EndpointSlice for this selector-less Service is defined."""
    for r in resources:
        if not same_namespace(r, service):
            continue
        if r.kind == "Endpoints" and r.name == service.name:
            return True
        if r.kind == "EndpointSlice" and r.labels.get(SERVICE_NAME_LABEL) == service.name:
            return True
    return False


def check_service_selectors(resources: list[Resource], partial: bool = False) -> list[Finding]:
    """Each Service must select the pods of at least one workload in the same namespace.

    ExternalName Services select nothing by design. With `partial` (the files are only part of
    what runs in the cluster), a Service is judged only when its namespace has workloads here,
    and a Service without a selector is only a warning (its endpoints may be managed by hand).
    """
    findings = []
    pods = workloads(resources)
    for service in find(resources, "Service"):
        if service.get("spec", "type") == "ExternalName":
            continue
        if partial and not any(same_namespace(service, w) for w in pods):
            continue
        selector = service.get("spec", "selector")
        if not selector and partial:
            if not has_endpoints_of_its_own(service, resources):
                findings.append(Finding(
                    "service-without-selector", WARNING, service.line_of("spec", "selector"),
                    f"{service.title()} has no spec.selector, so Kubernetes gives it no "
                    "endpoints; only an Endpoints/EndpointSlice you manage yourself can. If it "
                    "should reach pods, add the labels that its pods carry",
                    service.source,
                ))
            continue
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


def check_target_ports(resources: list[Resource], partial: bool = False) -> list[Finding]:
    """Each Service port's targetPort must reach a port the selected containers declare.

    With `partial`, a numeric targetPort is not judged against containers that declare no
    ports at all (declaring them is optional; the traffic may still arrive).
    """
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
            named = isinstance(target, str) and not target.isdigit()
            if partial and not declared and not named:
                continue
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
                f"containerPort {listing}, so the Service's traffic reaches no process",
                service.source, "Use that number or its name.",
            ))
    return findings


def check_ingress_backends(resources: list[Resource], partial: bool = False) -> list[Finding]:
    """Each Ingress path needs a pathType and a backend naming an existing Service and port.

    With `partial`, a backend is only looked up when its namespace has Services here.
    """
    findings = []
    # Indexed once: a scan of every Service per backend made a file of 2,000 Ingresses take
    # minutes.
    services = find(resources, "Service")
    by_name: dict[tuple[str, str], Resource] = {}
    for s in services:
        by_name.setdefault((s.namespace or "default", s.name), s)
    namespaces_with_services = {namespace for namespace, _ in by_name}
    known = ", ".join(f"'{s.name}'" for s in services[:10]) + (
        f" and {len(services) - 10} more" if len(services) > 10 else "") or "none"
    for ingress in find(resources, "Ingress"):
        paths = ingress_paths(ingress)
        if not paths and ingress.get("spec", "defaultBackend") is not None:
            continue  # a default backend alone is a valid Ingress
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
            if isinstance(backend, Mapping) and service_ref is None and isinstance(
                    backend.get("resource"), Mapping) and backend["resource"].get("kind"):
                continue  # a resource backend (e.g. a storage bucket): valid, and not a Service
            if not isinstance(service_ref, Mapping) or not service_ref.get("name"):
                findings.append(Finding(
                    "ingress-backend-service", "error", ingress.line_of(*path, "backend"),
                    f"{ingress.title()}: the backend of path '{entry.get('path', '')}' needs "
                    "service.name and service.port (number or name)",
                    ingress.source,
                ))
                continue
            name = str(service_ref["name"])
            number = service_ref.get("port", {}).get("number") if isinstance(
                service_ref.get("port"), Mapping) else None
            if number is not None and not (is_int(number) and 0 < number < 65536):
                findings.append(Finding(
                    "ingress-backend-port", "error",
                    ingress.line_of(*path, "backend", "service", "port", "number"),
                    f"{ingress.title()}: port.number {number!r} must be a number from 1 to "
                    "65535" + (" without quotes (a named port goes in port.name)"
                               if isinstance(number, str) else ""),
                    ingress.source,
                ))
                continue
            service = by_name.get((ingress.namespace or "default", name))
            if service is None and partial and (
                ingress.namespace or "default") not in namespaces_with_services:
                continue  # the Services live elsewhere: nothing to compare with
            if service is None:
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
                "kubernetes.io/ingress.class; it is deprecated, and controllers that read "
                "only spec.ingressClassName will not pick this Ingress up"
            )
            fix = f"Use spec.ingressClassName: {expected}."
        elif value is None:
            message = (
                f"{ingress.title()} has no spec.ingressClassName, so which controller serves it "
                "depends on the cluster's default IngressClass; with another controller "
                "installed, or no default, nobody routes it"
            )
            fix = f"Write ingressClassName: {expected}."
        else:
            message = (
                f"{ingress.title()} has ingressClassName '{value}', but this cluster's "
                f"controller is '{expected}': no controller will pick this Ingress up"
            )
            fix = f"Name the cluster's controller: ingressClassName: {expected}."
        findings.append(Finding(
            "ingress-class", "error", ingress.line_of("spec", "ingressClassName"), message,
            ingress.source, fix,
        ))
    return findings


# ---------------------------------------------------------------------------------------------
# The full checker: check(text) -> [Finding]
# ---------------------------------------------------------------------------------------------

# Pure-Python YAML reads about 150 KB a second (slower in the browser); beyond this the checker
# answers at once with a finding instead of keeping a learner waiting.
MAX_YAML_CHARS = 256 * 1024


@dataclass(frozen=True)
class KindInfo:
    """What the checker knows about one kind: the apiVersions it is served as, and its scope."""

    versions: tuple[str, ...]  # preferred first
    namespaced: bool = True
    older: tuple[str, ...] = ()  # still served, but superseded (a warning)


def _kinds(
    versions: tuple[str, ...], names: str, namespaced: bool = True, older: tuple[str, ...] = ()
) -> dict[str, KindInfo]:
    return {name: KindInfo(versions, namespaced, older) for name in names.split()}


V1 = ("v1",)
KINDS: dict[str, dict[str, KindInfo]] = {
    "": {
        **_kinds(V1, "Pod Service ConfigMap Secret ServiceAccount PersistentVolumeClaim "
                 "Endpoints LimitRange ResourceQuota ReplicationController PodTemplate Event"),
        **_kinds(V1, "Namespace PersistentVolume Node", namespaced=False),
    },
    "apps": _kinds(V1, "Deployment StatefulSet DaemonSet ReplicaSet ControllerRevision"),
    "batch": _kinds(V1, "Job CronJob"),
    "networking.k8s.io": {
        **_kinds(V1, "Ingress NetworkPolicy"),
        **_kinds(V1, "IngressClass", namespaced=False),
    },
    "policy": _kinds(V1, "PodDisruptionBudget"),
    "autoscaling": _kinds(("v2", "v1"), "HorizontalPodAutoscaler"),
    "rbac.authorization.k8s.io": {
        **_kinds(V1, "Role RoleBinding"),
        **_kinds(V1, "ClusterRole ClusterRoleBinding", namespaced=False),
    },
    "discovery.k8s.io": _kinds(V1, "EndpointSlice"),
    "storage.k8s.io": _kinds(V1, "StorageClass", namespaced=False),
    "apiextensions.k8s.io": _kinds(V1, "CustomResourceDefinition", namespaced=False),
    "traefik.io": _kinds(
        ("v1alpha1", "v1"), "IngressRoute IngressRouteTCP IngressRouteUDP Middleware "
        "MiddlewareTCP TLSOption TLSStore TraefikService ServersTransport ServersTransportTCP",
    ),
    "helm.cattle.io": _kinds(V1, "HelmChart HelmChartConfig"),
    "metallb.io": {
        **_kinds(("v1beta1",), "IPAddressPool L2Advertisement BGPAdvertisement BFDProfile "
                 "Community"),
        **_kinds(("v1beta2", "v1beta1"), "BGPPeer"),
    },
    "gateway.networking.k8s.io": {
        **_kinds(("v1", "v1beta1"), "Gateway GatewayClass HTTPRoute", older=("v1beta1",)),
        **_kinds(V1, "GRPCRoute"),
        **_kinds(("v1beta1", "v1alpha2", "v1"), "ReferenceGrant"),
        **_kinds(("v1alpha2", "v1alpha3", "v1"), "TCPRoute TLSRoute UDPRoute"),
        **_kinds(("v1alpha3", "v1"), "BackendTLSPolicy"),
    },
    "networking.istio.io": {
        **_kinds(("v1", "v1beta1", "v1alpha3"), "VirtualService DestinationRule Gateway "
                 "ServiceEntry Sidecar WorkloadEntry WorkloadGroup"),
        **_kinds(("v1alpha3",), "EnvoyFilter"),
    },
    "security.istio.io": _kinds(
        ("v1", "v1beta1"), "PeerAuthentication AuthorizationPolicy RequestAuthentication"
    ),
    "cilium.io": {
        **_kinds(("v2",), "CiliumNetworkPolicy"),
        **_kinds(("v2",), "CiliumClusterwideNetworkPolicy", namespaced=False),
        **_kinds(("v2alpha1", "v2"), "CiliumLoadBalancerIPPool CiliumL2AnnouncementPolicy",
                 namespaced=False),
    },
    "cert-manager.io": {
        **_kinds(V1, "Certificate Issuer CertificateRequest"),
        **_kinds(V1, "ClusterIssuer", namespaced=False),
    },
}


def _removed(api_version: str, kinds: str, why: str) -> dict[tuple[str, str], str]:
    return {(api_version, kind): why for kind in kinds.split()}


# apiVersions a current cluster no longer serves, and why.
REMOVED_APIS: dict[tuple[str, str], str] = {
    **_removed("extensions/v1beta1", "Deployment DaemonSet ReplicaSet NetworkPolicy",
               "was removed in Kubernetes 1.16"),
    **_removed("extensions/v1beta1", "Ingress", "was removed in Kubernetes 1.22"),
    **_removed("apps/v1beta1", "Deployment StatefulSet", "was removed in Kubernetes 1.16"),
    **_removed("apps/v1beta2", "Deployment StatefulSet DaemonSet ReplicaSet",
               "was removed in Kubernetes 1.16"),
    **_removed("networking.k8s.io/v1beta1", "Ingress IngressClass",
               "was removed in Kubernetes 1.22"),
    **_removed("batch/v1beta1", "CronJob", "was removed in Kubernetes 1.25"),
    **_removed("policy/v1beta1", "PodDisruptionBudget", "was removed in Kubernetes 1.25"),
    **_removed("autoscaling/v2beta1", "HorizontalPodAutoscaler", "was removed in Kubernetes 1.25"),
    **_removed("autoscaling/v2beta2", "HorizontalPodAutoscaler", "was removed in Kubernetes 1.26"),
    **_removed("discovery.k8s.io/v1beta1", "EndpointSlice", "was removed in Kubernetes 1.25"),
    **_removed("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition",
               "was removed in Kubernetes 1.22"),
    **_removed("rbac.authorization.k8s.io/v1beta1",
               "Role RoleBinding ClusterRole ClusterRoleBinding", "was removed in Kubernetes 1.22"),
    **_removed("traefik.containo.us/v1alpha1",
               "IngressRoute IngressRouteTCP IngressRouteUDP Middleware MiddlewareTCP TLSOption "
               "TLSStore TraefikService ServersTransport",
               "is Traefik v2's API group; Traefik v3, which current K3s releases ship, only "
               "reads traefik.io"),
    **_removed("k3s.cattle.io/v1", "HelmChart HelmChartConfig",
               "is the group of very old K3s releases; it was renamed"),
}

YAML11_BOOLEANS = frozenset(
    "y Y yes Yes YES n N no No NO on On ON off Off OFF true True TRUE false False FALSE".split()
)
DNS_LABEL_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS_1035_RE = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
SUBDOMAIN_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
IANA_SVC_NAME_RE = re.compile(r"^(?=.{1,15}$)(?=[a-z0-9-]*[a-z])[a-z0-9]+(-[a-z0-9]+)*$")
LABEL_NAME_RE = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")
LABEL_VALUE_RE = re.compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$")
CONFIG_KEY_RE = re.compile(r"^[-._a-zA-Z0-9]+$")
ENV_NAME_RE = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")
QUANTITY_RE = re.compile(
    r"^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(?:[eE]([+-]?[0-9]+))?"
    r"(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$"
)
QUANTITY_FACTORS = {
    None: 1, "n": 1e-9, "u": 1e-6, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12,
    "P": 1e15, "E": 1e18, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50,
    "Ei": 2**60,
}
CRON_MACROS = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")
SECRET_TYPES_WITH_KEYS = {
    "kubernetes.io/tls": ("tls.crt", "tls.key"),
    "kubernetes.io/basic-auth": (),
    "kubernetes.io/dockerconfigjson": (".dockerconfigjson",),
}
MAX_CONFIG_BYTES = 1024 * 1024

# Field names, to catch typos such as `containerport` or `imagePullpolicy` (Kubernetes 1.33).
POD_SPEC_FIELDS = frozenset("""
    activeDeadlineSeconds affinity automountServiceAccountToken containers dnsConfig dnsPolicy
    enableServiceLinks ephemeralContainers hostAliases hostIPC hostNetwork hostPID hostUsers
    hostname hostnameOverride imagePullSecrets initContainers nodeName nodeSelector os overhead
    preemptionPolicy priority priorityClassName readinessGates resourceClaims resources
    restartPolicy runtimeClassName schedulerName schedulingGates securityContext serviceAccount
    serviceAccountName setHostnameAsFQDN shareProcessNamespace subdomain
    terminationGracePeriodSeconds tolerations topologySpreadConstraints volumes
""".split())
CONTAINER_FIELDS = frozenset("""
    args command env envFrom image imagePullPolicy lifecycle livenessProbe name ports
    readinessProbe resizePolicy resources restartPolicy restartPolicyRules securityContext
    startupProbe stdin stdinOnce terminationMessagePath terminationMessagePolicy tty
    volumeDevices volumeMounts workingDir
""".split())
CONTAINER_PORT_FIELDS = frozenset("containerPort hostIP hostPort name protocol".split())
WORKLOAD_SPEC_FIELDS = {
    "Deployment": frozenset("minReadySeconds paused progressDeadlineSeconds replicas "
                            "revisionHistoryLimit selector strategy template".split()),
    "StatefulSet": frozenset("minReadySeconds ordinals persistentVolumeClaimRetentionPolicy "
                             "podManagementPolicy replicas revisionHistoryLimit selector "
                             "serviceName template updateStrategy volumeClaimTemplates".split()),
    "DaemonSet": frozenset("minReadySeconds revisionHistoryLimit selector template "
                           "updateStrategy".split()),
    "ReplicaSet": frozenset("minReadySeconds replicas selector template".split()),
}
SERVICE_SPEC_FIELDS = frozenset("""
    allocateLoadBalancerNodePorts clusterIP clusterIPs externalIPs externalName
    externalTrafficPolicy healthCheckNodePort internalTrafficPolicy ipFamilies ipFamilyPolicy
    loadBalancerClass loadBalancerIP loadBalancerSourceRanges ports publishNotReadyAddresses
    selector sessionAffinity sessionAffinityConfig trafficDistribution type
""".split())
SERVICE_PORT_FIELDS = frozenset("appProtocol name nodePort port protocol targetPort".split())
SERVICE_TYPES = ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName")
INGRESS_SPEC_FIELDS = frozenset("defaultBackend ingressClassName rules tls".split())
TOP_LEVEL_FIELDS = frozenset("apiVersion kind metadata spec status".split())
TOP_LEVEL_EXTRA = {
    "ConfigMap": frozenset("data binaryData immutable".split()),
    "Secret": frozenset("data stringData type immutable".split()),
    "Namespace": frozenset(),
    "ServiceAccount": frozenset("secrets imagePullSecrets automountServiceAccountToken".split()),
    "Role": frozenset(["rules"]),
    "ClusterRole": frozenset("rules aggregationRule".split()),
    "RoleBinding": frozenset("subjects roleRef".split()),
    "ClusterRoleBinding": frozenset("subjects roleRef".split()),
    "StorageClass": frozenset("provisioner parameters reclaimPolicy mountOptions "
                              "allowVolumeExpansion volumeBindingMode allowedTopologies".split()),
    "Endpoints": frozenset(["subsets"]),
    "EndpointSlice": frozenset("addressType endpoints ports".split()),
    "Event": frozenset("action count eventTime firstTimestamp involvedObject lastTimestamp "
                       "message reason related reportingComponent reportingInstance series "
                       "source type".split()),
    "List": frozenset(["items"]),
}
PROTOCOLS = ("TCP", "UDP", "SCTP")
KNOWN_CONTROLLERS = {
    "nginx": "k8s.io/ingress-nginx",
    "traefik": "traefik.io/ingress-controller",
    "haproxy": "haproxy.org/ingress-controller",
}
CONTROLLER_ANNOTATION_PREFIXES = {
    "nginx.ingress.kubernetes.io/": "nginx",
    "traefik.ingress.kubernetes.io/": "traefik",
    "haproxy.org/": "haproxy",
    "haproxy-ingress.github.io/": "haproxy",
}
LINKERD_INJECT = "linkerd.io/inject"
LINKERD_INJECT_VALUES = ("enabled", "disabled", "ingress")
ISTIO_INJECTION_LABEL = "istio-injection"
ISTIO_SIDECAR_LABEL = "sidecar.istio.io/inject"
K3S_TRAEFIK_ENTRYPOINTS = ("web", "websecure", "traefik", "metrics")
METALLB_NAMESPACE = "metallb-system"
METALLB_POOL_ANNOTATIONS = ("metallb.io/address-pool", "metallb.universe.tf/address-pool")
METALLB_IPS_ANNOTATIONS = ("metallb.io/loadBalancerIPs", "metallb.universe.tf/loadBalancerIPs")
METALLB_SHARING_ANNOTATIONS = ("metallb.io/allow-shared-ip", "metallb.universe.tf/allow-shared-ip")
K3S_CHARTS = ("traefik", "traefik-crd")
GATEWAY_PROTOCOLS = ("HTTP", "HTTPS", "TLS", "TCP", "UDP")
HTTPROUTE_PATH_TYPES = ("Exact", "PathPrefix", "RegularExpression")
TRAEFIK_MIDDLEWARES = frozenset("""
    addPrefix basicAuth buffering chain circuitBreaker compress contentType digestAuth errors
    forwardAuth grpcWeb headers inFlightReq ipAllowList ipWhiteList passTLSClientCert plugin
    rateLimit redirectRegex redirectScheme replacePath replacePathRegex retry stripPrefix
    stripPrefixRegex
""".split())


def api_group(api_version: str) -> str:
    """'apps/v1' -> 'apps'; 'v1' -> '' (the core group)."""
    return api_version.rsplit("/", 1)[0] if "/" in api_version else ""


def is_int(value: Any) -> bool:
    """An integer that is not a boolean (YAML's true is an int to Python)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_port(value: Any) -> bool:
    """A TCP/UDP port number."""
    return is_int(value) and 0 < value < 65536


def not_a_string(value: Any) -> str | None:
    """Why a value that Kubernetes wants as a string is not one; None when it is fine."""
    if isinstance(value, bool):
        return f"{str(value).lower()} is read as a boolean"
    if isinstance(value, (int, float)):
        return f"{value} is read as a number"
    if isinstance(value, Mapping):
        return "it is a mapping"
    if isinstance(value, list):
        return "it is a list"
    if type(value) is str and value in YAML11_BOOLEANS:
        return (
            f"an unquoted {value} is a boolean to Kubernetes, which reads YAML 1.1 "
            "(yes/no/on/off included)"
        )
    return None


def nearest(word: str, choices: Iterable[str], cutoff: float = 0.75) -> str | None:
    """The choice `word` was probably meant to be: same letters in another case, or close."""
    options = list(choices)
    for option in options:
        if option.lower() == word.lower():
            return option
    close = difflib.get_close_matches(word, options, n=1, cutoff=cutoff)
    return close[0] if close else None


def at(r: Resource, rule: str, severity: str, path: tuple[str | int, ...], message: str,
       fix: str = "") -> Finding:
    """A finding about the key at `path` of resource `r` (its remedy, if any, in `fix`)."""
    return Finding(rule, severity, r.line_of(*path), message, r.source, fix)


def mapping_at(r: Resource, path: tuple[str | int, ...]) -> Any:
    """The node at `path` when it is a mapping, else None."""
    node = r.get(*path)
    return node if isinstance(node, Mapping) else None


def as_list(node: Any) -> list[Any]:
    """The node when it is a list, else []."""
    return node if isinstance(node, list) else []


def list_at(r: Resource, path: tuple[str | int, ...]) -> list[Any]:
    """The node at `path` when it is a list, else []."""
    node = r.get(*path)
    return node if isinstance(node, list) else []


def shape_problem(
    r: Resource, path: tuple[str | int, ...], want: type, what: str
) -> Finding | None:
    """An error when the node at `path` exists but is not a mapping/list as it should be."""
    node = r.get(*path)
    if node is None or isinstance(node, want):
        return None
    shape = "a mapping (key: value lines)" if want is Mapping else "a list ('- ' items)"
    found = (
        "a list" if isinstance(node, list) else "a mapping" if isinstance(node, Mapping)
        else f"the value {node!r:.40}"
    )
    return at(r, "field-shape", ERROR, path, (
        f"{r.title()}: {what} must be {shape}, but it is {found}; the API server rejects the "
        "resource. Check the indentation and the '- ' markers"
    ))


def unknown_fields(
    r: Resource, path: tuple[str | int, ...], allowed: Iterable[str], what: str
) -> list[Finding]:
    """Report keys of the mapping at `path` that Kubernetes does not know (typos above all)."""
    node = mapping_at(r, path)
    if node is None:
        return []
    known = frozenset(allowed)
    findings = []
    for key in node:
        if not isinstance(key, str) or key in known:
            continue
        guess = nearest(key, known)
        if guess:
            findings.append(at(r, "unknown-field", ERROR, (*path, key), (
                f"{r.title()}: {what} has no field '{key}'; did you mean '{guess}'? Field names "
                "are case-sensitive. kubectl rejects unknown fields (or, with validation off, "
                "drops them silently, so the setting never takes effect)"
            )))
        else:
            findings.append(at(r, "unknown-field", WARNING, (*path, key), (
                f"{r.title()}: '{key}' is not a field of {what} that this checker knows; "
                "kubectl rejects unknown fields. If it is a newer Kubernetes field, ignore this"
            )))
    return findings


def parse_quantity(value: Any) -> float | None:
    """A Kubernetes quantity (500m, 1.5, 256Mi) as a number, or None if it is not one."""
    if is_int(value) or isinstance(value, float):
        return float(value)
    if not isinstance(value, str):
        return None
    match = QUANTITY_RE.match(value.strip())
    if not match:
        return None
    number = float(match.group(1)) * (10 ** int(match.group(2)) if match.group(2) else 1)
    return number * QUANTITY_FACTORS[match.group(3)]


def namespace_of(r: Resource) -> str:
    """The namespace a namespaced resource lands in when applied without -n."""
    return r.namespace or "default"


class Cluster:
    """Every resource being checked, indexed for cross-resource rules."""

    def __init__(self, resources: Iterable[Resource]) -> None:
        self.resources = list(resources)
        self._by_kind: dict[tuple[str, str], list[Resource]] = {}
        for r in self.resources:
            self._by_kind.setdefault((api_group(r.api_version), r.kind), []).append(r)

    def kind(self, kind: str, group: str = "") -> list[Resource]:
        """Resources of one kind in one API group."""
        return self._by_kind.get((group, kind), [])

    def in_namespace(self, kind: str, group: str, namespace: str) -> list[Resource]:
        """Resources of one kind in one namespace."""
        return [r for r in self.kind(kind, group) if namespace_of(r) == namespace]

    def get(self, kind: str, group: str, name: str, namespace: str) -> Resource | None:
        """One resource by kind, name and namespace."""
        return next((r for r in self.in_namespace(kind, group, namespace) if r.name == name), None)

    def workloads(self) -> list[Resource]:
        """Everything that makes pods."""
        return workloads(self.resources)


def binary_problem(text: str) -> tuple[int, str] | None:
    """(line, message) when the text is clearly not text: NUL bytes or many control chars."""
    bad = [i for i, c in enumerate(text[:65536]) if c == "\x00" or (c < " " and c not in "\t\n\r")]
    if "\x00" not in text and len(bad) < 3:
        return None
    first = text.find("\x00") if "\x00" in text else bad[0]
    line = text.count("\n", 0, first) + 1
    return line, (
        "the file contains NUL bytes or control characters: it looks like a binary file "
        "(an image, an archive, a compiled file), not YAML text"
    )


def read_for_check(
    text: str, source: str = "", max_chars: int | None = MAX_YAML_CHARS
) -> tuple[list[Resource], list[Finding]]:
    """Read a file for check(): its resources, and findings for what could not be read.

    Unlike load_documents it never raises: a syntax error, a file that is too large or not
    text becomes a finding, and documents that are empty, lists or plain values are reported
    while the other documents are still returned. `kind: List` is unpacked into its items.
    """
    if max_chars is not None and len(text) > max_chars:
        return [], [Finding(
            "file-too-large", ERROR, 1,
            f"the file has {len(text) // 1024} KB of text; this checker reads at most "
            f"{max_chars // 1024} KB so that it answers quickly. Split it into smaller files "
            "(one per component) and check those",
            source,
        )]
    problem = binary_problem(text)
    if problem:
        return [], [Finding("not-text", ERROR, problem[0], problem[1], source)]
    try:
        yaml, documents, notes = parse_yaml(text, source)
    except ManifestError as exc:
        return [], [Finding("yaml-syntax", ERROR, exc.line, exc.message, source)]
    findings = [
        Finding("yaml-warning", WARNING, note_line(note), f"YAML: {note}", source)
        for note in notes
    ]
    if documents and documents[-1] is None:
        documents.pop()  # a trailing '---' leaves an empty last document: harmless
    if not documents:
        return [], [*findings, Finding(
            "empty-file", ERROR, 1,
            "the file has no YAML documents: kubectl apply would say 'no objects passed to "
            "apply'", source,
        )]
    starts: list[int] | None = None
    resources: list[Resource] = []
    for index, data in enumerate(documents, start=1):
        if isinstance(data, Mapping):
            line = data.lc.line + 1 if getattr(data, "lc", None) is not None else 1
            document = Resource(data=data, line=line, index=index, source=source)
            if document.kind == "List" and isinstance(data.get("items"), list):
                findings += list_items(document, resources)
            else:
                resources.append(document)
            continue
        starts = starts or document_start_lines(yaml, text)
        line = starts[index - 1] if index - 1 < len(starts) else 1
        if data is None:
            findings.append(Finding(
                "empty-document", WARNING, line,
                f"document {index} is empty (nothing between two '---' lines). kubectl skips "
                "it, but an empty document often means a resource was lost while editing",
                source,
            ))
        elif isinstance(data, list):
            findings.append(Finding(
                "document-not-mapping", ERROR, line,
                f"document {index} is a list, but a Kubernetes resource is a mapping "
                "(apiVersion:, kind:, metadata:, spec:). To put several resources in one "
                "file, separate them with '---' lines",
                source,
            ))
        else:
            findings.append(Finding(
                "document-not-mapping", ERROR, line,
                f"document {index} is a plain value ({data!r:.40}), but a Kubernetes "
                "resource is a mapping (apiVersion:, kind:, metadata:, spec:)",
                source,
            ))
    return resources, findings


def note_line(note: str) -> int:
    """The last 'line N' a ruamel warning mentions (where the problem is), else 1."""
    found = re.findall(r"line:? (\d+)", note)
    return int(found[-1]) if found else 1


def list_items(document: Resource, resources: list[Resource]) -> list[Finding]:
    """Add the items of a `kind: List` as resources of their own."""
    findings = []
    for i, item in enumerate(document.data["items"]):
        if isinstance(item, Mapping):
            line = item.lc.line + 1 if getattr(item, "lc", None) is not None else document.line
            resources.append(Resource(item, line, document.index, document.source))
        else:
            findings.append(at(document, "document-not-mapping", ERROR, ("items", i), (
                f"item {i + 1} of this List is not a mapping; each item is a resource "
                "(apiVersion:, kind:, metadata:, spec:)"
            )))
    return findings


def kind_info(r: Resource) -> KindInfo | None:
    """What the checker knows about this resource's kind in its API group, if anything."""
    return KINDS.get(api_group(r.api_version), {}).get(r.kind)


def groups_of_kind(kind: str) -> list[str]:
    """Every known API group that has this kind."""
    return [group for group, kinds in KINDS.items() if kind in kinds]


def spelled_api_version(group: str, kind: str) -> str:
    """The apiVersion a kind is written with: 'apps/v1', 'v1'."""
    version = KINDS[group][kind].versions[0]
    return f"{group}/{version}" if group else version


def check_identity(r: Resource) -> tuple[list[Finding], bool]:
    """apiVersion, kind and metadata of any resource; and whether its kind checks may run.

    Kind checks run only when the kind is known and served in the apiVersion written, since
    an old apiVersion has another shape (extensions/v1beta1 Ingress: serviceName, servicePort).
    """
    findings: list[Finding] = []
    raw_version, raw_kind = r.data.get("apiVersion"), r.data.get("kind")
    doc = f"document {r.index}" + (f" ({raw_kind})" if isinstance(raw_kind, str) else "")
    if raw_version is None or raw_version == "":
        hint = (
            f" A {raw_kind} is {', or '.join(spelled_api_version(g, raw_kind) for g in groups)}"
            if isinstance(raw_kind, str) and (groups := groups_of_kind(raw_kind)) else ""
        )
        findings.append(Finding(
            "missing-api-version", ERROR, r.line,
            f"{doc} has no apiVersion, so kubectl cannot tell which API serves it.{hint}",
            r.source,
        ))
    elif not isinstance(raw_version, str):
        findings.append(at(r, "missing-api-version", ERROR, ("apiVersion",), (
            f"{doc}: apiVersion must be a string such as apps/v1, not {raw_version!r:.30}"
        )))
    if raw_kind is None or raw_kind == "":
        findings.append(Finding(
            "missing-kind", ERROR, r.line,
            f"document {r.index} has no kind, so kubectl cannot tell what to create "
            "(Deployment, Service, ...)", r.source,
        ))
    elif not isinstance(raw_kind, str):
        findings.append(at(r, "missing-kind", ERROR, ("kind",), (
            f"document {r.index}: kind must be a word such as Deployment, not {raw_kind!r:.30}"
        )))
    findings += check_metadata(r)
    if findings and any(f.rule in ("missing-api-version", "missing-kind") for f in findings):
        return findings, False
    return findings + check_kind_known(r), kind_runs(r)


def kind_runs(r: Resource) -> bool:
    """True when the kind is known and its apiVersion is served."""
    info = kind_info(r)
    return info is not None and r.api_version.rsplit("/", 1)[-1] in info.versions


def check_kind_known(r: Resource) -> list[Finding]:
    """Is this kind served under this apiVersion? Removed versions and typos are errors."""
    group, version = api_group(r.api_version), r.api_version.rsplit("/", 1)[-1]
    kind = r.kind
    removed = REMOVED_APIS.get((r.api_version, kind))
    groups = groups_of_kind(kind)
    if removed:
        now = " or ".join(spelled_api_version(g, kind) for g in groups) or "a newer version"
        return [at(r, "removed-api-version", ERROR, ("apiVersion",), (
            f"{r.title()}: apiVersion {r.api_version} {removed}, so a current cluster rejects "
            "it ('no matches for kind')"
        ), f"Use {now}" + (" (its Ingress backend is service: {name, port: {number}}, not "
                            "serviceName/servicePort)." if kind == "Ingress" else "."))]
    info = kind_info(r)
    if info is not None:
        if version not in info.versions:
            return [at(r, "api-version", ERROR, ("apiVersion",), (
                f"{r.title()}: {group + '/' if group else ''}{version} is not a version this "
                "kind is served as, so the API server does not know the resource"
            ), f"Write apiVersion: {spelled_api_version(group, kind)}.")]
        if version in info.older:
            return [at(r, "api-version-older", WARNING, ("apiVersion",), (
                f"{r.title()}: {r.api_version} still works but is superseded: current docs "
                "and controllers use a newer version, and a later release may drop this one"
            ), f"Write {spelled_api_version(group, kind)}.")]
        return []
    if groups:
        return [at(r, "api-version", ERROR, ("apiVersion",), (
            f"{r.title()}: a {kind} is "
            f"{' or '.join(spelled_api_version(g, kind) for g in groups)}, not {r.api_version}; "
            "with this apiVersion kubectl reports 'no matches for kind'"
        ))]
    if group in KINDS:
        guess = nearest(kind, KINDS[group])
        if guess:
            return [at(r, "unknown-kind", ERROR, ("kind",), (
                f"there is no kind '{kind}' in {r.api_version}; did you mean '{guess}'? Kinds "
                "are case-sensitive (kubectl: 'no matches for kind')"
            ))]
        return [at(r, "unknown-kind", WARNING, ("kind",), (
            f"'{kind}' is not a kind of {group or 'the core API'} that this checker knows, so "
            "only its metadata was checked"
        ))]
    for known_group, kinds in KINDS.items():
        guess = next((k for k in kinds if k.lower() == kind.lower()), None)
        if guess and guess != kind:
            return [at(r, "unknown-kind", ERROR, ("kind",), (
                f"kind '{kind}' should be written '{guess}' (kinds are case-sensitive), with "
                f"apiVersion {spelled_api_version(known_group, guess)}"
            ))]
    return []


def check_metadata(r: Resource) -> list[Finding]:
    """metadata: a valid name, namespace, labels and annotations."""
    metadata = r.data.get("metadata")
    if metadata is None:
        return [Finding(
            "missing-metadata", ERROR, r.line,
            f"document {r.index} ({r.kind or 'no kind'}) has no metadata: every resource needs "
            "at least metadata.name", r.source,
        )]
    if not isinstance(metadata, Mapping):
        return [at(r, "field-shape", ERROR, ("metadata",), (
            f"document {r.index}: metadata must be a mapping with name: (and namespace:, "
            "labels:), not a single value; check the indentation under metadata:"
        ))]
    findings = []
    name = metadata.get("name")
    if name is None or name == "":
        if not metadata.get("generateName"):
            findings.append(at(r, "missing-name", ERROR, ("metadata",), (
                f"document {r.index} ({r.kind or 'no kind'}) has no metadata.name; the API "
                "server needs a name to create it, and other resources refer to it by name"
            )))
    elif not isinstance(name, str):
        findings.append(at(r, "invalid-name", ERROR, ("metadata", "name"), (
            f"{r.kind}: metadata.name {name!r} is read as a {type(name).__name__}; names are "
            f"strings: quote it (name: \"{name}\")"
        )))
    else:
        findings += check_name_format(r, name)
    namespace = metadata.get("namespace")
    info = kind_info(r)
    if namespace is not None:
        if not isinstance(namespace, str) or not DNS_LABEL_RE.match(namespace):
            findings.append(at(r, "invalid-name", ERROR, ("metadata", "namespace"), (
                f"{r.title()}: namespace {namespace!r:.40} is not a valid namespace name "
                "(lower-case letters, digits and '-', at most 63 characters)"
            )))
        elif info is not None and not info.namespaced:
            findings.append(at(r, "namespace-on-cluster-resource", WARNING,
                               ("metadata", "namespace"), (
                f"{r.title()}: a {r.kind} belongs to the whole cluster, not to a namespace, so "
                f"namespace: {namespace} is ignored and only misleads the reader"
            )))
    findings += check_string_map(r, ("metadata", "labels"), "label")
    findings += check_string_map(r, ("metadata", "annotations"), "annotation")
    return findings


def check_name_format(r: Resource, name: str) -> list[Finding]:
    """Names must be DNS-friendly; Services and Namespaces even more so."""
    if r.kind == "Service":
        if len(name) <= 63 and DNS_1035_RE.match(name):
            return []
        why = (
            "a Service's name becomes a DNS name (name.namespace.svc), so it must start with a "
            "lower-case letter and use only lower-case letters, digits and '-' (no '.'), at "
            "most 63 characters"
        )
    elif r.kind == "Namespace":
        if len(name) <= 63 and DNS_LABEL_RE.match(name):
            return []
        why = (
            "it must be lower-case letters, digits and '-', starting and ending with a letter "
            "or digit, at most 63 characters"
        )
    else:
        if len(name) <= 253 and SUBDOMAIN_RE.match(name):
            return []
        why = (
            "names are lower-case letters, digits, '-' and '.', starting and ending with a "
            "letter or digit"
        )
    return [at(r, "invalid-name", ERROR, ("metadata", "name"), (
        f"{r.kind or 'resource'}: metadata.name '{name}' is not a valid name, so the API "
        f"server rejects it: {why}"
    ))]


def label_key_problem(key: Any) -> str | None:
    """Why a label or annotation key is invalid (prefix/name rules), or None."""
    if not isinstance(key, str):
        return f"the key {key!r} is not a string"
    prefix, slash, name = key.rpartition("/")
    if slash and (not prefix or len(prefix) > 253 or not SUBDOMAIN_RE.match(prefix)):
        return f"the prefix '{prefix}' must be a DNS name such as app.kubernetes.io"
    if not LABEL_NAME_RE.match(name):
        return (
            f"'{name}' must be at most 63 letters, digits, '-', '_' or '.', starting and "
            "ending with a letter or digit"
        )
    return None


def check_string_map(r: Resource, path: tuple[str | int, ...], what: str) -> list[Finding]:
    """Labels and annotations: a mapping of valid keys to string values."""
    node = r.get(*path)
    if node is None:
        return []
    if not isinstance(node, Mapping):
        return [at(r, "field-shape", ERROR, path, (
            f"{r.title()}: {what}s must be a mapping of key: value lines, not "
            f"{'a list' if isinstance(node, list) else repr(node)[:30]}"
        ))]
    findings = []
    for key, value in node.items():
        where = (*path, key)
        problem = label_key_problem(key)
        if problem:
            findings.append(at(r, f"invalid-{what}", ERROR, where, (
                f"{r.title()}: {what} key {key!r:.60} is invalid: {problem}"
            )))
            continue
        if value is None:
            continue
        why = not_a_string(value)
        if why:
            findings.append(at(r, f"{what}-not-string", ERROR, where, (
                f"{r.title()}: {what} {key}: {why}, but {what} values must be strings, so the "
                "API server rejects the resource"
                if not isinstance(value, (Mapping, list)) else
                f"{r.title()}: {what} {key}: {why}, but {what} values must be strings"
            ), f"Quote it: {key}: \"{value}\"" if not isinstance(value, (Mapping, list)) else ""))
        elif what == "label" and not LABEL_VALUE_RE.match(str(value)):
            findings.append(at(r, "invalid-label", ERROR, where, (
                f"{r.title()}: label value '{value:.70}' is invalid: at most 63 letters, "
                "digits, '-', '_' or '.', starting and ending with a letter or digit (no "
                "spaces or '/'); selectors compare these values exactly"
            )))
    return findings


# --- Pods and workloads --------------------------------------------------------------------

def image_tag_problem(image: str) -> str | None:
    """Why an image reference is not pinned, or None."""
    if "@" in image:
        return None
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        return "has no tag, so it means :latest"
    if last.rsplit(":", 1)[1] == "latest":
        return "uses :latest"
    return None


def check_pod_spec(
    r: Resource, spec_path: tuple[str | int, ...], cluster: Cluster, restart: tuple[str, ...]
) -> list[Finding]:
    """The pod spec of a Pod or of a workload's template."""
    problem = shape_problem(r, spec_path, Mapping, "the pod spec")
    if problem:
        return [problem]
    spec = mapping_at(r, spec_path)
    if spec is None:
        return [at(r, "missing-field", ERROR, spec_path[:-1] or spec_path, (
            f"{r.title()} has no pod spec ({'.'.join(map(str, spec_path))}); it needs at "
            "least containers:"
        ))]
    findings = unknown_fields(r, spec_path, POD_SPEC_FIELDS, "a pod spec")
    for key in ("containers", "initContainers", "volumes"):
        problem = shape_problem(r, (*spec_path, key), list, key)
        if problem:
            findings.append(problem)
    containers = list_at(r, (*spec_path, "containers"))
    if not containers:
        findings.append(at(r, "missing-field", ERROR, (*spec_path, "containers"), (
            f"{r.title()}: the pod spec has no containers, so there is nothing to run; list at "
            "least one with a name and an image"
        )))
    policy = spec.get("restartPolicy")
    if policy is not None and policy not in restart:
        findings.append(at(r, "restart-policy", ERROR, (*spec_path, "restartPolicy"), (
            f"{r.title()}: restartPolicy {policy} is not allowed here; a {r.kind}'s pods may "
            f"only use {' or '.join(restart)}"
            + (" (a Job must stop restarting once it succeeds)" if r.kind in ("Job", "CronJob")
               else "")
        )))
    volumes = {
        str(v.get("name")) for v in list_at(r, (*spec_path, "volumes")) if isinstance(v, Mapping)
    }
    if r.kind == "StatefulSet":
        # The StatefulSet controller adds a volume per volumeClaimTemplate to each pod
        # (https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#volume-claim-templates).
        volumes |= {
            str(t.get("metadata", {}).get("name")) for t in list_at(r, ("spec",
                                                                        "volumeClaimTemplates"))
            if isinstance(t, Mapping) and isinstance(t.get("metadata"), Mapping)
        }
    port_names: dict[str, int] = {}
    for key in ("initContainers", "containers"):
        for i, container in enumerate(list_at(r, (*spec_path, key))):
            findings += check_container(
                r, (*spec_path, key, i), container, cluster, volumes, port_names,
                init=key == "initContainers",
            )
    return findings


def check_container(
    r: Resource, path: tuple[str | int, ...], container: Any, cluster: Cluster,
    volumes: set[str], port_names: dict[str, int], init: bool,
) -> list[Finding]:
    """One container: name, image, ports, env, mounts, probes and resources."""
    if not isinstance(container, Mapping):
        return [at(r, "field-shape", ERROR, path, (
            f"{r.title()}: each container is a mapping (name:, image:, ...), not "
            f"{container!r:.30}; check the '- ' and the indentation"
        ))]
    findings = unknown_fields(r, path, CONTAINER_FIELDS, "a container")
    name = container.get("name")
    label = f"container '{name}'" if name else f"container {path[-1] + 1}"
    if not name:
        findings.append(at(r, "missing-field", ERROR, path, (
            f"{r.title()}: {label} has no name; every container needs one (kubectl logs -c, "
            "events and probes refer to it)"
        )))
    elif not isinstance(name, str) or not DNS_LABEL_RE.match(name) or len(name) > 63:
        findings.append(at(r, "invalid-name", ERROR, (*path, "name"), (
            f"{r.title()}: container name {name!r:.40} is invalid: lower-case letters, digits "
            "and '-' only"
        )))
    image = container.get("image")
    if not image:
        findings.append(at(r, "missing-field", ERROR, path, (
            f"{r.title()}: {label} has no image, so the kubelet has nothing to pull and run"
        )))
    elif not isinstance(image, str):
        findings.append(at(r, "field-shape", ERROR, (*path, "image"), (
            f"{r.title()}: {label}: image must be a string such as nginx:1.27"
        )))
    else:
        why = image_tag_problem(image)
        if why:
            findings.append(at(r, "image-not-pinned", WARNING, (*path, "image"), (
                f"{r.title()}: {label}: image {image} {why}. Each node pulls whatever "
                "'latest' means that day, so two pods of one Deployment can run different "
                "code and a rollback cannot go back. Pin a version tag (or a digest)"
            )))
    pull = container.get("imagePullPolicy")
    if pull is not None and pull not in ("Always", "IfNotPresent", "Never"):
        findings.append(at(r, "invalid-value", ERROR, (*path, "imagePullPolicy"), (
            f"{r.title()}: imagePullPolicy {pull} must be Always, IfNotPresent or Never"
        )))
    findings += check_container_ports(r, path, container, label, port_names)
    findings += check_env(r, path, container, label, cluster)
    findings += check_mounts(r, path, container, label, volumes)
    findings += check_probes(r, path, container, label, init)
    findings += check_container_resources(r, path, container, label)
    return findings


def check_container_ports(
    r: Resource, path: tuple[str | int, ...], container: Mapping[str, Any], label: str,
    port_names: dict[str, int],
) -> list[Finding]:
    """containerPort numbers, IANA port names, unique names in the pod."""
    problem = shape_problem(r, (*path, "ports"), list, f"{label}'s ports")
    if problem:
        return [problem]
    findings = []
    seen: set[tuple[str, str]] = set()
    for i, port in enumerate(list_at(r, (*path, "ports"))):
        where = (*path, "ports", i)
        if not isinstance(port, Mapping):
            findings.append(at(r, "field-shape", ERROR, where, (
                f"{r.title()}: {label}: each port is a mapping (containerPort: 8080), not "
                f"{port!r:.30}"
            )))
            continue
        findings += unknown_fields(r, where, CONTAINER_PORT_FIELDS, "a container port")
        number = port.get("containerPort")
        if number is None:
            findings.append(at(r, "missing-field", ERROR, where, (
                f"{r.title()}: {label}: a port entry needs containerPort (the number the app "
                "listens on)"
            )))
        elif not is_port(number):
            findings.append(at(r, "invalid-port", ERROR, (*where, "containerPort"), (
                f"{r.title()}: {label}: containerPort {number!r} must be a number from 1 to "
                "65535" + (" without quotes" if isinstance(number, str) else "")
            )))
        name = port.get("name")
        if name is not None:
            if not isinstance(name, str) or not IANA_SVC_NAME_RE.match(name):
                findings.append(at(r, "invalid-port-name", ERROR, (*where, "name"), (
                    f"{r.title()}: {label}: port name {name!r:.30} is invalid; a port name is at "
                    "most 15 lower-case letters, digits and single '-', with at least one letter, "
                    "so the API server rejects the pod"
                ), "A name such as http, metrics or grpc-api."))
            elif name in port_names:
                findings.append(at(r, "duplicate-port-name", ERROR, (*where, "name"), (
                    f"{r.title()}: port name '{name}' is used twice in the pod (first on line "
                    f"{port_names[name]}); a Service's targetPort: {name} would be ambiguous, so "
                    "the API server rejects it"
                )))
            else:
                port_names[name] = r.line_of(*where, "name")
        protocol = port.get("protocol", "TCP")
        if protocol not in PROTOCOLS:
            findings.append(at(r, "invalid-value", ERROR, (*where, "protocol"), (
                f"{r.title()}: {label}: protocol {protocol} must be TCP, UDP or SCTP (upper case)"
            )))
        key = (repr(number), repr(protocol))
        if key in seen and number is not None:
            findings.append(at(r, "duplicate-port", WARNING, where, (
                f"{r.title()}: {label} declares {protocol} port {number} twice"
            )))
        seen.add(key)
    return findings


def check_env(
    r: Resource, path: tuple[str | int, ...], container: Mapping[str, Any], label: str,
    cluster: Cluster,
) -> list[Finding]:
    """env: names, string values, references to ConfigMaps and Secrets, plain secrets."""
    findings = [
        p for p in (
            shape_problem(r, (*path, "env"), list, f"{label}'s env"),
            shape_problem(r, (*path, "envFrom"), list, f"{label}'s envFrom"),
        ) if p
    ]
    seen: dict[str, int] = {}
    for i, item in enumerate(list_at(r, (*path, "env"))):
        where = (*path, "env", i)
        if not isinstance(item, Mapping):
            findings.append(at(r, "field-shape", ERROR, where, (
                f"{r.title()}: {label}: each env entry is a mapping (- name: PORT, value: "
                f"\"8000\"), not {item!r:.40}. NAME=value lines belong in a ConfigMap"
            )))
            continue
        name = item.get("name")
        if not name or not isinstance(name, str) or not ENV_NAME_RE.match(name):
            findings.append(at(r, "invalid-env", ERROR, where, (
                f"{r.title()}: {label}: an env entry needs a name made of letters, digits, "
                f"'_', '-' or '.' (got {name!r:.30})"
            )))
            continue
        if name in seen:
            findings.append(at(r, "duplicate-env", WARNING, (*where, "name"), (
                f"{r.title()}: {label}: {name} is set twice (also line {seen[name]}); only the "
                "last one counts, so the first is misleading"
            )))
        seen[name] = r.line_of(*where, "name")
        if "value" in item and item["value"] is not None:
            value = item["value"]
            why = not_a_string(value)
            if why:
                findings.append(at(r, "env-not-string", ERROR, (*where, "value"), (
                    f"{r.title()}: {label}: env {name}: {why}, but environment values must be "
                    "strings, so the API server rejects the pod"
                ), f"Quote it: value: \"{value}\""))
            elif looks_like_secret(name, str(value)):
                findings.append(at(r, "plain-secret", WARNING, (*where, "value"), (
                    f"{r.title()}: {label}: {name} is written in plain text in the manifest, so "
                    "everyone who can read the repository or `kubectl get -o yaml` the "
                    "workload can read it. Keep it in a Secret and use valueFrom.secretKeyRef"
                )))
        source = item.get("valueFrom")
        if isinstance(source, Mapping):
            for ref_key, kind in (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")):
                ref = source.get(ref_key)
                if isinstance(ref, Mapping):
                    findings += check_config_ref(
                        r, (*where, "valueFrom", ref_key), ref, kind, label, cluster,
                        key=ref.get("key"),
                    )
    for i, item in enumerate(list_at(r, (*path, "envFrom"))):
        if not isinstance(item, Mapping):
            continue
        for ref_key, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
            ref = item.get(ref_key)
            if isinstance(ref, Mapping):
                findings += check_config_ref(
                    r, (*path, "envFrom", i, ref_key), ref, kind, label, cluster, key=None
                )
    return findings


def looks_like_secret(name: str, value: str) -> bool:
    """A literal secret: a secret-looking name with a value, or a URL with a password."""
    from .findings import is_reference
    from .findings import looks_like_secret_name
    from .findings import password_in_url

    if password_in_url(value):
        return True
    return looks_like_secret_name(name) and not is_reference(value)


def check_config_ref(
    r: Resource, path: tuple[str | int, ...], ref: Mapping[str, Any], kind: str, label: str,
    cluster: Cluster, key: Any,
) -> list[Finding]:
    """A reference to a ConfigMap or Secret (and one of its keys) that the files define."""
    name = ref.get("name")
    if not name:
        return [at(r, "missing-field", ERROR, path, (
            f"{r.title()}: {label}: a {kind} reference needs the {kind}'s name"
        ))]
    if ref.get("optional") is True:
        return []
    namespace = namespace_of(r)
    defined = cluster.in_namespace(kind, "", namespace)
    if not defined:
        return []
    target = next((d for d in defined if d.name == name), None)
    if target is None:
        return [at(r, "missing-reference", WARNING, (*path, "name"), (
            f"{r.title()}: {label} reads {kind} '{name}', which is not defined here (defined: "
            f"{', '.join(repr(d.name) for d in defined)}). If it does not exist in the "
            "cluster either, the pod stays in CreateContainerConfigError"
        ))]
    if key is not None:
        keys = set()
        for section in ("data", "stringData", "binaryData"):
            node = target.get(section)
            if isinstance(node, Mapping):
                keys |= {str(k) for k in node}
        if str(key) not in keys:
            return [at(r, "missing-reference", ERROR, (*path, "key"), (
                f"{r.title()}: {label} reads key '{key}' of {kind} '{name}', but that {kind} "
                f"has only {', '.join(sorted(keys)) or 'no keys'}; the pod would stay in "
                "CreateContainerConfigError"
            ))]
    return []


def check_mounts(
    r: Resource, path: tuple[str | int, ...], container: Mapping[str, Any], label: str,
    volumes: set[str],
) -> list[Finding]:
    """Each volumeMount names a volume of the pod."""
    findings = []
    for i, mount in enumerate(list_at(r, (*path, "volumeMounts"))):
        if not isinstance(mount, Mapping):
            continue
        where = (*path, "volumeMounts", i)
        name = mount.get("name")
        if name is not None and str(name) not in volumes:
            findings.append(at(r, "unknown-volume", ERROR, (*where, "name"), (
                f"{r.title()}: {label} mounts volume '{name}', but the pod spec has no volume "
                f"by that name ({', '.join(sorted(volumes)) or 'no volumes'}); the API server "
                "rejects the pod"
            )))
        if not mount.get("mountPath"):
            findings.append(at(r, "missing-field", ERROR, where, (
                f"{r.title()}: {label}: a volumeMount needs a mountPath (where the volume "
                "appears in the container)"
            )))
    return findings


def check_probes(
    r: Resource, path: tuple[str | int, ...], container: Mapping[str, Any], label: str,
    init: bool,
) -> list[Finding]:
    """Probes: one handler each, named ports that exist; a readiness probe for served pods."""
    findings = []
    names = {
        str(p.get("name")) for p in container.get("ports") or []
        if isinstance(p, Mapping) and p.get("name")
    } if isinstance(container.get("ports"), list) else set()
    for probe_key in ("livenessProbe", "readinessProbe", "startupProbe"):
        probe = container.get(probe_key)
        if probe is None:
            continue
        where = (*path, probe_key)
        if not isinstance(probe, Mapping):
            findings.append(at(r, "field-shape", ERROR, where, (
                f"{r.title()}: {label}: {probe_key} must be a mapping (httpGet:, tcpSocket:, "
                "exec: or grpc:)"
            )))
            continue
        handlers = [h for h in ("httpGet", "tcpSocket", "exec", "grpc") if h in probe]
        if len(handlers) != 1:
            findings.append(at(r, "probe-handler", ERROR, where, (
                f"{r.title()}: {label}: {probe_key} needs exactly one of httpGet, tcpSocket, "
                f"exec or grpc (found {', '.join(handlers) or 'none'})"
            )))
            continue
        handler = probe[handlers[0]]
        port = handler.get("port") if isinstance(handler, Mapping) else None
        if isinstance(port, str) and not port.isdigit() and port not in names:
            findings.append(at(r, "probe-port", ERROR, (*where, handlers[0], "port"), (
                f"{r.title()}: {label}: {probe_key} uses the port named '{port}', but the "
                f"container declares {', '.join(sorted(names)) or 'no named ports'}; the probe "
                "can never succeed"
                + (", so the kubelet keeps restarting the container" if probe_key ==
                   "livenessProbe" else ", so the pod never becomes ready")
            )))
        elif handlers[0] in ("httpGet", "tcpSocket") and port is None:
            findings.append(at(r, "probe-port", ERROR, (*where, handlers[0]), (
                f"{r.title()}: {label}: {probe_key}.{handlers[0]} needs a port"
            )))
    served = r.kind in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet")
    if served and not init and container.get("ports") and "readinessProbe" not in container:
        findings.append(at(r, "no-readiness-probe", WARNING, path, (
            f"{r.title()}: {label} has no readinessProbe, so a Service sends it traffic as "
            "soon as the process starts, before the app can answer, and keeps doing so if it "
            "hangs. Add a readinessProbe (httpGet on a health path) so that only ready pods "
            "are endpoints"
        )))
    return findings


def check_container_resources(
    r: Resource, path: tuple[str | int, ...], container: Mapping[str, Any], label: str
) -> list[Finding]:
    """requests/limits: quantities that parse, memory not in millibytes, requests <= limits."""
    node = container.get("resources")
    if not isinstance(node, Mapping):
        return []
    findings = []
    values: dict[str, dict[str, float]] = {}
    for section in ("requests", "limits"):
        part = node.get(section)
        if not isinstance(part, Mapping):
            continue
        for resource, raw in part.items():
            where = (*path, "resources", section, resource)
            amount = parse_quantity(raw)
            if amount is None:
                findings.append(at(r, "invalid-quantity", ERROR, where, (
                    f"{r.title()}: {label}: {section}.{resource} '{raw}' is not a quantity, so "
                    "the API server rejects the pod"
                ), "Write a quantity such as cpu: 250m or memory: 256Mi."))
                continue
            values.setdefault(section, {})[str(resource)] = amount
            if resource == "memory" and isinstance(raw, str) and raw.strip().endswith("m"):
                findings.append(at(r, "memory-millibytes", ERROR, where, (
                    f"{r.title()}: {label}: memory {raw} means {raw[:-1]} thousandths of a "
                    "byte ('m' is milli), not megabytes: far too little for any container"
                ), f"Write {raw[:-1]}Mi."))
    for resource, request in values.get("requests", {}).items():
        limit = values.get("limits", {}).get(resource)
        if limit is not None and request > limit:
            findings.append(at(r, "request-above-limit", ERROR,
                               (*path, "resources", "requests", resource), (
                f"{r.title()}: {label}: the {resource} request is larger than its limit; the "
                "API server rejects a request above the limit"
            )))
    return findings


def check_pod(r: Resource, cluster: Cluster) -> list[Finding]:
    """A bare Pod."""
    findings = check_pod_annotations(r, ("metadata",))
    return findings + check_pod_spec(r, ("spec",), cluster, ("Always", "OnFailure", "Never"))


def check_pod_annotations(r: Resource, meta_path: tuple[str | int, ...]) -> list[Finding]:
    """Mesh injection written where the mesh reads it: Linkerd annotations, Istio labels."""
    findings = []
    labels = mapping_at(r, (*meta_path, "labels")) or {}
    annotations = mapping_at(r, (*meta_path, "annotations")) or {}
    if LINKERD_INJECT in labels:
        findings.append(at(r, "mesh-injection", WARNING, (*meta_path, "labels", LINKERD_INJECT), (
            f"{r.title()}: {LINKERD_INJECT} is written as a label, but Linkerd's proxy "
            "injector reads it as an annotation, so no proxy is added"
        ), "Move it under annotations."))
    value = annotations.get(LINKERD_INJECT)
    if value is not None and value not in LINKERD_INJECT_VALUES:
        findings.append(at(r, "mesh-injection", WARNING,
                           (*meta_path, "annotations", LINKERD_INJECT), (
            f"{r.title()}: {LINKERD_INJECT}: {value} is not a value Linkerd knows "
            "(enabled, disabled or ingress), so no proxy is injected"
        )))
    if ISTIO_INJECTION_LABEL in annotations:
        findings.append(at(r, "mesh-injection", WARNING,
                           (*meta_path, "annotations", ISTIO_INJECTION_LABEL), (
            f"{r.title()}: {ISTIO_INJECTION_LABEL} is written as an annotation, but Istio reads "
            "it as a label (on the namespace), so no sidecar is injected"
        ), "Move it under labels."))
    return findings


def check_workload(r: Resource, cluster: Cluster) -> list[Finding]:
    """Deployment, StatefulSet, DaemonSet, ReplicaSet: selector, template, pod spec."""
    problem = shape_problem(r, ("spec",), Mapping, "spec")
    if problem:
        return [problem]
    if mapping_at(r, ("spec",)) is None:
        return [at(r, "missing-field", ERROR, (), (
            f"{r.title()} has no spec: it needs selector, template and the pod spec"
        ))]
    findings = unknown_fields(r, ("spec",), WORKLOAD_SPEC_FIELDS[r.kind], f"a {r.kind} spec")
    replicas = r.get("spec", "replicas")
    if replicas is not None and not (is_int(replicas) and replicas >= 0):
        findings.append(at(r, "invalid-value", ERROR, ("spec", "replicas"), (
            f"{r.title()}: replicas {replicas!r} must be a whole number (0 or more), without "
            "quotes"
        )))
    findings += check_template_and_selector(r, ("spec",), ("spec", "selector"))
    findings += check_pod_annotations(r, ("spec", "template", "metadata"))
    findings += check_pod_spec(r, ("spec", "template", "spec"), cluster, ("Always",))
    if r.kind == "StatefulSet":
        findings += check_statefulset_service(r, cluster)
    return findings


def check_template_and_selector(
    r: Resource, spec_path: tuple[str | int, ...], selector_path: tuple[str | int, ...] | None
) -> list[Finding]:
    """A pod template with labels, and (apps/v1) a selector that matches them."""
    findings = []
    template_path = (*spec_path, "template")
    template = mapping_at(r, template_path)
    if template is None:
        return [at(r, "missing-field", ERROR, spec_path, (
            f"{r.title()} has no {'.'.join(map(str, template_path))}: the pod template "
            "(metadata.labels and spec.containers) is what it creates pods from"
        ))]
    labels = mapping_at(r, (*template_path, "metadata", "labels"))
    if selector_path is None:
        return findings
    selector = r.get(*selector_path)
    if selector is None:
        return [at(r, "missing-field", ERROR, spec_path, (
            f"{r.title()} has no spec.selector; apps/v1 requires one, and it must match the "
            "labels of the pod template (spec.template.metadata.labels)"
        ))]
    if not isinstance(selector, Mapping):
        return [at(r, "field-shape", ERROR, selector_path, (
            f"{r.title()}: spec.selector must be a mapping with matchLabels:"
        ))]
    match_labels = selector.get("matchLabels")
    expressions = selector.get("matchExpressions")
    if match_labels is None and expressions is None:
        bare = all(not isinstance(v, (Mapping, list)) for v in selector.values())
        return [at(r, "selector-shape", ERROR, selector_path, (
            f"{r.title()}: spec.selector needs matchLabels: (or matchExpressions:)"
            + ("; the labels are written directly under selector:, which is the Service "
               "style. Put them under matchLabels:" if bare and selector else "")
        ))]
    if not labels:
        return [at(r, "missing-field", ERROR, (*template_path, "metadata"), (
            f"{r.title()}: the pod template has no labels, so the selector can match nothing "
            "and the API server rejects the resource"
        ))]
    if isinstance(match_labels, Mapping) and not selector_matches(match_labels, labels):
        where = (*selector_path, "matchLabels")
        findings.append(at(r, "selector-template-mismatch", ERROR, where, (
            f"{r.title()}: spec.selector.matchLabels ({describe_labels(match_labels)}) does not "
            f"match the pod template's labels ({describe_labels(labels)}, line "
            f"{r.line_of(*template_path, 'metadata', 'labels')}); the API server rejects it "
            "('selector does not match template labels'). Every selector label must appear on "
            "the template"
        )))
    return findings


def check_statefulset_service(r: Resource, cluster: Cluster) -> list[Finding]:
    """A StatefulSet's serviceName should be a headless Service defined alongside it."""
    name = r.get("spec", "serviceName")
    if not name:
        return []
    services = cluster.in_namespace("Service", "", namespace_of(r))
    service = next((s for s in services if s.name == name), None)
    if service is None:
        if services:
            return [at(r, "missing-reference", WARNING, ("spec", "serviceName"), (
                f"{r.title()}: serviceName '{name}' is not among the Services defined here; the "
                f"pods' stable DNS names ({r.name}-0.{name}) need that headless Service"
            ))]
        return []
    if service.get("spec", "clusterIP") != "None":
        return [at(r, "statefulset-service", WARNING, ("spec", "serviceName"), (
            f"{r.title()}: Service '{name}' is not headless (clusterIP: None), so the pods get "
            f"no individual DNS names such as {r.name}-0.{name}"
        ))]
    return []


def check_job(r: Resource, cluster: Cluster) -> list[Finding]:
    """A Job: a template whose pods restart Never or OnFailure."""
    findings = check_template_and_selector(r, ("spec",), None)
    if findings:
        return findings
    findings += check_restart_required(r, ("spec", "template", "spec"))
    return findings + check_pod_spec(
        r, ("spec", "template", "spec"), cluster, ("Never", "OnFailure")
    )


def check_restart_required(r: Resource, spec_path: tuple[str | int, ...]) -> list[Finding]:
    """A Job's pod template must say restartPolicy: Never or OnFailure."""
    if mapping_at(r, spec_path) is not None and r.get(*spec_path, "restartPolicy") is None:
        return [at(r, "restart-policy", ERROR, spec_path, (
            f"{r.title()}: a Job's pod template needs restartPolicy: Never or OnFailure; the "
            "default (Always) is rejected, since a finished Job must not restart"
        ))]
    return []


def check_cronjob(r: Resource, cluster: Cluster) -> list[Finding]:
    """A CronJob: a schedule and a job template."""
    findings = []
    schedule = r.get("spec", "schedule")
    if not schedule:
        findings.append(at(r, "missing-field", ERROR, ("spec",), (
            f"{r.title()} has no spec.schedule, so the API server rejects it and nothing runs"
        ), "Add a schedule in cron syntax, such as \"0 3 * * *\"."))
    elif not isinstance(schedule, str) or (
        schedule.split()[0] not in CRON_MACROS and len(schedule.split()) != 5
    ):
        findings.append(at(r, "invalid-value", ERROR, ("spec", "schedule"), (
            f"{r.title()}: schedule {schedule!r} is not a cron expression: five fields "
            "(minute hour day month weekday) or a macro such as @hourly, so the job never runs"
        ), "Such as \"*/15 * * * *\" or @daily."))
    base = ("spec", "jobTemplate", "spec")
    if mapping_at(r, base) is None:
        return findings + [at(r, "missing-field", ERROR, ("spec",), (
            f"{r.title()} has no spec.jobTemplate.spec.template: the Job it creates"
        ))]
    missing = check_template_and_selector(r, base, None)
    if missing:
        return findings + missing
    findings += check_restart_required(r, (*base, "template", "spec"))
    return findings + check_pod_spec(
        r, (*base, "template", "spec"), cluster, ("Never", "OnFailure")
    )


# --- Services, Ingress, configuration ------------------------------------------------------

def check_service(r: Resource, cluster: Cluster) -> list[Finding]:
    """A Service: type, ports (numbers, names, nodePorts) and the old loadBalancerIP."""
    problem = shape_problem(r, ("spec",), Mapping, "spec")
    if problem:
        return [problem]
    spec = mapping_at(r, ("spec",))
    if spec is None:
        return [at(r, "missing-field", ERROR, (), (
            f"{r.title()} has no spec: it needs ports and a selector"
        ))]
    findings = unknown_fields(r, ("spec",), SERVICE_SPEC_FIELDS, "a Service spec")
    kind = spec.get("type", "ClusterIP")
    if kind not in SERVICE_TYPES:
        guess = nearest(str(kind), SERVICE_TYPES)
        findings.append(at(r, "invalid-value", ERROR, ("spec", "type"), (
            f"{r.title()}: type {kind} is not a Service type; it is one of "
            f"{', '.join(SERVICE_TYPES)}" + (f" (did you mean {guess}?)" if guess else "")
        )))
    if kind == "ExternalName":
        if not spec.get("externalName"):
            findings.append(at(r, "missing-field", ERROR, ("spec",), (
                f"{r.title()}: an ExternalName Service needs spec.externalName (the DNS name it "
                "stands for)"
            )))
        return findings
    problem = shape_problem(r, ("spec", "ports"), list, "spec.ports")
    if problem:
        return findings + [problem]
    ports = list_at(r, ("spec", "ports"))
    if not ports and spec.get("clusterIP") != "None":
        findings.append(at(r, "missing-field", ERROR, ("spec",), (
            f"{r.title()} has no spec.ports; a Service must list the port it offers and the "
            "targetPort it forwards to"
        )))
    names: dict[str, int] = {}
    numbers: dict[tuple[str, str], int] = {}
    unnamed_reported = False
    for i, port in enumerate(ports):
        where = ("spec", "ports", i)
        if not isinstance(port, Mapping):
            findings.append(at(r, "field-shape", ERROR, where, (
                f"{r.title()}: each port is a mapping (port: 80, targetPort: 8080), not "
                f"{port!r:.30}"
            )))
            continue
        findings += unknown_fields(r, where, SERVICE_PORT_FIELDS, "a Service port")
        number = port.get("port")
        if not is_port(number):
            findings.append(at(r, "invalid-port", ERROR, (*where, "port") if number is not None
                               else where, (
                f"{r.title()}: every Service port needs port: a number from 1 to 65535 (the "
                f"port clients connect to){'' if number is None else f'; got {number!r}'}"
            )))
        target = port.get("targetPort")
        if isinstance(target, str) and target.isdigit():
            findings.append(at(r, "quoted-port", ERROR, (*where, "targetPort"), (
                f"{r.title()}: targetPort \"{target}\" is quoted, and a quoted targetPort is a "
                "port *name* to Kubernetes; names need a letter, so the API server rejects it"
            ), f"Write targetPort: {target} without quotes."))
        elif target is not None and not is_port(target) and not (
            isinstance(target, str) and IANA_SVC_NAME_RE.match(target)
        ):
            findings.append(at(r, "invalid-port", ERROR, (*where, "targetPort"), (
                f"{r.title()}: targetPort {target!r} must be a port number (1-65535) or the "
                "name of a container port"
            )))
        protocol = port.get("protocol", "TCP")
        if protocol not in PROTOCOLS:
            findings.append(at(r, "invalid-value", ERROR, (*where, "protocol"), (
                f"{r.title()}: protocol {protocol} must be TCP, UDP or SCTP (upper case)"
            )))
        name = port.get("name")
        if name is None and len(ports) > 1 and not unnamed_reported:
            unnamed_reported = True
            findings.append(at(r, "service-port-name", ERROR, where, (
                f"{r.title()} has {len(ports)} ports, so each needs a name (http, metrics, "
                "...); the API server rejects unnamed ports in a multi-port Service"
            )))
        elif name is not None:
            if not isinstance(name, str) or not DNS_LABEL_RE.match(name):
                findings.append(at(r, "invalid-port-name", ERROR, (*where, "name"), (
                    f"{r.title()}: port name {name!r:.30} must be lower-case letters, digits "
                    "and '-'"
                )))
            elif name in names:
                findings.append(at(r, "duplicate-port-name", ERROR, (*where, "name"), (
                    f"{r.title()}: port name '{name}' is used twice (also line {names[name]})"
                )))
            else:
                names[name] = r.line_of(*where, "name")
        key = (repr(number), repr(protocol))
        if number is not None and key in numbers:
            findings.append(at(r, "duplicate-port", ERROR, (*where, "port"), (
                f"{r.title()}: {protocol} port {number} is listed twice (also line "
                f"{numbers[key]})"
            )))
        numbers.setdefault(key, r.line_of(*where, "port"))
        node_port = port.get("nodePort")
        if node_port is not None:
            if kind not in ("NodePort", "LoadBalancer"):
                findings.append(at(r, "node-port", ERROR, (*where, "nodePort"), (
                    f"{r.title()}: nodePort only exists for type NodePort or LoadBalancer; a "
                    f"{kind} Service with one is rejected"
                )))
            elif not (is_int(node_port) and 30000 <= node_port <= 32767):
                findings.append(at(r, "node-port", ERROR, (*where, "nodePort"), (
                    f"{r.title()}: nodePort {node_port!r} is outside the default NodePort range "
                    "30000-32767, so the API server rejects it (leave it out to get a free one)"
                )))
    if spec.get("loadBalancerIP"):
        findings.append(at(r, "load-balancer-ip", WARNING, ("spec", "loadBalancerIP"), (
            f"{r.title()}: spec.loadBalancerIP is deprecated since Kubernetes 1.24 and each "
            "load balancer reads it differently; with MetalLB request the address with the "
            "metallb.io/loadBalancerIPs annotation"
        )))
    policy = spec.get("externalTrafficPolicy")
    if policy is not None and policy not in ("Cluster", "Local"):
        findings.append(at(r, "invalid-value", ERROR, ("spec", "externalTrafficPolicy"), (
            f"{r.title()}: externalTrafficPolicy is Cluster or Local, not {policy}"
        )))
    return findings


def controller_of_class(class_name: str, cluster: Cluster) -> str | None:
    """'nginx', 'traefik' or 'haproxy' for an IngressClass name, from its object or its name."""
    ingress_class = next(
        (c for c in cluster.kind("IngressClass", "networking.k8s.io") if c.name == class_name),
        None,
    )
    text = str(ingress_class.get("spec", "controller") or "") if ingress_class else class_name
    for short in KNOWN_CONTROLLERS:
        if short in text.lower():
            return short
    return None


def check_ingress(r: Resource, cluster: Cluster) -> list[Finding]:
    """An Ingress: class, hosts, paths, TLS hosts and controller-specific annotations."""
    problem = shape_problem(r, ("spec",), Mapping, "spec")
    if problem:
        return [problem]
    spec = mapping_at(r, ("spec",))
    if spec is None:
        return [at(r, "missing-field", ERROR, (), (
            f"{r.title()} has no spec: it needs ingressClassName and rules"
        ))]
    findings = unknown_fields(r, ("spec",), INGRESS_SPEC_FIELDS, "an Ingress spec")
    class_name = spec.get("ingressClassName")
    annotations = mapping_at(r, ("metadata", "annotations")) or {}
    old_class = annotations.get("kubernetes.io/ingress.class")
    if class_name and old_class:
        findings.append(at(r, "ingress-class", ERROR, ("spec", "ingressClassName"), (
            f"{r.title()} sets both spec.ingressClassName and the old annotation "
            "kubernetes.io/ingress.class; the API server rejects the two together. Keep "
            "ingressClassName"
        )))
    elif old_class:
        findings.append(at(r, "ingress-class", WARNING,
                           ("metadata", "annotations", "kubernetes.io/ingress.class"), (
            f"{r.title()} names its controller with the annotation kubernetes.io/ingress.class, "
            "which is deprecated: controllers that read only spec.ingressClassName ignore it"
        ), f"Write spec.ingressClassName: {old_class}."))
    elif not class_name:
        findings.append(at(r, "ingress-class", WARNING, ("spec",), (
            f"{r.title()} has no spec.ingressClassName, so which controller serves it depends "
            "on the cluster's default IngressClass; with two controllers (Traefik from K3s and "
            "an NGINX you added) or none marked default, it may be served twice or not at all"
        )))
    classes = cluster.kind("IngressClass", "networking.k8s.io")
    if class_name and class_name != "traefik" and classes and not any(
        c.name == class_name for c in classes
    ):
        guess = nearest(str(class_name), [c.name for c in classes])
        findings.append(at(r, "ingress-class", WARNING, ("spec", "ingressClassName"), (
            f"{r.title()}: ingressClassName '{class_name}' matches none of the IngressClasses "
            f"defined here ({', '.join(repr(c.name) for c in classes)})"
            + (f"; did you mean '{guess}'?" if guess else "")
            + " Unless the cluster has that class already, no controller picks it up"
        )))
    controller = controller_of_class(str(class_name or old_class or ""), cluster)
    for key in annotations:
        for prefix, owner in CONTROLLER_ANNOTATION_PREFIXES.items():
            mismatch = controller is not None and owner != controller
            if isinstance(key, str) and key.startswith(prefix) and mismatch:
                findings.append(at(r, "foreign-annotation", WARNING,
                                   ("metadata", "annotations", key), (
                    f"{r.title()}: {key} is read only by the {owner} controller, but this "
                    f"Ingress is served by {controller}, which ignores it: the setting does "
                    "nothing"
                )))
    hosts = []
    for i, rule in enumerate(list_at(r, ("spec", "rules"))):
        if not isinstance(rule, Mapping):
            continue
        host = rule.get("host")
        if host is None:
            continue
        hosts.append(str(host))
        problem_text = host_problem(str(host))
        if problem_text:
            findings.append(at(r, "invalid-host", ERROR, ("spec", "rules", i, "host"), (
                f"{r.title()}: host '{host}' {problem_text}"
            )))
    for path, entry in ingress_paths(r):
        value = entry.get("path")
        if value is not None and not str(value).startswith("/"):
            findings.append(at(r, "invalid-path", ERROR, (*path, "path"), (
                f"{r.title()}: path '{value}' must start with '/' (an absolute path)"
            )))

    for i, tls in enumerate(list_at(r, ("spec", "tls"))):
        if not isinstance(tls, Mapping):
            continue
        for j, host in enumerate(as_list(tls.get("hosts"))):
            if hosts and str(host) not in hosts:
                findings.append(at(r, "tls-host", WARNING, ("spec", "tls", i, "hosts", j), (
                    f"{r.title()}: TLS host '{host}' has no rule (rules cover "
                    f"{', '.join(hosts)}), so the certificate is never used for it"
                )))
    return findings


def host_problem(host: str) -> str | None:
    """Why an Ingress/route host is not a plain DNS name, or None."""
    if "://" in host:
        return "must be a bare domain name, without http:// or https://"
    if "/" in host:
        return "must be a bare domain name; paths belong in path:"
    if ":" in host:
        return "must not contain a port; the controller's entry point decides the port"
    bare = host[2:] if host.startswith("*.") else host
    if bare != bare.lower():
        return "must be lower case"
    if not SUBDOMAIN_RE.match(bare):
        return (
            "is not a valid DNS name (a wildcard is only allowed as the first label: "
            "*.example.com)"
        )
    return None


def check_ingress_class_object(r: Resource, cluster: Cluster) -> list[Finding]:
    """An IngressClass names its controller."""
    if not r.get("spec", "controller"):
        return [at(r, "missing-field", ERROR, ("spec",), (
            f"{r.title()} has no spec.controller: no controller will claim this class"
        ), "Name the controller, such as k8s.io/ingress-nginx or traefik.io/ingress-controller.")]
    return []


def check_network_policy(r: Resource, cluster: Cluster) -> list[Finding]:
    """A NetworkPolicy needs a podSelector (an empty one selects every pod)."""
    spec = mapping_at(r, ("spec",))
    if spec is None or "podSelector" not in spec:
        return [at(r, "missing-field", ERROR, ("spec",), (
            f"{r.title()} has no spec.podSelector, so the API server rejects it"
        ), "podSelector: {} selects every pod of the namespace, matchLabels some.")]
    findings = []
    for i, kind in enumerate(list_at(r, ("spec", "policyTypes"))):
        if kind not in ("Ingress", "Egress"):
            findings.append(at(r, "invalid-value", ERROR, ("spec", "policyTypes", i), (
                f"{r.title()}: policyTypes are Ingress and Egress, not {kind}"
            )))
    return findings


def check_config_map(r: Resource, cluster: Cluster) -> list[Finding]:
    """ConfigMap data: string values under valid keys, within the 1 MiB limit."""
    findings = []
    size = 0
    for section in ("data", "binaryData"):
        problem = shape_problem(r, (section,), Mapping, section)
        if problem:
            findings.append(problem)
            continue
        for key, value in (mapping_at(r, (section,)) or {}).items():
            where = (section, key)
            if not isinstance(key, str) or not CONFIG_KEY_RE.match(key):
                findings.append(at(r, "invalid-key", ERROR, where, (
                    f"{r.title()}: key {key!r:.40} may only contain letters, digits, '-', '_' "
                    "and '.' (it often becomes a file name)"
                )))
            if value is None:
                continue
            why = not_a_string(value)
            if why:
                findings.append(at(r, "configmap-not-string", ERROR, where, (
                    f"{r.title()}: {section}.{key}: {why}, but ConfigMap values are strings, "
                    "so the API server rejects it"
                    if not isinstance(value, (Mapping, list)) else
                    f"{r.title()}: {section}.{key}: {why}; a ConfigMap value is a string, so the "
                    "API server rejects it"
                ), f"Quote it: {key}: \"{value}\"" if not isinstance(value, (Mapping, list))
                    else "For a whole file, use a block: key: |"))
                continue
            size += len(str(value))
            if section == "binaryData" and not is_base64(str(value)):
                findings.append(at(r, "invalid-base64", ERROR, where, (
                    f"{r.title()}: binaryData.{key} must be base64"
                )))
    if size > MAX_CONFIG_BYTES:
        findings.append(at(r, "too-large", ERROR, (), (
            f"{r.title()} holds about {size // 1024} KB; a ConfigMap is limited to 1 MiB"
        )))
    return findings


def is_base64(text: str) -> bool:
    """True when the text decodes as standard base64 (whitespace ignored)."""
    compact = "".join(text.split())
    try:
        base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def check_secret(r: Resource, cluster: Cluster) -> list[Finding]:
    """A Secret: base64 data, string stringData, and the risk of committing it."""
    findings = []
    for section in ("data", "stringData"):
        problem = shape_problem(r, (section,), Mapping, section)
        if problem:
            findings.append(problem)
    data = mapping_at(r, ("data",)) or {}
    for key, value in data.items():
        if value is None:
            continue
        if not isinstance(value, str) or not is_base64(value):
            findings.append(at(r, "invalid-base64", ERROR, ("data", key), (
                f"{r.title()}: data.{key} is not base64, but data: holds base64-encoded values, "
                "so the API server rejects it"
            ), "Put plain text under stringData: instead (the API server encodes it for you)."))
    for key, value in (mapping_at(r, ("stringData",)) or {}).items():
        why = not_a_string(value) if value is not None else None
        if why:
            findings.append(at(r, "secret-not-string", ERROR, ("stringData", key), (
                f"{r.title()}: stringData.{key}: {why}; values are strings, so the API server "
                "rejects the Secret"
            ), "Quote it."))
    kind = r.get("type")
    required = SECRET_TYPES_WITH_KEYS.get(str(kind), ())
    present = {str(k) for k in data} | {str(k) for k in mapping_at(r, ("stringData",)) or {}}
    missing = [k for k in required if k not in present]
    if missing:
        findings.append(at(r, "secret-type", ERROR, ("type",), (
            f"{r.title()}: a Secret of type {kind} must hold {', '.join(missing)}"
        )))
    if data or mapping_at(r, ("stringData",)):
        findings.append(at(r, "secret-in-manifest", WARNING,
                           ("stringData",) if "stringData" in r.data else ("data",), (
            f"{r.title()} carries its values in the manifest. base64 is an encoding, not "
            "encryption: anyone who can read this file (and the git history) has the secret. "
            "Create it with kubectl create secret, or commit it encrypted (Sealed Secrets, SOPS)"
        )))
    return findings


def check_namespace(r: Resource, cluster: Cluster) -> list[Finding]:
    """A Namespace: mesh injection written the way each mesh reads it."""
    findings = check_pod_annotations(r, ("metadata",))
    labels = mapping_at(r, ("metadata", "labels")) or {}
    value = labels.get(ISTIO_INJECTION_LABEL)
    if value is not None and value not in ("enabled", "disabled"):
        findings.append(at(r, "mesh-injection", WARNING,
                           ("metadata", "labels", ISTIO_INJECTION_LABEL), (
            f"{r.title()}: {ISTIO_INJECTION_LABEL}: {value} is not enabled or disabled, so "
            "Istio ignores it"
        )))
    return findings


# --- Traefik and K3s -------------------------------------------------------------------------

def traefik_rule_problems(rule: Any) -> list[str]:
    """Problems with a Traefik v3 router rule (the deploy model's reader, shared by all)."""
    from .deploy.traefik import rule_problems

    return rule_problems(rule)


def traefik_namespace(r: Resource, ref: Mapping[str, Any]) -> str:
    """The namespace a Traefik reference points into (its namespace:, or the route's)."""
    return str(ref.get("namespace") or namespace_of(r))


def check_ingress_route(r: Resource, cluster: Cluster) -> list[Finding]:
    """An IngressRoute: rules that parse, entry points, and services/middlewares that exist."""
    findings = []
    for key in ("routes", "entryPoints"):
        problem = shape_problem(r, ("spec", key), list, f"spec.{key}")
        if problem:
            findings.append(problem)
    routes = list_at(r, ("spec", "routes"))
    if not routes:
        return findings + [at(r, "missing-field", ERROR, ("spec",), (
            f"{r.title()} has no spec.routes: each route needs match: (a rule such as "
            "Host(`app.example.com`)), kind: Rule and services:"
        ))]
    for i, entry_point in enumerate(list_at(r, ("spec", "entryPoints"))):
        if entry_point not in K3S_TRAEFIK_ENTRYPOINTS:
            guess = nearest(str(entry_point), ("web", "websecure"), cutoff=0.6)
            findings.append(at(r, "traefik-entrypoint", WARNING, ("spec", "entryPoints", i), (
                f"{r.title()}: entry point '{entry_point}' is not one of K3s's Traefik entry "
                "points (web on port 80, websecure on 443); unless you defined it, the route "
                "listens nowhere" + (f". Did you mean {guess}?" if guess else "")
            )))
    resolvers = traefik_cert_resolvers(cluster)
    resolver = r.get("spec", "tls", "certResolver")
    if resolver and resolvers is not None and str(resolver) not in resolvers:
        findings.append(at(r, "traefik-cert-resolver", ERROR, ("spec", "tls", "certResolver"), (
            f"{r.title()}: certResolver '{resolver}' is not configured in the Traefik "
            f"HelmChartConfig here (it defines {', '.join(sorted(resolvers)) or 'none'}); "
            "Traefik then serves its self-signed default certificate"
        )))
    for i, route in enumerate(routes):
        where = ("spec", "routes", i)
        if not isinstance(route, Mapping):
            findings.append(at(r, "field-shape", ERROR, where, (
                f"{r.title()}: each route is a mapping (match:, kind: Rule, services:)"
            )))
            continue
        if route.get("kind") not in (None, "Rule"):
            findings.append(at(r, "invalid-value", ERROR, (*where, "kind"), (
                f"{r.title()}: a route's kind is Rule (the only value), not {route.get('kind')}"
            )))
        if "match" not in route:
            findings.append(at(r, "missing-field", ERROR, where, (
                f"{r.title()}: route {i + 1} has no match: rule, so Traefik refuses the route"
            ), "Such as match: Host(`app.example.com`)."))
        else:
            for problem in traefik_rule_problems(route.get("match")):
                findings.append(at(r, "traefik-rule", ERROR, (*where, "match"), (
                    f"{r.title()}: rule {route.get('match')!s:.80}: {problem}. Traefik "
                    "rejects the router, so the route serves nothing"
                )))
        services = route.get("services")
        if not services:
            findings.append(at(r, "missing-field", WARNING, where, (
                f"{r.title()}: route {i + 1} has no services, so matching requests have "
                "nowhere to go (fine only for a redirect done by a middleware)"
            )))
        for j, service in enumerate(services if isinstance(services, list) else []):
            findings += check_traefik_service_ref(r, (*where, "services", j), service, cluster)
        for j, middleware in enumerate(as_list(route.get("middlewares"))):
            findings += check_middleware_ref(r, (*where, "middlewares", j), middleware, cluster)
    return findings


def check_traefik_service_ref(
    r: Resource, path: tuple[str | int, ...], ref: Any, cluster: Cluster
) -> list[Finding]:
    """A service of a Traefik route: an existing Service and one of its ports."""
    if not isinstance(ref, Mapping) or not ref.get("name"):
        return [at(r, "missing-field", ERROR, path, (
            f"{r.title()}: each service needs a name (and a port, for a Kubernetes Service)"
        ))]
    name, namespace = str(ref["name"]), traefik_namespace(r, ref)
    if ref.get("kind", "Service") == "TraefikService":
        defined = cluster.in_namespace("TraefikService", "traefik.io", namespace)
        if defined and not any(d.name == name for d in defined):
            return [at(r, "missing-reference", ERROR, (*path, "name"), (
                f"{r.title()}: TraefikService '{name}' is not defined in '{namespace}'"
            ))]
        return []
    findings = []
    port = ref.get("port")
    if port is None:
        findings.append(at(r, "missing-field", ERROR, path, (
            f"{r.title()}: service '{name}' needs a port: the Service's port number or name"
        )))
    services = cluster.in_namespace("Service", "", namespace)
    if not services:
        return findings
    service = next((s for s in services if s.name == name), None)
    if service is None:
        return findings + [at(r, "missing-reference", ERROR, (*path, "name"), (
            f"{r.title()} sends traffic to Service '{name}', which does not exist in namespace "
            f"'{namespace}' (Services there: {', '.join(repr(s.name) for s in services)}); "
            "Traefik answers 404 or 503 for this route"
        ))]
    if port is not None:
        offered = service_ports(service)
        if not any(p.get("port") == port or p.get("name") == port for p in offered):
            listing = ", ".join(
                f"{p.get('port')}" + (f" (named '{p['name']}')" if p.get("name") else "")
                for p in offered
            ) or "none"
            findings.append(at(r, "missing-reference", ERROR, (*path, "port"), (
                f"{r.title()} asks Service '{name}' for port {port}, but it offers {listing}. "
                "Traefik talks to the Service's port, not the container's"
            )))
    return findings


def check_middleware_ref(
    r: Resource, path: tuple[str | int, ...], ref: Any, cluster: Cluster
) -> list[Finding]:
    """A middleware reference: a Middleware defined in the namespace it points to."""
    if not isinstance(ref, Mapping) or not ref.get("name"):
        return [at(r, "missing-field", ERROR, path, (
            f"{r.title()}: each middleware reference needs a name"
        ))]
    name = str(ref["name"])
    if "@" in name:
        return []  # name@provider: defined by another provider, outside these files
    namespace = traefik_namespace(r, ref)
    defined = cluster.kind("Middleware", "traefik.io")
    if not defined:
        return []
    if any(m.name == name and namespace_of(m) == namespace for m in defined):
        return []
    elsewhere = [m for m in defined if m.name == name]
    hint = f"; one exists in namespace '{namespace_of(elsewhere[0])}'" if elsewhere else ""
    fix = (f"Add namespace: {namespace_of(elsewhere[0])} to the reference."
           if elsewhere else "")
    return [at(r, "missing-reference", ERROR, (*path, "name"), (
        f"{r.title()} uses Middleware '{name}', which is not defined in namespace "
        f"'{namespace}'{hint}. Traefik refuses a router whose middleware is missing, so the "
        "whole route returns 404"
    ), fix)]


def check_middleware(r: Resource, cluster: Cluster) -> list[Finding]:
    """A Middleware: exactly one middleware type, spelled as Traefik v3 spells it."""
    spec = mapping_at(r, ("spec",))
    if not spec:
        return [at(r, "missing-field", ERROR, (), (
            f"{r.title()} has no spec: a Middleware holds one middleware, so this one does "
            "nothing"
        ), "Such as spec: redirectScheme: {scheme: https}.")]
    findings = []
    types = [key for key in spec if key in TRAEFIK_MIDDLEWARES]
    for key in spec:
        if key in TRAEFIK_MIDDLEWARES:
            continue
        guess = nearest(str(key), TRAEFIK_MIDDLEWARES)
        findings.append(at(r, "unknown-middleware", ERROR, ("spec", key), (
            f"{r.title()}: '{key}' is not a Traefik middleware"
            + (f"; did you mean '{guess}'?" if guess else "")
            + " Traefik ignores the Middleware, and routes that use it fail"
        )))
    if len(types) > 1:
        findings.append(at(r, "middleware-count", ERROR, ("spec", types[1]), (
            f"{r.title()} defines {', '.join(types)}; one Middleware holds exactly one type. "
            "Split it in two and list both on the route (or use a chain)"
        )))
    if "ipWhiteList" in spec:
        findings.append(at(r, "deprecated-middleware", WARNING, ("spec", "ipWhiteList"), (
            f"{r.title()}: ipWhiteList is deprecated in Traefik v3; it is called ipAllowList"
        )))
    scheme = r.get("spec", "redirectScheme")
    if isinstance(scheme, Mapping) and not scheme.get("scheme"):
        findings.append(at(r, "missing-field", ERROR, ("spec", "redirectScheme"), (
            f"{r.title()}: redirectScheme needs scheme: https"
        )))
    prefixes = r.get("spec", "stripPrefix", "prefixes")
    if "stripPrefix" in spec and not isinstance(prefixes, list):
        findings.append(at(r, "missing-field", ERROR, ("spec", "stripPrefix"), (
            f"{r.title()}: stripPrefix needs prefixes: as a list (- /api)"
        )))
    auth = r.get("spec", "basicAuth")
    if isinstance(auth, Mapping) and auth.get("secret"):
        secrets = cluster.in_namespace("Secret", "", namespace_of(r))
        if secrets and not any(s.name == auth.get("secret") for s in secrets):
            findings.append(at(r, "missing-reference", ERROR, ("spec", "basicAuth", "secret"), (
                f"{r.title()}: basicAuth reads Secret '{auth.get('secret')}', which is not "
                "defined in this namespace"
            )))
    for i, ref in enumerate(list_at(r, ("spec", "chain", "middlewares"))):
        findings += check_middleware_ref(r, ("spec", "chain", "middlewares", i), ref, cluster)
    return findings


def check_traefik_service(r: Resource, cluster: Cluster) -> list[Finding]:
    """A TraefikService: its weighted or mirrored services exist."""
    findings = []
    for section in ("weighted", "mirroring"):
        for i, ref in enumerate(list_at(r, ("spec", section, "services"))):
            findings += check_traefik_service_ref(r, ("spec", section, "services", i), ref, cluster)
    return findings


def helm_values(r: Resource) -> tuple[Any, list[Finding]]:
    """The values inside a HelmChart/HelmChartConfig's valuesContent, and problems reading it."""
    content = r.get("spec", "valuesContent")
    structured = r.get("spec", "values")
    if content is None:
        # helm-controller also takes structured values (spec.values), applied after
        # valuesContent (k3s-io/helm-controller pkg/controllers/chart/chart.go).
        return (structured if isinstance(structured, Mapping) else None), []
    where = ("spec", "valuesContent")
    if not isinstance(content, str):
        return None, [at(r, "field-shape", ERROR, where, (
            f"{r.title()}: valuesContent is a string holding YAML, not a mapping, so the "
            "chart's values are not read"
        ), "Write valuesContent: |- and indent the values below it.")]
    try:
        _, documents, _ = parse_yaml(content)
    except ManifestError as exc:
        block = type(content).__name__ in ("LiteralScalarString", "FoldedScalarString")
        line = r.line_of(*where) + (exc.line if block else 0)
        return None, [Finding("helm-values", ERROR, line, (
            f"{r.title()}: the YAML inside valuesContent does not parse: {exc.message}. K3s's "
            "helm controller then fails to install the chart"
        ), r.source)]
    values = documents[0] if documents else None
    if values is not None and not isinstance(values, Mapping):
        return None, [at(r, "helm-values", ERROR, where, (
            f"{r.title()}: valuesContent must hold a mapping of chart values"
        ))]
    if isinstance(structured, Mapping):
        values = merge_values(values or {}, structured)
    return values, []


def merge_values(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """Helm's merge of two sets of values: mappings key by key, anything else replaced."""
    merged = dict(base)
    for key, value in extra.items():
        old = merged.get(key)
        both = isinstance(value, Mapping) and isinstance(old, Mapping)
        merged[key] = merge_values(old, value) if both else value
    return merged


def traefik_cert_resolvers(cluster: Cluster) -> set[str] | None:
    """Certificate resolvers configured in a Traefik HelmChartConfig here, or None if none."""
    configs = [c for c in cluster.kind("HelmChartConfig", "helm.cattle.io") if c.name == "traefik"]
    if not configs:
        return None
    names: set[str] = set()
    for config in configs:
        values, _ = helm_values(config)
        if not isinstance(values, Mapping):
            continue
        resolvers = values.get("certificatesResolvers") or values.get("certResolvers")
        if isinstance(resolvers, Mapping):
            names |= {str(k) for k in resolvers}
        for argument in values.get("additionalArguments") or []:
            match = re.match(r"--certificatesresolvers\.([^.=]+)\.", str(argument), re.I)
            if match:
                names.add(match.group(1))
    return names


def check_helm_chart_config(r: Resource, cluster: Cluster) -> list[Finding]:
    """A HelmChartConfig: in kube-system, named after a chart, with values that parse."""
    findings = unknown_fields(r, ("spec",), ("valuesContent", "values", "valuesSecrets",
                                             "failurePolicy", "forceConflicts", "serverSide"),
                              "a HelmChartConfig spec")
    namespace = r.namespace
    if namespace is None:
        findings.append(at(r, "helm-chart-config", WARNING, ("metadata",), (
            f"{r.title()} has no namespace, so it lands in 'default' unless you pass -n; K3s "
            "only applies it next to its HelmChart, in kube-system, so the chart keeps its "
            "values"
        ), "Write namespace: kube-system."))
    elif namespace != "kube-system" and not cluster.get("HelmChart", "helm.cattle.io",
                                                        r.name, namespace):
        findings.append(at(r, "helm-chart-config", ERROR, ("metadata", "namespace"), (
            f"{r.title()} is in namespace '{namespace}', but a HelmChartConfig only changes the "
            "HelmChart with the same name and namespace, and K3s's charts (traefik) live in "
            "kube-system: this one changes nothing"
        )))
    charts = cluster.kind("HelmChart", "helm.cattle.io")
    if r.name not in K3S_CHARTS and not any(c.name == r.name for c in charts):
        findings.append(at(r, "helm-chart-config", WARNING, ("metadata", "name"), (
            f"{r.title()}: no HelmChart named '{r.name}' is defined here, and K3s packages only "
            f"{', '.join(K3S_CHARTS)}; a HelmChartConfig changes the chart of the same name"
        )))
    if r.get("spec", "valuesContent") is None:
        findings.append(at(r, "missing-field", WARNING, ("spec",), (
            f"{r.title()} has no spec.valuesContent, so it changes nothing"
        )))
    _, problems = helm_values(r)
    return findings + problems


def check_helm_chart(r: Resource, cluster: Cluster) -> list[Finding]:
    """A HelmChart: which chart to install, with values that parse."""
    findings = []
    if not r.get("spec", "chart") and not r.get("spec", "chartContent"):
        findings.append(at(r, "missing-field", ERROR, ("spec",), (
            f"{r.title()} has no spec.chart (the chart's name in spec.repo, or a URL to a .tgz)"
        )))
    _, problems = helm_values(r)
    return findings + problems


# --- MetalLB ---------------------------------------------------------------------------------

IPRange = tuple[Any, Any]  # first and last ipaddress of a pool entry


def parse_pool_address(text: Any) -> IPRange | str:
    """'192.168.1.240/28' or '192.168.1.240-192.168.1.250' as (first, last), or why not."""
    if not isinstance(text, str):
        return f"{text!r} is not a CIDR or a range (YAML read it as another type)"
    try:
        if "-" in text:
            first_text, last_text = (part.strip() for part in text.split("-", 1))
            first, last = ipaddress.ip_address(first_text), ipaddress.ip_address(last_text)
            if first.version != last.version:
                return "mixes an IPv4 and an IPv6 address"
            if first > last:
                return f"starts after it ends ({first} > {last})"
            return first, last
        network = ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return (
            f"'{text}' is neither a CIDR (192.168.1.240/28) nor a range "
            "(192.168.1.240-192.168.1.250)"
        )
    return network[0], network[-1]


def pool_ranges(pool: Resource) -> list[tuple[int, IPRange]]:
    """The (index, range) of each readable address of an IPAddressPool."""
    found = []
    for i, text in enumerate(list_at(pool, ("spec", "addresses"))):
        parsed = parse_pool_address(text)
        if not isinstance(parsed, str):
            found.append((i, parsed))
    return found


def range_size(first: Any, last: Any) -> int:
    """How many addresses a range holds."""
    return int(last) - int(first) + 1


def check_metallb_namespace(r: Resource) -> list[Finding]:
    """MetalLB only reads its objects from its own namespace."""
    if r.namespace == METALLB_NAMESPACE:
        return []
    where = ("metadata", "namespace") if r.namespace else ("metadata",)
    return [at(r, "metallb-namespace", WARNING, where, (
        f"{r.title()} is in namespace '{r.namespace or 'default'}', but MetalLB only reads its "
        f"configuration from the namespace it runs in, normally {METALLB_NAMESPACE}; "
        "elsewhere it is ignored"
    ))]


def check_ip_address_pool(r: Resource, cluster: Cluster) -> list[Finding]:
    """An IPAddressPool: readable, non-overlapping addresses in metallb-system."""
    findings = check_metallb_namespace(r)
    problem = shape_problem(r, ("spec", "addresses"), list, "spec.addresses")
    if problem:
        return findings + [problem]
    addresses = list_at(r, ("spec", "addresses"))
    if not addresses:
        return findings + [at(r, "missing-field", ERROR, ("spec",), (
            f"{r.title()} has no spec.addresses, so MetalLB has no IP to give: every "
            "LoadBalancer Service stays <pending>"
        ))]
    for i, text in enumerate(addresses):
        parsed = parse_pool_address(text)
        if isinstance(parsed, str):
            findings.append(at(r, "invalid-address", ERROR, ("spec", "addresses", i), (
                f"{r.title()}: address {parsed}; MetalLB rejects the pool"
            )))
    mine = pool_ranges(r)
    pools = cluster.kind("IPAddressPool", "metallb.io")
    for other in pools[: pools.index(r)] if r in pools else []:
        for i, (first, last) in mine:
            for _, (other_first, other_last) in pool_ranges(other):
                if first.version == other_first.version and first <= other_last and \
                        other_first <= last:
                    findings.append(at(r, "pool-overlap", ERROR, ("spec", "addresses", i), (
                        f"{r.title()}: {addresses[i]} overlaps pool '{other.name}' ("
                        f"{other_first}-{other_last}); MetalLB rejects overlapping pools, since "
                        "one IP could be handed to two Services"
                    )))
    return findings


def check_advertisement(r: Resource, cluster: Cluster) -> list[Finding]:
    """An L2Advertisement or BGPAdvertisement: the pools it names exist."""
    findings = check_metallb_namespace(r)
    pools = cluster.kind("IPAddressPool", "metallb.io")
    names = [p.name for p in pools]
    for i, name in enumerate(list_at(r, ("spec", "ipAddressPools"))):
        if pools and name not in names:
            guess = nearest(str(name), names)
            findings.append(at(r, "missing-reference", ERROR, ("spec", "ipAddressPools", i), (
                f"{r.title()} announces pool '{name}', which is not defined (pools: "
                f"{', '.join(repr(n) for n in names)})"
                + (f" (did you mean '{guess}'?)" if guess else "")
                + ". The addresses of the real pool are then handed out but never announced, "
                "so nothing on the network can reach them"
            )))
    return findings


def advertised_pools(cluster: Cluster) -> set[str] | None:
    """Names of pools some advertisement covers; None when one covers every pool."""
    covered: set[str] = set()
    for kind in ("L2Advertisement", "BGPAdvertisement"):
        for ad in cluster.kind(kind, "metallb.io"):
            names = list_at(ad, ("spec", "ipAddressPools"))
            if not names and not ad.get("spec", "ipAddressPoolSelectors"):
                return None
            if ad.get("spec", "ipAddressPoolSelectors"):
                return None  # selectors: cannot tell which, so assume all
            covered |= {str(n) for n in names}
    return covered


def check_metallb(cluster: Cluster) -> list[Finding]:
    """Pools are announced; LoadBalancer Services ask for addresses the pools can give."""
    pools = cluster.kind("IPAddressPool", "metallb.io")
    if not pools:
        return []
    findings = []
    has_ads = cluster.kind("L2Advertisement", "metallb.io") or cluster.kind(
        "BGPAdvertisement", "metallb.io"
    )
    covered = advertised_pools(cluster)
    for pool in pools:
        if not has_ads:
            findings.append(at(pool, "pool-not-advertised", WARNING, ("metadata", "name"), (
                f"{pool.title()} is not announced: no L2Advertisement or BGPAdvertisement is "
                "defined here. MetalLB would assign its IPs to Services, but no node answers "
                "ARP for them, so they are unreachable. Add an L2Advertisement"
            )))
        elif covered is not None and pool.name not in covered:
            findings.append(at(pool, "pool-not-advertised", WARNING, ("metadata", "name"), (
                f"{pool.title()} is not listed by any advertisement, so its IPs are assigned "
                "but never announced"
            )))
    ranges = [(pool, rng) for pool in pools for _, rng in pool_ranges(pool)]
    auto = [
        (pool, rng) for pool, rng in ranges if pool.get("spec", "autoAssign") is not False
    ]
    capacity = sum(range_size(*rng) for _, rng in auto)
    claimed = 0
    shared: set[str] = set()
    for service in cluster.kind("Service", ""):
        if service.get("spec", "type") != "LoadBalancer":
            continue
        annotations = mapping_at(service, ("metadata", "annotations")) or {}
        pool_key = next((k for k in METALLB_POOL_ANNOTATIONS if k in annotations), None)
        ips_key = next((k for k in METALLB_IPS_ANNOTATIONS if k in annotations), None)
        requested = (
            [ip.strip() for ip in str(annotations[ips_key]).split(",") if ip.strip()]
            if ips_key else
            [str(service.get("spec", "loadBalancerIP"))] if service.get("spec", "loadBalancerIP")
            else []
        )
        where = (
            ("metadata", "annotations", ips_key) if ips_key else ("spec", "loadBalancerIP")
        )
        for ip_text in requested:
            try:
                ip = ipaddress.ip_address(ip_text)
            except ValueError:
                findings.append(at(service, "invalid-address", ERROR, where, (
                    f"{service.title()} requests '{ip_text}', which is not an IP address"
                )))
                continue
            if not any(first.version == ip.version and first <= ip <= last
                       for _, (first, last) in ranges):
                findings.append(at(service, "ip-outside-pools", ERROR, where, (
                    f"{service.title()} requests {ip}, which is in none of the MetalLB pools "
                    f"({', '.join(repr(p.name) for p in pools)}); MetalLB refuses it and "
                    "EXTERNAL-IP stays <pending>"
                )))
        if pool_key and not any(p.name == annotations[pool_key] for p in pools):
            findings.append(at(service, "missing-reference", WARNING,
                               ("metadata", "annotations", pool_key), (
                f"{service.title()} asks for pool '{annotations[pool_key]}', which is not "
                f"defined here ({', '.join(repr(p.name) for p in pools)})"
            )))
        if requested or pool_key:
            continue
        sharing = next((annotations[k] for k in METALLB_SHARING_ANNOTATIONS if k in annotations),
                       None)
        if sharing is not None:
            if str(sharing) in shared:
                continue
            shared.add(str(sharing))
        claimed += 1
        if claimed == capacity + 1:
            findings.append(at(service, "pool-exhausted", WARNING, ("spec", "type"), (
                f"{service.title()} is LoadBalancer Service number {claimed}, but the "
                f"auto-assigned pools hold only {capacity} address"
                f"{'' if capacity == 1 else 'es'}: this one (and any later) keeps EXTERNAL-IP "
                "<pending>. Remember that K3s's own Traefik Service is a LoadBalancer too"
            )))
    return findings


# --- Gateway API -----------------------------------------------------------------------------

GATEWAY_GROUP = "gateway.networking.k8s.io"


def check_gateway(r: Resource, cluster: Cluster) -> list[Finding]:
    """A Gateway: a class that exists, and listeners with names, ports and certificates."""
    findings = []
    class_name = r.get("spec", "gatewayClassName")
    if not class_name:
        findings.append(at(r, "missing-field", ERROR, ("spec",), (
            f"{r.title()} has no spec.gatewayClassName, so no controller (Envoy Gateway, "
            "Traefik, Cilium...) takes it on"
        )))
    else:
        classes = cluster.kind("GatewayClass", GATEWAY_GROUP)
        if classes and not any(c.name == class_name for c in classes):
            findings.append(at(r, "missing-reference", WARNING, ("spec", "gatewayClassName"), (
                f"{r.title()}: GatewayClass '{class_name}' is not defined here (classes: "
                f"{', '.join(repr(c.name) for c in classes)}); unless the cluster has it "
                "already, no controller programs this Gateway"
            )))
    problem = shape_problem(r, ("spec", "listeners"), list, "spec.listeners")
    if problem:
        return findings + [problem]
    listeners = list_at(r, ("spec", "listeners"))
    if not listeners:
        return findings + [at(r, "missing-field", ERROR, ("spec",), (
            f"{r.title()} has no listeners: each says on which port and protocol it accepts "
            "traffic (name: http, port: 80, protocol: HTTP)"
        ))]
    seen: dict[str, int] = {}
    for i, listener in enumerate(listeners):
        where = ("spec", "listeners", i)
        if not isinstance(listener, Mapping):
            findings.append(at(r, "field-shape", ERROR, where, (
                f"{r.title()}: each listener is a mapping (name:, port:, protocol:)"
            )))
            continue
        name = listener.get("name")
        if not name:
            findings.append(at(r, "missing-field", ERROR, where, (
                f"{r.title()}: listener {i + 1} needs a name (routes attach to it with "
                "sectionName)"
            )))
        elif str(name) in seen:
            findings.append(at(r, "duplicate-name", ERROR, (*where, "name"), (
                f"{r.title()}: two listeners are named '{name}' (also line {seen[str(name)]})"
            )))
        else:
            seen[str(name)] = r.line_of(*where, "name")
        if not is_port(listener.get("port")):
            findings.append(at(r, "invalid-port", ERROR, (*where, "port") if "port" in listener
                               else where, (
                f"{r.title()}: listener '{name}' needs port: a number from 1 to 65535"
            )))
        protocol = listener.get("protocol")
        custom = isinstance(protocol, str) and "/" in protocol  # domain-prefixed: allowed
        if protocol not in GATEWAY_PROTOCOLS and not custom:
            findings.append(at(r, "invalid-value", ERROR, (*where, "protocol") if protocol
                               else where, (
                f"{r.title()}: listener '{name}' needs protocol: one of "
                f"{', '.join(GATEWAY_PROTOCOLS)} (upper case)"
            )))
        mode = listener.get("tls", {}).get("mode", "Terminate") if isinstance(
            listener.get("tls"), Mapping) else "Terminate"
        refs = r.get(*where, "tls", "certificateRefs")
        if protocol == "HTTPS" or (protocol == "TLS" and mode == "Terminate"):
            if not refs:
                findings.append(at(r, "missing-field", ERROR, where, (
                    f"{r.title()}: {protocol} listener '{name}' needs tls.certificateRefs (the "
                    "Secret with the certificate), otherwise it cannot terminate TLS"
                )))
            else:
                secrets = cluster.in_namespace("Secret", "", namespace_of(r))
                for j, ref in enumerate(refs if isinstance(refs, list) else []):
                    ref_name = ref.get("name") if isinstance(ref, Mapping) else None
                    if secrets and ref_name and not ref.get("namespace") and not any(
                        s.name == ref_name for s in secrets
                    ):
                        findings.append(at(r, "missing-reference", WARNING,
                                           (*where, "tls", "certificateRefs", j), (
                            f"{r.title()}: certificate Secret '{ref_name}' is not defined "
                            "here (cert-manager may create it)"
                        )))
    return findings


def check_http_route(r: Resource, cluster: Cluster) -> list[Finding]:
    """An HTTPRoute: parents that exist and accept it, matches and backends that resolve."""
    findings = []
    parents = list_at(r, ("spec", "parentRefs"))
    if not parents:
        findings.append(at(r, "missing-field", ERROR, ("spec",), (
            f"{r.title()} has no spec.parentRefs, so it is attached to no Gateway and routes "
            "nothing"
        )))
    for i, ref in enumerate(parents):
        findings += check_parent_ref(r, ("spec", "parentRefs", i), ref, cluster)
    for i, host in enumerate(list_at(r, ("spec", "hostnames"))):
        problem = host_problem(str(host))
        if problem:
            findings.append(at(r, "invalid-host", ERROR, ("spec", "hostnames", i), (
                f"{r.title()}: hostname '{host}' {problem}"
            )))
    for i, rule in enumerate(list_at(r, ("spec", "rules"))):
        where = ("spec", "rules", i)
        if not isinstance(rule, Mapping):
            continue
        for j, match in enumerate(as_list(rule.get("matches"))):
            path = match.get("path") if isinstance(match, Mapping) else None
            if not isinstance(path, Mapping):
                continue
            kind = path.get("type", "PathPrefix")
            mpath = (*where, "matches", j, "path")
            if kind not in HTTPROUTE_PATH_TYPES:
                hint = " ('Prefix' is the Ingress spelling)" if kind == "Prefix" else ""
                findings.append(at(r, "invalid-value", ERROR, (*mpath, "type"), (
                    f"{r.title()}: path type {kind} is not one of "
                    f"{', '.join(HTTPROUTE_PATH_TYPES)}{hint}; the API server rejects the route"
                )))
            value = path.get("value", "/")
            if kind != "RegularExpression" and not str(value).startswith("/"):
                findings.append(at(r, "invalid-path", ERROR, (*mpath, "value"), (
                    f"{r.title()}: path value '{value}' must start with '/'"
                )))
        for j, backend in enumerate(as_list(rule.get("backendRefs"))):
            findings += check_backend_ref(r, (*where, "backendRefs", j), backend, cluster)
    return findings


def check_parent_ref(
    r: Resource, path: tuple[str | int, ...], ref: Any, cluster: Cluster
) -> list[Finding]:
    """A parentRef: a Gateway defined here, its listener, and permission to attach."""
    if not isinstance(ref, Mapping) or not ref.get("name"):
        return [at(r, "missing-field", ERROR, path, (
            f"{r.title()}: each parentRef needs the Gateway's name"
        ))]
    if ref.get("kind", "Gateway") != "Gateway":
        return []
    name = str(ref["name"])
    namespace = str(ref.get("namespace") or namespace_of(r))
    gateways = cluster.kind("Gateway", GATEWAY_GROUP)
    if not gateways:
        return []
    gateway = cluster.get("Gateway", GATEWAY_GROUP, name, namespace)
    if gateway is None:
        elsewhere = [g for g in gateways if g.name == name]
        hint = (f"; a Gateway '{name}' exists in namespace '{namespace_of(elsewhere[0])}'"
                if elsewhere else "")
        fix = (f"Add namespace: {namespace_of(elsewhere[0])} to the parentRef."
               if elsewhere else "")
        return [at(r, "missing-reference", ERROR, (*path, "name"), (
            f"{r.title()} attaches to Gateway '{name}' in namespace '{namespace}', which is not "
            f"defined{hint}. The route is not accepted and serves nothing"
        ), fix)]
    listeners = [
        item for item in list_at(gateway, ("spec", "listeners")) if isinstance(item, Mapping)
    ]
    section = ref.get("sectionName")
    if section is not None:
        listeners = [item for item in listeners if item.get("name") == section]
        if not listeners:
            names = [str(item.get("name")) for item in list_at(gateway, ("spec", "listeners"))
                     if isinstance(item, Mapping)]
            return [at(r, "missing-reference", ERROR, (*path, "sectionName"), (
                f"{r.title()}: Gateway '{name}' has no listener named '{section}' (listeners: "
                f"{', '.join(names) or 'none'}), so the route is not attached"
            ))]
    if namespace != namespace_of(r):
        allowed = [
            str((item.get("allowedRoutes") or {}).get("namespaces", {}).get("from", "Same"))
            if isinstance(item.get("allowedRoutes"), Mapping) and isinstance(
                item["allowedRoutes"].get("namespaces"), Mapping) else "Same"
            for item in listeners
        ]
        if allowed and all(value == "Same" for value in allowed):
            return [at(r, "route-not-allowed", ERROR, (*path, "name"), (
                f"{r.title()} is in namespace '{namespace_of(r)}', but Gateway '{name}' "
                f"(namespace '{namespace}') only accepts routes from its own namespace; set "
                "allowedRoutes.namespaces.from: All (or Selector) on its listener"
            ))]
    return []


def check_backend_ref(
    r: Resource, path: tuple[str | int, ...], ref: Any, cluster: Cluster
) -> list[Finding]:
    """A backendRef to a Service needs a port the Service offers."""
    if not isinstance(ref, Mapping) or not ref.get("name"):
        return [at(r, "missing-field", ERROR, path, (
            f"{r.title()}: each backendRef needs a name"
        ))]
    if ref.get("kind", "Service") != "Service" or ref.get("group", "") not in ("", "core"):
        return []
    findings = []
    name, port = str(ref["name"]), ref.get("port")
    if port is None:
        findings.append(at(r, "missing-field", ERROR, path, (
            f"{r.title()}: backendRef '{name}' needs a port; the Gateway API requires it for "
            "a Service (the Service's port, not the container's)"
        )))
    weight = ref.get("weight")
    if weight is not None and not (is_int(weight) and weight >= 0):
        findings.append(at(r, "invalid-value", ERROR, (*path, "weight"), (
            f"{r.title()}: weight {weight!r} must be a whole number, 0 or more"
        )))
    namespace = str(ref.get("namespace") or namespace_of(r))
    services = cluster.in_namespace("Service", "", namespace)
    if not services:
        return findings
    service = next((s for s in services if s.name == name), None)
    if service is None:
        return findings + [at(r, "missing-reference", ERROR, (*path, "name"), (
            f"{r.title()} sends traffic to Service '{name}', which is not defined in namespace "
            f"'{namespace}' (Services: {', '.join(repr(s.name) for s in services)}); requests "
            "get 500"
        ))]
    if port is not None and not any(p.get("port") == port for p in service_ports(service)):
        offered = ", ".join(str(p.get("port")) for p in service_ports(service)) or "none"
        findings.append(at(r, "missing-reference", ERROR, (*path, "port"), (
            f"{r.title()} asks Service '{name}' for port {port}, but it offers {offered}"
        )))
    return findings


def check_gateway_class(r: Resource, cluster: Cluster) -> list[Finding]:
    """A GatewayClass names the controller that implements it."""
    if not r.get("spec", "controllerName"):
        return [at(r, "missing-field", ERROR, ("spec",), (
            f"{r.title()} has no spec.controllerName, so no controller implements its "
            "Gateways"
        ), "Such as gateway.envoyproxy.io/gatewayclass-controller.")]
    return []


# --- Istio -----------------------------------------------------------------------------------

def istio_host(host: str, namespace: str) -> tuple[str, str]:
    """'reviews' or 'reviews.prod.svc.cluster.local' as (service name, namespace)."""
    parts = host.split(".")
    if len(parts) >= 2 and (len(parts) == 2 or parts[2] == "svc"):
        return parts[0], parts[1]
    return parts[0], namespace


def destination_rules_for(host: str, r: Resource, cluster: Cluster) -> list[Resource]:
    """DestinationRules whose host is the same service as `host` (seen from r's namespace)."""
    wanted = istio_host(host, namespace_of(r))
    return [
        d for d in cluster.kind("DestinationRule", "networking.istio.io")
        if istio_host(str(d.get("spec", "host") or ""), namespace_of(d)) == wanted
    ]


def check_virtual_service(r: Resource, cluster: Cluster) -> list[Finding]:
    """A VirtualService: hosts, destinations, weights and subsets that exist."""
    findings = []
    if not list_at(r, ("spec", "hosts")):
        findings.append(at(r, "missing-field", ERROR, ("spec",), (
            f"{r.title()} has no spec.hosts: the names whose traffic it routes, so it "
            "routes nothing"
        ), "Such as the Service 'reviews'."))
    has_rules = cluster.kind("DestinationRule", "networking.istio.io")
    for section in ("http", "tcp", "tls"):
        for i, rule in enumerate(list_at(r, ("spec", section))):
            where = ("spec", section, i)
            if not isinstance(rule, Mapping):
                continue
            routes = rule.get("route")
            if not routes and not rule.get("redirect") and not rule.get("directResponse"):
                findings.append(at(r, "missing-field", ERROR, where, (
                    f"{r.title()}: {section} rule {i + 1} has no route: (nor redirect), so it "
                    "sends traffic nowhere"
                )))
                continue
            destinations = [d for d in routes or [] if isinstance(d, Mapping)]
            weights = [d.get("weight") for d in destinations]
            if len(destinations) > 1:
                if any(w is None for w in weights):
                    findings.append(at(r, "istio-weights", WARNING, (*where, "route"), (
                        f"{r.title()}: with several destinations each needs a weight; a "
                        "missing weight counts as 0, so that destination receives no traffic"
                    )))
                elif all(is_int(w) for w in weights) and sum(weights) != 100:
                    findings.append(at(r, "istio-weights", WARNING, (*where, "route"), (
                        f"{r.title()}: the weights add up to {sum(weights)}, not 100. Older "
                        "Istio releases require 100 and newer ones treat weights as shares; "
                        "either way the split is not what it looks like. Make them add up to "
                        "100"
                    )))
            for j, item in enumerate(destinations):
                dest = item.get("destination")
                dpath = (*where, "route", j, "destination")
                if not isinstance(dest, Mapping) or not dest.get("host"):
                    findings.append(at(r, "missing-field", ERROR, (*where, "route", j), (
                        f"{r.title()}: each route needs destination.host (the Service)"
                    )))
                    continue
                subset = dest.get("subset")
                if subset is None or not has_rules:
                    continue
                rules = destination_rules_for(str(dest["host"]), r, cluster)
                subsets = {
                    str(s.get("name")) for d in rules
                    for s in list_at(d, ("spec", "subsets")) if isinstance(s, Mapping)
                }
                if str(subset) not in subsets:
                    findings.append(at(r, "missing-reference", ERROR, (*dpath, "subset"), (
                        f"{r.title()} routes to subset '{subset}' of {dest['host']}, but "
                        + (f"its DestinationRule defines only {', '.join(sorted(subsets))}"
                           if rules else "no DestinationRule defines subsets for that host")
                        + "; requests to it fail with 503 (no healthy upstream)"
                    )))
    return findings


def check_destination_rule(r: Resource, cluster: Cluster) -> list[Finding]:
    """A DestinationRule: a host, uniquely named subsets whose labels select pods."""
    findings = []
    host = r.get("spec", "host")
    if not host:
        findings.append(at(r, "missing-field", ERROR, ("spec",), (
            f"{r.title()} has no spec.host (the Service its policies and subsets apply to)"
        )))
    seen: set[str] = set()
    pods = [w for w in cluster.workloads() if namespace_of(w) == istio_host(
        str(host or ""), namespace_of(r))[1]]
    for i, subset in enumerate(list_at(r, ("spec", "subsets"))):
        where = ("spec", "subsets", i)
        if not isinstance(subset, Mapping) or not subset.get("name"):
            findings.append(at(r, "missing-field", ERROR, where, (
                f"{r.title()}: each subset needs a name (routes refer to it) and labels"
            )))
            continue
        name = str(subset["name"])
        if name in seen:
            findings.append(at(r, "duplicate-name", ERROR, (*where, "name"), (
                f"{r.title()}: subset '{name}' is defined twice"
            )))
        seen.add(name)
        labels = subset.get("labels")
        if isinstance(labels, Mapping) and labels and pods and not any(
            selector_matches(labels, w.pod_labels()) for w in pods
        ):
            findings.append(at(r, "subset-selects-no-pods", WARNING, (*where, "labels"), (
                f"{r.title()}: subset '{name}' selects {describe_labels(labels)}, but no pod "
                "defined here carries those labels; traffic sent to it gets 503"
            )))
    return findings


# --- Cilium ----------------------------------------------------------------------------------

def check_cilium_policy(r: Resource, cluster: Cluster) -> list[Finding]:
    """A CiliumNetworkPolicy: one selector per rule, and ports written as strings."""
    spec, specs = r.get("spec"), r.get("specs")
    if spec is None and specs is None:
        return [at(r, "missing-field", ERROR, (), (
            f"{r.title()} has no spec (or specs): it needs an endpointSelector and ingress or "
            "egress rules"
        ))]
    paths: list[tuple[str | int, ...]] = []
    if isinstance(spec, Mapping):
        paths.append(("spec",))
    paths += [("specs", i) for i, s in enumerate(as_list(specs)) if isinstance(s, Mapping)]
    findings = []
    for base in paths:
        node = r.get(*base)
        selectors = [k for k in ("endpointSelector", "nodeSelector") if k in node]
        if len(selectors) != 1:
            findings.append(at(r, "cilium-selector", ERROR, base, (
                f"{r.title()}: a rule needs exactly one of endpointSelector (which pods it "
                "protects; {} for all) or nodeSelector; found "
                f"{' and '.join(selectors) or 'neither'}"
            )))
        sections = [k for k in ("ingress", "ingressDeny", "egress", "egressDeny") if k in node]
        if not sections:
            findings.append(at(r, "cilium-empty", ERROR, base, (
                f"{r.title()}: the rule has none of ingress, ingressDeny, egress, egressDeny; "
                "Cilium's CRD requires at least one, so the API server refuses the policy"
            )))
        for section in sections:
            for i, rule in enumerate(list_at(r, (*base, section))):
                if not isinstance(rule, Mapping):
                    continue
                for j, to_port in enumerate(as_list(rule.get("toPorts"))):
                    ports = to_port.get("ports") if isinstance(to_port, Mapping) else None
                    for k, port in enumerate(ports if isinstance(ports, list) else []):
                        if not isinstance(port, Mapping):
                            continue
                        where = (*base, section, i, "toPorts", j, "ports", k)
                        value = port.get("port")
                        if is_int(value):
                            findings.append(at(r, "cilium-port", ERROR, (*where, "port"), (
                                f"{r.title()}: port: {value} must be a string in a Cilium "
                                f"policy (its CRD declares port as text, so a bare number is "
                                "rejected)"
                            ), f"Quote it: port: \"{value}\""))
                        protocol = port.get("protocol")
                        if protocol is not None and protocol not in ("TCP", "UDP", "SCTP", "ANY"):
                            findings.append(at(r, "invalid-value", ERROR, (*where, "protocol"), (
                                f"{r.title()}: protocol is TCP, UDP, SCTP or ANY, not {protocol}"
                            )))
    return findings


# --- Putting it together ---------------------------------------------------------------------

KindCheck = Callable[[Resource, Cluster], list[Finding]]
KIND_CHECKS: dict[tuple[str, str], KindCheck] = {
    ("", "Pod"): check_pod,
    ("", "Service"): check_service,
    ("", "ConfigMap"): check_config_map,
    ("", "Secret"): check_secret,
    ("", "Namespace"): check_namespace,
    ("apps", "Deployment"): check_workload,
    ("apps", "StatefulSet"): check_workload,
    ("apps", "DaemonSet"): check_workload,
    ("apps", "ReplicaSet"): check_workload,
    ("batch", "Job"): check_job,
    ("batch", "CronJob"): check_cronjob,
    ("networking.k8s.io", "Ingress"): check_ingress,
    ("networking.k8s.io", "IngressClass"): check_ingress_class_object,
    ("networking.k8s.io", "NetworkPolicy"): check_network_policy,
    ("traefik.io", "IngressRoute"): check_ingress_route,
    ("traefik.io", "Middleware"): check_middleware,
    ("traefik.io", "TraefikService"): check_traefik_service,
    ("helm.cattle.io", "HelmChartConfig"): check_helm_chart_config,
    ("helm.cattle.io", "HelmChart"): check_helm_chart,
    ("metallb.io", "IPAddressPool"): check_ip_address_pool,
    ("metallb.io", "L2Advertisement"): check_advertisement,
    ("metallb.io", "BGPAdvertisement"): check_advertisement,
    (GATEWAY_GROUP, "Gateway"): check_gateway,
    (GATEWAY_GROUP, "GatewayClass"): check_gateway_class,
    (GATEWAY_GROUP, "HTTPRoute"): check_http_route,
    ("networking.istio.io", "VirtualService"): check_virtual_service,
    ("networking.istio.io", "DestinationRule"): check_destination_rule,
    ("cilium.io", "CiliumNetworkPolicy"): check_cilium_policy,
    ("cilium.io", "CiliumClusterwideNetworkPolicy"): check_cilium_policy,
}
TOP_LEVEL_EXTRA.update({
    "ControllerRevision": frozenset("data revision".split()),
    "PodTemplate": frozenset(["template"]),
    # Cilium's CRD schema has both spec (one rule) and specs (a list of rules).
    "CiliumNetworkPolicy": frozenset(["specs"]),
    "CiliumClusterwideNetworkPolicy": frozenset(["specs"]),
})


def check_top_level(r: Resource) -> list[Finding]:
    """Top-level keys of a known kind: apiVersion, kind, metadata, spec (plus a few per kind)."""
    allowed = TOP_LEVEL_FIELDS | TOP_LEVEL_EXTRA.get(r.kind, frozenset())
    findings = unknown_fields_top(r, allowed)
    if r.kind in ("ConfigMap", "Secret") and "spec" in r.data:
        findings.append(at(r, "unknown-field", ERROR, ("spec",), (
            f"{r.title()}: a {r.kind} has no spec; its values go under data: (or stringData: "
            "for a Secret) at the top level"
        )))
    return findings


def unknown_fields_top(r: Resource, allowed: frozenset[str]) -> list[Finding]:
    """unknown_fields() for the document itself."""
    findings = []
    for key in r.data:
        if not isinstance(key, str) or key in allowed or (r.kind in ("ConfigMap", "Secret")
                                                          and key == "spec"):
            continue
        guess = nearest(key, allowed)
        findings.append(at(r, "unknown-field", ERROR if guess else WARNING, (key,), (
            f"{r.title()}: '{key}' is not a top-level field of a {r.kind}"
            + (f"; did you mean '{guess}'?" if guess else "")
            + " kubectl rejects unknown fields (or drops them silently with validation off)"
        )))
    return findings


def check_duplicates(resources: list[Resource]) -> list[Finding]:
    """The same kind, name and namespace twice: the second silently replaces the first."""
    seen: dict[tuple[str, str, str, str], Resource] = {}
    findings = []
    for r in resources:
        if not r.kind or not r.name:
            continue
        info = kind_info(r)
        namespace = namespace_of(r) if info is None or info.namespaced else ""
        key = (api_group(r.api_version), r.kind, namespace, r.name)
        first = seen.get(key)
        if first is None:
            seen[key] = r
            continue
        findings.append(at(r, "duplicate-resource", ERROR, ("metadata", "name"), (
            f"{r.title()} is defined twice (first at {first.where('metadata', 'name')}); "
            "kubectl applies both and the later one silently replaces the earlier"
        )))
    return findings


def check_resources(resources: Iterable[Resource]) -> list[Finding]:
    """Every rule, on resources read from one or more files (see read_for_check)."""
    resources = list(resources)
    findings: list[Finding] = []
    checked: list[Resource] = []
    for r in resources:
        identity, runs = check_identity(r)
        findings += identity
        if runs:
            checked.append(r)
    cluster = Cluster(checked)
    for r in checked:
        findings += check_top_level(r)
        kind_check = KIND_CHECKS.get((api_group(r.api_version), r.kind))
        if kind_check is not None:
            findings += guarded(r, kind_check, r, cluster)
    first = checked[0] if checked else None
    findings += guarded(first, check_duplicates, checked)
    findings += guarded(first, check_service_selectors, checked, True)
    findings += guarded(first, check_target_ports, checked, True)
    findings += guarded(first, check_ingress_backends, checked, True)
    findings += guarded(first, check_metallb, cluster)
    return findings


def guarded(r: Resource | None, rule: Callable[..., list[Finding]], *args: Any) -> list[Finding]:
    """Run a rule; an unexpected shape becomes a warning, never a crash of the review."""
    try:
        return rule(*args)
    except (AttributeError, TypeError, KeyError, IndexError, ValueError) as exc:
        where = f"{r.title()}: " if r is not None and rule in KIND_CHECKS.values() else ""
        return [Finding(
            "unchecked", WARNING, r.line if r is not None else 1,
            f"{where}this checker could not fully read the resources ({exc!r:.80}); check "
            "their shape against the documentation",
            r.source if r is not None else "",
        )]


def check_files(
    files: Iterable[tuple[str, str]], max_chars: int | None = MAX_YAML_CHARS
) -> list[Finding]:
    """Check several manifest files together, so that references between them resolve.

    `files` is a sequence of (name, text). Findings come back in file order, then line order.
    """
    names, resources, findings = read_files(files, max_chars)
    findings += check_resources(resources)
    return sort_findings(findings, names)


def read_files(
    files: Iterable[tuple[str, str]], max_chars: int | None = MAX_YAML_CHARS
) -> tuple[list[str], list[Resource], list[Finding]]:
    """(names, resources, findings about reading) for several files, never raising."""
    names: list[str] = []
    resources: list[Resource] = []
    findings: list[Finding] = []
    for name, text in files:
        names.append(name)
        found, problems = read_for_check(text, name, max_chars)
        resources += found
        findings += problems
    return names, resources, findings


def check(
    text: str, source: str = "manifest.yaml", max_chars: int | None = MAX_YAML_CHARS
) -> list[Finding]:
    """Review one manifest file: a list of findings (rule, severity, line, message, source).

    Never raises on bad input: unreadable YAML, binary data, a huge file, empty documents,
    lists or JSON all come back as findings.
    """
    return check_files([(source, text)], max_chars=max_chars)
