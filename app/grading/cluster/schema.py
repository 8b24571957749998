"""Validation against the real schemas: Kubernetes 1.35's OpenAPI and the CRDs the track installs.

The schemas are vendored and trimmed in `schemas/` (SOURCES.md says where each comes from) and
checked with fastjsonschema, which compiles one validator per kind on first use (pure Python:
the same code runs in Pyodide). kubectl validates strictly by default, so an unknown field is
refused like a wrong type. Like the API server, which lists every invalid field of an object it
refuses, this module reports each problem as (path, message) with the field path and the API
server's verdict.
"""

from __future__ import annotations

import json
import pkgutil
from collections.abc import Callable
from collections.abc import Mapping
from functools import cache
from typing import Any

import fastjsonschema
from fastjsonschema.draft07 import CodeGeneratorDraft07
from fastjsonschema.ref_resolver import RefResolver

# Read as package data: in Pyodide the grader is imported from a zip, not from files.
# pkgutil.get_data opens and closes the zip per read; importlib.resources' Traversable keeps the
# zip open, and an open file must not be in the Pyodide memory snapshot (it would alias another).
PACKAGE = __package__ or "grading.cluster"
FILES = ("kubernetes", "traefik", "gateway-api", "istio", "metallb", "helm-controller",
         "envoy-gateway", "linkerd", "cilium")
VERDICT = "the API server refuses the object (kubectl apply fails, nothing is created)"

Problem = tuple[tuple[str | int, ...], str]


@cache
def schema_files() -> dict[str, str]:
    """{"apps/v1/Deployment": "kubernetes"}: which vendored file describes each kind."""
    index = {}
    for name in FILES:
        for key in load(name)["kinds"]:
            index[key] = name
    return index


@cache
def load(name: str) -> dict[str, Any]:
    """One vendored schema file."""
    data = pkgutil.get_data(PACKAGE, f"schemas/{name}.json")
    if data is None:
        raise FileNotFoundError(f"schemas/{name}.json is missing from {PACKAGE}")
    return json.loads(data.decode("utf-8"))


def has_schema(api_version: str, kind: str) -> bool:
    """Whether a vendored schema describes this kind."""
    return f"{api_version}/{kind}" in schema_files()


@cache
def validator(key: str) -> Callable[[Any], Any]:
    """The compiled validator of one kind ("apps/v1/Deployment"), made on first use.

    One per kind, not per file: a check compiles only the kinds its manifests use.
    """
    document = load(schema_files()[key])
    definition = {**document["kinds"][key], "$defs": document["$defs"]}
    resolver = RefResolver.from_schema(definition, store={})
    generator = LeanCodeGenerator(definition, resolver=resolver, use_default=False)
    namespace = generator.global_state
    exec(generator.func_code, namespace)  # what fastjsonschema.compile() does with its code
    return namespace[resolver.get_scope_name()]


MAX_PROBLEMS = 8


def problems(data: Any, api_version: str, kind: str) -> list[Problem]:
    """The schema's objections to this object, as (path, message); empty when valid.

    fastjsonschema stops at the first error, so the field it names is taken out of a copy and
    the copy validated again, up to MAX_PROBLEMS times: the learner sees every unknown field
    and wrong value at once. A missing required field or a bad list item cannot be taken out
    without changing what follows, so the search stops there.
    """
    key = f"{api_version}/{kind}"
    if key not in schema_files():
        return []
    check = validator(key)
    found: list[Problem] = []
    copy = plain(data)
    while len(found) < MAX_PROBLEMS:
        try:
            check(copy)
            break
        except fastjsonschema.JsonSchemaValueException as exc:
            path, message = explain(exc, copy)
            rule = exc.rule
        if any(path[: len(seen)] == seen or seen[: len(path)] == path for seen, _ in found):
            break  # taking the field out made its parent object to it: nothing new
        found.append((path, message))
        parent = node_at(copy, path[:-1]) if path else None
        if rule == "required" or not isinstance(parent, dict) or path[-1] not in parent:
            break
        del parent[path[-1]]
    return found


