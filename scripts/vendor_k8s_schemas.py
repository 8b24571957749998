"""Regenerate app/grading/cluster/schemas/*.json: the trimmed schemas the cluster model checks.

Inputs (see app/grading/cluster/schemas/SOURCES.md for the versions vendored):
  --kubernetes DIR   kubernetes-validate's `kubernetes-json-schema/v1.35.0-local-strict` folder
                     (`pip download --no-deps kubernetes-validate` and unzip the wheel)
  --traefik GITDIR, --gateway-api GITDIR, --istio GITDIR, --metallb GITDIR,
  --helm-controller GITDIR, --envoy-gateway GITDIR, --linkerd GITDIR
                     bare clones of each project (their CRDs are read at HEAD with `git show`)
  --cilium GITDIR    a bare clone of github.com/datreeio/CRDs-catalog: cilium/cilium is too
                     large to clone here, and the catalog holds each Cilium CRD's
                     openAPIV3Schema as JSON (`cilium.io/<kind>_<version>.json`)

Only the projects given are rewritten; without --kubernetes, ObjectMeta is read from the
vendored kubernetes.json (so one project can be updated without the others).

Trimming keeps what validation needs and drops the rest: descriptions, examples, defaults (the
validator would write them into the learner's objects), formats, CEL rules and status. Every
object schema of a CRD that lists its properties and does not preserve unknown fields gets
`additionalProperties: false`, and every type also accepts null: what the API server does with
kubectl's default strict field validation (unknown fields are refused, nulls are pruned).
Inside oneOf/anyOf/allOf/not the schema only adds conditions (a structural CRD schema may not
declare fields there), so those parts never refuse unknown fields.

The catalog's converter (kubeconform's openapi2jsonschema) adds `additionalProperties: false`
wherever properties are listed; a CRD cannot hold that value, so it is taken out again and the
schema trimmed as the other CRDs are.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "app" / "grading" / "cluster" / "schemas"

BUILTIN = {
    "v1": ("Pod", "Service", "ConfigMap", "Secret", "Namespace", "ServiceAccount",
           "PersistentVolumeClaim", "Endpoints"),
    "apps/v1": ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"),
    "batch/v1": ("Job", "CronJob"),
    "networking.k8s.io/v1": ("Ingress", "IngressClass", "NetworkPolicy"),
}
CRDS = {
    "traefik": ["docs/content/reference/dynamic-configuration/kubernetes-crd-definition-v1.yml"],
    "gateway-api": [f"config/crd/standard/gateway.networking.k8s.io_{name}.yaml" for name in (
        "gatewayclasses", "gateways", "httproutes", "grpcroutes", "referencegrants")],
    "istio": ["manifests/charts/base/files/crd-all.gen.yaml"],
    "metallb": [f"config/crd/bases/metallb.io_{name}.yaml" for name in (
        "ipaddresspools", "l2advertisements", "bgpadvertisements", "bgppeers")],
    "helm-controller": [f"pkg/crds/yaml/generated/helm.cattle.io_{name}.yaml" for name in (
        "helmcharts", "helmchartconfigs")],
    "envoy-gateway": [f"charts/gateway-helm/charts/crds/crds/generated/gateway.envoyproxy.io_{name}"
                      ".yaml" for name in ("backendtrafficpolicies", "clienttrafficpolicies",
                                           "securitypolicies")],
    "linkerd": [f"charts/linkerd-crds/templates/policy/{name}.yaml" for name in (
        "server", "authorization-policy", "server-authorization", "meshtls-authentication",
        "network-authentication", "httproute")],
}
# The CRDs of these kinds only (a file may hold many).
CRD_KINDS = {
    "traefik": {"IngressRoute", "Middleware", "TraefikService", "IngressRouteTCP", "TLSOption",
                "ServersTransport"},
    "gateway-api": {"GatewayClass", "Gateway", "HTTPRoute", "GRPCRoute", "ReferenceGrant"},
    "istio": {"VirtualService", "DestinationRule", "Gateway", "ServiceEntry", "Sidecar",
              "PeerAuthentication", "AuthorizationPolicy", "RequestAuthentication"},
    "metallb": {"IPAddressPool", "L2Advertisement", "BGPAdvertisement", "BGPPeer"},
    "helm-controller": {"HelmChart", "HelmChartConfig"},
    "envoy-gateway": {"BackendTrafficPolicy", "ClientTrafficPolicy", "SecurityPolicy"},
    "linkerd": {"Server", "AuthorizationPolicy", "ServerAuthorization", "MeshTLSAuthentication",
                "NetworkAuthentication", "HTTPRoute"},
}
# CRDs read from the datreeio/CRDs-catalog JSON: {"group/version/Kind": file}.
CATALOG = {
    "cilium": {
        "cilium.io/v2/CiliumNetworkPolicy": "cilium.io/ciliumnetworkpolicy_v2.json",
        "cilium.io/v2/CiliumClusterwideNetworkPolicy":
            "cilium.io/ciliumclusterwidenetworkpolicy_v2.json",
    },
}
# Linkerd's CRDs are Helm templates: `{{ ... }}` appears only in metadata labels and
# annotations, which the schema does not need, so those lines are dropped before reading.
TEMPLATED = {"linkerd"}
KEEP = {
    "type", "properties", "additionalProperties", "items", "required", "enum", "pattern",
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength",
    "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties", "oneOf", "anyOf",
    "allOf", "not", "$ref",
}
OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"


def trim(schema: Any, crd: bool, structural: bool = True) -> Any:
    """The schema with only the validation keywords (see the module docstring).

    `structural` is false inside oneOf/anyOf/allOf/not: a CRD lists the fields of an object
    outside them, so there an object schema that names some properties does not refuse others.
    """
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key not in KEEP:
            continue
        if key == "properties":
            out[key] = {name: trim(sub, crd, structural) for name, sub in value.items()}
        elif key in ("items", "additionalProperties"):
            out[key] = trim(value, crd, structural) if isinstance(value, dict) else value
        elif key == "not":
            out[key] = trim(value, crd, False) if isinstance(value, dict) else value
        elif key in ("oneOf", "anyOf", "allOf"):
            out[key] = [trim(sub, crd, False) for sub in value]
        elif key == "pattern":
            out[key] = escape_dollar_in_sets(unicode_categories(value))
        elif key == "$ref":
            out[key] = "#/$defs/" + value.rsplit("/", 1)[1]
        else:
            out[key] = value
    if not crd and "oneOf" in out:
        # kubernetes-validate writes IntOrString and Quantity as oneOf [string|null, int|null]:
        # null matches both, so oneOf would refuse an empty value the API server accepts.
        out["anyOf"] = out.pop("oneOf")
    if crd:
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
        if (structural and "properties" in out and "additionalProperties" not in out
                and not schema.get("x-kubernetes-preserve-unknown-fields")):
            out["additionalProperties"] = False
    return out


def unicode_categories(pattern: str) -> str:
    """Go's `\\pC` / `\\PC` (a character in / not in Unicode category C) as a set Python's re reads.

    Python's re has no Unicode categories, so the set lists the code points of Cc, Cf, Cs and
    Co (control, format, surrogate, private use); Cn (unassigned) is left out: it changes with
    each Unicode version and would make the set hundreds of ranges long. Any other category
    stops the script, to be added here when a CRD uses it.
    """
    def translate(match: re.Match[str]) -> str:
        sign, name = match.group(1), match.group(2) or match.group(3)
        if sign is None:
            return match.group(0)  # an escaped backslash, then whatever follows it
        if name != "C":
            raise ValueError(f"pattern {pattern!r}: Unicode category {name} is not translated "
                             "for Python's re")
        return ("[^" if sign == "P" else "[") + category_c_ranges() + "]"

    return re.sub(r"\\\\|\\([pP])(?:\{(\w+)\}|(\w))", translate, pattern)


@cache
def category_c_ranges() -> str:
    """The code points of categories Cc, Cf, Cs and Co as set ranges (`\\x00-\\x1f...`)."""
    ranges: list[tuple[int, int]] = []
    for code in range(sys.maxunicode + 1):
        if unicodedata.category(chr(code)) in ("Cc", "Cf", "Cs", "Co"):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "".join(f"{escaped(a)}-{escaped(b)}" if a != b else escaped(a) for a, b in ranges)


def escaped(code: int) -> str:
    """A code point as a regular-expression escape."""
    return f"\\x{code:02x}" if code < 0x100 else (
        f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")


def escape_dollar_in_sets(pattern: str) -> str:
    """`[..$..]` as `[..\\$..]`: the same set, but fastjsonschema turns a bare `$` into `\\Z`."""
    out, in_set, escaped = [], False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            in_set = True
        elif char == "]":
            in_set = False
        elif char == "$" and in_set:
            char = "\\$"
        out.append(char)
    return "".join(out)


def builtin_schemas(folder: Path) -> dict[str, Any]:
    """{kinds: {"apps/v1/Deployment": schema}, $defs: {...}} with only the reachable $defs."""
    definitions = json.loads((folder / "_definitions.json").read_text())["$defs"]
    kinds = {}
    for api_version, names in BUILTIN.items():
        group, _, version = api_version.rpartition("/")
        for kind in names:
            suffix = f"-{group.split('.')[0]}-{version}" if group else f"-{version}"
            schema = trim(json.loads((folder / f"{kind.lower()}{suffix}.json").read_text()),
                          crd=False)
            schema["properties"].pop("status", None)
            kinds[f"{api_version}/{kind}"] = schema
    needed: dict[str, Any] = {}
    pending = [kinds]
    while pending:
        for ref in re.findall(r'"#/\$defs/([^"]+)"', json.dumps(pending.pop())):
            if ref not in needed:
                needed[ref] = trim(definitions[ref], crd=False)
                pending.append(needed[ref])
    return {"kinds": kinds, "$defs": dict(sorted(needed.items()))}


def crd_schemas(git_dir: Path, paths: list[str], wanted: set[str],
                object_meta: dict[str, Any], templated: bool = False) -> dict[str, Any]:
    """{kinds: {"group/version/Kind": schema}, $defs: {ObjectMeta}} from the CRDs in these files."""
    kinds: dict[str, Any] = {}
    definitions: dict[str, Any] = {}
    for path in paths:
        text = show(git_dir, path)
        if templated:
            text = "\n".join(line for line in text.splitlines() if "{{" not in line)
        for document in yaml.safe_load_all(text):
            if not document or document.get("kind") != "CustomResourceDefinition":
                continue
            spec = document["spec"]
            if spec["names"]["kind"] not in wanted:
                continue
            for version in spec["versions"]:
                if not version.get("served", True):
                    continue
                add_kind(kinds, definitions, f"{spec['group']}/{version['name']}/"
                         f"{spec['names']['kind']}", version["schema"]["openAPIV3Schema"])
    return {"kinds": dict(sorted(kinds.items())), "$defs": {**object_meta, **definitions}}


def catalog_schemas(git_dir: Path, files: dict[str, str],
                    object_meta: dict[str, Any]) -> dict[str, Any]:
    """crd_schemas() for CRDs read from the datreeio/CRDs-catalog JSON files."""
    kinds: dict[str, Any] = {}
    definitions: dict[str, Any] = {}
    for key, path in files.items():
        add_kind(kinds, definitions, key, without_catalog_strictness(
            json.loads(show(git_dir, path))))
    return {"kinds": dict(sorted(kinds.items())), "$defs": {**object_meta, **definitions}}


def without_catalog_strictness(schema: Any) -> Any:
    """The CRD's own schema: the catalog's `additionalProperties: false` taken out."""
    if isinstance(schema, dict):
        return {key: without_catalog_strictness(value) for key, value in schema.items()
                if not (key == "additionalProperties" and value is False)}
    if isinstance(schema, list):
        return [without_catalog_strictness(value) for value in schema]
    return schema


def add_kind(kinds: dict[str, Any], definitions: dict[str, Any], key: str,
             openapi: dict[str, Any]) -> None:
    """Trim one served version's openAPIV3Schema and file it under its kind."""
    group, version, kind = key.rsplit("/", 2)
    schema = trim(openapi, crd=True)
    properties = schema.setdefault("properties", {})
    properties.pop("status", None)
    # Every object has these, whether the CRD lists them or not (Istio's do not).
    properties["metadata"] = {"$ref": f"#/$defs/{OBJECT_META}"}
    properties["apiVersion"] = properties["kind"] = {"type": ["string", "null"]}
    # Versions that share one schema (Istio serves three) are stored once, and so are kinds
    # that share one (CiliumClusterwideNetworkPolicy is CiliumNetworkPolicy's schema).
    name = next((n for n, known in definitions.items() if known == schema), f"{kind}.{group}")
    if definitions.setdefault(name, schema) != schema:
        name = f"{name}.{version}"
        definitions[name] = schema
    kinds[key] = {"$ref": f"#/$defs/{name}"}