def plain(data: Any) -> Any:
    """A copy of parsed YAML as plain dicts and lists (cheap to change, safe to share)."""
    if isinstance(data, Mapping):
        return {k: plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [plain(v) for v in data]
    return data


def node_at(data: Any, path: tuple[str | int, ...]) -> Any:
    """The value at a path resolved by resolve()."""
    for step in path:
        data = data[step]
    return data


class LeanCodeGenerator(CodeGeneratorDraft07):
    """fastjsonschema's generator, whose exceptions carry only the failing rule (the enum's
    values, the required keys, the known property names), not the whole sub-schema expanded.

    The stock generator writes the expanded sub-schema into every `raise`: for a Deployment
    that is 0.9 MB of Python to compile, which took 40 s in Pyodide on a busy machine.
    """

    def exc(self, msg: str, *args: Any, append_to_msg: str | None = None,
            rule: str | None = None) -> None:
        """The `raise` line for a failed rule (see the class docstring)."""
        text = '"' + msg + '"' + (f" + ({append_to_msg})" if append_to_msg else "")
        schema = self._definition if isinstance(self._definition, dict) else {}
        kept: dict[str, Any] = {}
        if rule in schema:
            kept[rule] = lean(schema[rule]) if rule in ("oneOf", "anyOf", "not") else schema[rule]
        if rule == "additionalProperties":
            kept["properties"] = dict.fromkeys(schema.get("properties", {}))
        self.l("raise JsonSchemaValueException(" + text + ', value={variable}, name="{name}", '
               "definition={kept}, rule={rule_name})", *args, kept=repr(kept),
               rule_name=repr(rule))


def lean(alternatives: Any) -> Any:
    """The alternatives of a oneOf/anyOf/not reduced to what a message names: keys and types."""
    if isinstance(alternatives, list):
        return [lean(a) for a in alternatives]
    if isinstance(alternatives, dict):
        return {k: lean(v) if k == "anyOf" else v for k, v in alternatives.items()
                if k in ("required", "type", "anyOf")}
    return alternatives


def explain(exc: fastjsonschema.JsonSchemaValueException, data: Any) -> Problem:
    """A schema error as the API server would word it: field path, what is wrong, the verdict."""
    path = resolve(data, exc.name)
    value, rule, definition = exc.value, exc.rule, exc.rule_definition
    if rule == "additionalProperties" and isinstance(value, Mapping):
        known = (exc.definition or {}).get("properties", {})
        unknown = [k for k in value if k not in known] or list(value)
        path = (*path, unknown[0])
        return path, f'{field(path)}: unknown field "{short(unknown[0])}": {VERDICT}'
    where = field(path)
    if rule == "required" and isinstance(value, Mapping) and isinstance(definition, list):
        missing = [k for k in definition if k not in value] or definition
        return path, f"{field((*path, missing[0]))}: Required value: {VERDICT}"
    if rule == "type":
        wanted = [t for t in ([definition] if isinstance(definition, str) else definition)
                  if t != "null"]
        return path, (f"{where}: Invalid value: {shown(value)} is {a(json_type(value))}, but "
                      f"this field must be {' or '.join(a(t) for t in wanted)}: {VERDICT}")
    if rule == "enum":
        options = ", ".join(str(o) for o in definition if o is not None)
        return path, (f"{where}: Unsupported value: {shown(value)}: supported values: "
                      f"{short(options, 200)}: {VERDICT}")
    if rule in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        bound = {"minimum": "at least", "maximum": "at most", "exclusiveMinimum": "more than",
                 "exclusiveMaximum": "less than"}[rule]
        return path, (f"{where}: Invalid value: {shown(value)}: must be {bound} {definition}: "
                      f"{VERDICT}")
    if rule in ("minLength", "maxLength", "minItems", "maxItems"):
        bound = "at least" if rule.startswith("min") else "at most"
        unit = "characters" if rule.endswith("Length") else "items"
        return path, (f"{where}: Invalid value: {shown(value)}: must have {bound} {definition} "
                      f"{unit}: {VERDICT}")
    if rule == "pattern":
        return path, (f"{where}: Invalid value: {shown(value)}: not in the form this field "
                      f"accepts: {VERDICT}")
    if rule in ("oneOf", "anyOf", "not") and isinstance(value, Mapping):
        fields = sorted({k for sub in alternatives(definition) for k in sub.get("required", [])})
        if fields and rule == "anyOf" and not any(k in value for k in fields):
            return path, (f"{where}: set at least one of {', '.join(fields)} (none is set): "
                          f"{VERDICT}")
        if fields and rule != "anyOf":
            return path, (f"{where}: set exactly one of {', '.join(fields)} (they are mutually "
                          f"exclusive, and one is required): {VERDICT}")
    if rule in ("oneOf", "anyOf"):
        forms = sorted({t for sub in alternatives(definition) for t in types_of(sub)})
        if forms:
            return path, (f"{where}: Invalid value: {shown(value)} is {a(json_type(value))}, "
                          f"but this field must be {' or '.join(a(t) for t in forms)}: {VERDICT}")
    return path, f"{where}: Invalid value: {shown(value)}: {VERDICT}"


def resolve(data: Any, name: str) -> tuple[str | int, ...]:
    """The path of fastjsonschema's `data.a.b[0].c` in `data`.

    The name joins keys with dots, and keys may hold dots (annotation keys, "networking.k8s.io"),
    so each step takes the longest key of the map that the rest of the name starts with.
    """
    rest, node, path = name.removeprefix("data"), data, []
    while rest:
        if rest.startswith("[") and isinstance(node, list) and "]" in rest:
            index, _, rest = rest[1:].partition("]")
            if not index.isdigit() or int(index) >= len(node):
                break
            path.append(int(index))
            node = node[int(index)]
        elif rest.startswith(".") and isinstance(node, Mapping):
            keys = [k for k in node if isinstance(k, str) and rest[1:].startswith(k)
                    and rest[1 + len(k):][:1] in ("", ".", "[")]
            if not keys:
                break
            key = max(keys, key=len)
            path.append(key)
            node, rest = node[key], rest[1 + len(key):]
        else:
            break
    return tuple(path)


def alternatives(definition: Any) -> list[Mapping[str, Any]]:
    """The sub-schemas of a oneOf/anyOf/not (a `not` holds one, often an anyOf)."""
    if isinstance(definition, Mapping):
        return [definition, *alternatives(definition.get("anyOf", []))]
    return [d for d in definition if isinstance(d, Mapping)] if isinstance(definition, list) else []


def types_of(schema: Mapping[str, Any]) -> list[str]:
    """The JSON types a sub-schema accepts, null left out."""
    kind = schema.get("type", [])
    return [t for t in ([kind] if isinstance(kind, str) else kind) if t != "null"]


def field(path: tuple[str | int, ...]) -> str:
    """spec.ports[0].port"""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(the object)"


def type_name(value: Any) -> str:
    """The JSON type of a YAML value, as the API server names it."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, Mapping):
        return "object"
    return "null"


def json_type(value: Any) -> str:
    """The JSON Schema type of a YAML value: type_name, with integers apart from numbers."""
    if isinstance(value, int) and not isinstance(value, bool):
        return "integer"
    if value is not None and type_name(value) == "null":
        return type(value).__name__  # a YAML timestamp or another non-JSON value
    return type_name(value)


def a(type_name: str) -> str:
    """'an integer', 'a string'."""
    return ("an " if type_name[0] in "aeiou" else "a ") + type_name


def shown(value: Any) -> str:
    """A value as the message quotes it, bounded (maps and lists are not dumped)."""
    if isinstance(value, Mapping):
        return "a map"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f'"{short(value)}"'
    return short(str(value).lower() if isinstance(value, bool) else str(value))


def short(text: Any, limit: int = 60) -> str:
    """Text cut to `limit` characters."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