def show(git_dir: Path, path: str) -> str:
    """A file of the clone at HEAD."""
    return subprocess.run(["git", "--git-dir", str(git_dir), "show", f"HEAD:{path}"],
                          capture_output=True, text=True, check=True).stdout


def head(git_dir: Path) -> str:
    """The commit the CRDs were read from."""
    return subprocess.run(["git", "--git-dir", str(git_dir), "rev-parse", "HEAD"],
                          capture_output=True, text=True, check=True).stdout.strip()


def main() -> None:
    """Write the trimmed schemas and print the commits to record in SOURCES.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kubernetes", type=Path)
    for project in (*CRDS, *CATALOG):
        parser.add_argument(f"--{project}", type=Path)
    args = parser.parse_args()
    outputs = {}
    if args.kubernetes:
        builtin = outputs["kubernetes"] = builtin_schemas(args.kubernetes)
    else:
        builtin = json.loads((OUT / "kubernetes.json").read_text())
    meta_refs = {OBJECT_META}
    pending = [builtin["$defs"][OBJECT_META]]
    while pending:
        for ref in re.findall(r'"#/\$defs/([^"]+)"', json.dumps(pending.pop())):
            if ref not in meta_refs:
                meta_refs.add(ref)
                pending.append(builtin["$defs"][ref])
    object_meta = {ref: builtin["$defs"][ref] for ref in sorted(meta_refs)}
    OUT.mkdir(exist_ok=True)
    for project, paths in CRDS.items():
        git_dir = getattr(args, project.replace("-", "_"))
        if git_dir is None:
            continue
        outputs[project] = crd_schemas(git_dir, paths, CRD_KINDS[project], object_meta,
                                       templated=project in TEMPLATED)
        print(f"{project}: {head(git_dir)}")
    for project, files in CATALOG.items():
        git_dir = getattr(args, project.replace("-", "_"))
        if git_dir is None:
            continue
        outputs[project] = catalog_schemas(git_dir, files, object_meta)
        print(f"{project}: {head(git_dir)}")
    for name, content in outputs.items():
        target = OUT / f"{name}.json"
        target.write_text(json.dumps(content, separators=(",", ":"), sort_keys=True) + "\n")
        print(f"{target.relative_to(ROOT)}: {len(content['kinds'])} kinds, "
              f"{target.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
