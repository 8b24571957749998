"""Kubernetes manifests: line numbers, clear YAML errors, and the cross-resource checks."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from app.grading import manifests
from app.grading.findings import Finding
from app.grading.manifests import ManifestError
from app.grading.manifests import load_documents

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop-web
  labels:
    app.kubernetes.io/name: shop
spec:
  selector:
    matchLabels:
      app: shop
  template:
    metadata:
      labels:
        app: shop
        tier: web
    spec:
      containers:
        - name: web
          image: shop:1.0
          ports:
            - name: http
              containerPort: 8080
"""

SERVICE_AND_INGRESS = """\
apiVersion: v1
kind: Service
metadata:
  name: shop-web
spec:
  selector:
    app: shop
    tier: web
  ports:
    - name: http
      port: 80
      targetPort: http
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop-web
spec:
  ingressClassName: traefik
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: shop-web
                port:
                  number: 80
"""


def resources(service_and_ingress: str = SERVICE_AND_INGRESS) -> list[manifests.Resource]:
    """The Deployment plus a learner file, as the Kubernetes exercise loads them."""
    return load_documents(DEPLOYMENT, "deployment.yaml") + load_documents(
        service_and_ingress, "mine.yaml"
    )


def error_of(text: str) -> ManifestError:
    """Load text that must fail, and return the error."""
    with pytest.raises(ManifestError) as info:
        load_documents(text, "bad.yaml")
    return info.value


def test_documents_become_resources_with_kind_name_and_first_line():
    service, ingress = load_documents(SERVICE_AND_INGRESS, "mine.yaml")
    assert (service.kind, service.api_version, service.name) == ("Service", "v1", "shop-web")
    assert (service.line, service.index) == (1, 1)
    assert (ingress.kind, ingress.line, ingress.index) == ("Ingress", 14, 2)
    assert service.namespace is None and service.source == "mine.yaml"


def test_line_of_points_at_nested_keys_and_list_items():
    service, ingress = load_documents(SERVICE_AND_INGRESS)
    assert service.line_of("spec", "selector") == 6
    assert service.line_of("spec", "ports", 0, "targetPort") == 12
    assert ingress.line_of("spec", "rules", 0, "http", "paths", 0, "pathType") == 25
    assert service.where("spec", "ports") == "line 9"


def test_line_of_a_missing_key_is_the_line_of_its_deepest_existing_parent():
    service = load_documents(SERVICE_AND_INGRESS)[0]
    assert service.line_of("spec", "type") == 5
    assert service.line_of("spec", "ports", 7, "port") == 9


def test_get_follows_keys_and_indexes_with_a_default():
    service = load_documents(SERVICE_AND_INGRESS)[0]
    assert service.get("spec", "ports", 0, "port") == 80
    assert service.get("spec", "ports", 3, "port", default="none") == "none"
    assert service.get("metadata", "name", "deeper") is None


def test_pod_labels_come_from_the_template_not_the_workload():
    deployment = load_documents(DEPLOYMENT)[0]
    assert deployment.labels == {"app.kubernetes.io/name": "shop"}
    assert deployment.pod_labels() == {"app": "shop", "tier": "web"}
    [port] = deployment.container_ports()
    assert (port.number, port.name, port.container, port.line) == (8080, "http", "web", 22)


def test_a_trailing_separator_is_harmless():
    assert len(load_documents("kind: A\n---\n")) == 1


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("", 1, "empty"),
        ("# nothing but a comment\n", 1, "empty"),
        ("kind: A\n---\n---\nkind: B\n", 2, "document 2 is empty"),
        ("- a\n- b\n", 1, "is a list"),
        ("---\n42\n", 1, "a plain value"),
        ("kind: A\nspec:\n\treplicas: 2\n", 3, "tab"),
        ("metadata:\n  name: a\n  name: b\n", 3, "appears twice"),
        ("kind: A\nmetadata: name: x\n", 2, "did not expect a new key"),
        ("spec:\n    replicas: 2\n  paused: true\n", 3, "line up"),
        ("ports: [80, 443\n", 1, "YAML syntax error"),
    ],
)
def test_unreadable_yaml_becomes_a_manifest_error_with_line(text, line, words):
    error = error_of(text)
    assert error.line == line
    assert words in error.message
    assert str(error).startswith(f"bad.yaml line {line}: ")


def test_allow_empty_skips_empty_documents():
    assert [r.kind for r in load_documents("kind: A\n---\n---\nkind: B\n", allow_empty=True)] == [
        "A", "B"
    ]


def test_find_and_find_one_match_kind_case_insensitively():
    found = resources()
    assert [r.source for r in manifests.find(found, "service")] == ["mine.yaml"]
    assert manifests.find_one(found, "Ingress", "shop-web").kind == "Ingress"
    assert manifests.find_one(found, "Ingress", "other") is None


def test_selector_matches_needs_every_selector_label():
    labels = {"app": "shop", "tier": "web", "version": 2}
    assert manifests.selector_matches({"app": "shop"}, labels)
    assert manifests.selector_matches({"version": "2"}, labels)
    assert not manifests.selector_matches({"app": "shop", "tier": "db"}, labels)
    assert not manifests.selector_matches({}, labels)
    assert not manifests.selector_matches(None, labels)


def test_pods_selected_by_respects_namespaces():
    found = resources()
    service = manifests.find_one(found, "Service")
    assert [w.name for w in manifests.pods_selected_by(service, found)] == ["shop-web"]
    moved = SERVICE_AND_INGRESS.replace("  name: shop-web\nspec:\n  selector", (
        "  name: shop-web\n  namespace: shop\nspec:\n  selector"
    ), 1)
    found = resources(moved)
    assert manifests.pods_selected_by(manifests.find_one(found, "Service"), found) == []


def test_target_port_resolves_by_name_number_or_default():
    deployment = load_documents(DEPLOYMENT)[0]

    def reached(port: dict) -> manifests.ContainerPort | None:
        return manifests.resolve_target_port(port, deployment)

    assert reached({"port": 80, "targetPort": "http"}).number == 8080
    assert reached({"port": 80, "targetPort": 8080}).name == "http"
    assert reached({"port": 8080}).name == "http"
    assert reached({"port": 80, "targetPort": "8080"}).number == 8080
    assert reached({"port": 80}) is None
    assert reached({"port": 80, "targetPort": "web"}) is None


def test_service_port_matching_uses_the_service_port_not_the_target():
    service = manifests.find_one(resources(), "Service")
    assert manifests.service_port_matching(service, {"number": 80})["name"] == "http"
    assert manifests.service_port_matching(service, {"name": "http"})["port"] == 80
    assert manifests.service_port_matching(service, {"number": 8080}) is None


def test_correct_manifests_have_no_findings():
    found = resources()
    assert manifests.check_service_selectors(found) == []
    assert manifests.check_target_ports(found) == []
    assert manifests.check_ingress_backends(found) == []
    assert manifests.check_ingress_class(found, "traefik") == []


def test_selector_on_the_deployment_labels_is_explained():
    wrong = SERVICE_AND_INGRESS.replace("    app: shop\n    tier: web\n", (
        "    app.kubernetes.io/name: shop\n"
    ))
    [finding] = manifests.check_service_selectors(resources(wrong))
    assert finding.rule == "service-selects-no-pods" and finding.severity == "error"
    assert finding.line == 6 and finding.source == "mine.yaml"
    assert "labels of the Deployment itself" in finding.message
    assert "deployment.yaml line 13" in finding.message  # where the pod labels are
    assert str(finding).startswith("mine.yaml line 6: ")


def test_selector_matching_nothing_lists_the_labels_pods_have():
    wrong = SERVICE_AND_INGRESS.replace("tier: web", "tier: api", 1)
    [finding] = manifests.check_service_selectors(resources(wrong))
    assert "app=shop, tier=web" in finding.message and "no endpoints" in finding.message


def test_missing_selector_is_its_own_rule():
    wrong = SERVICE_AND_INGRESS.replace("  selector:\n    app: shop\n    tier: web\n", "")
    [finding] = manifests.check_service_selectors(resources(wrong))
    assert finding.rule == "service-without-selector"


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("80", "the Service's own port"),
        ("web", "no container port is named 'web'"),
        ("9090", "no container listens on port 9090"),
    ],
)
def test_target_port_that_misses_the_container_is_explained(target, words):
    wrong = SERVICE_AND_INGRESS.replace("targetPort: http", f"targetPort: {target}")
    [finding] = manifests.check_target_ports(resources(wrong))
    assert finding.rule == "service-target-port-unreachable" and finding.line == 12
    assert words in finding.with_fix() and "8080 (named 'http')" in finding.message


def test_missing_target_port_defaults_to_the_service_port():
    wrong = SERVICE_AND_INGRESS.replace("      targetPort: http\n", "")
    [finding] = manifests.check_target_ports(resources(wrong))
    assert "defaults to port" in finding.message and finding.line == 11


def test_ingress_path_without_path_type_is_reported():
    wrong = SERVICE_AND_INGRESS.replace("            pathType: Prefix\n", "")
    [finding] = manifests.check_ingress_backends(resources(wrong))
    assert finding.rule == "ingress-path-type" and "no pathType" in finding.message


def test_ingress_backend_to_unknown_service_is_reported():
    wrong = SERVICE_AND_INGRESS.replace("        name: shop-web", "        name: shop")
    [finding] = manifests.check_ingress_backends(resources(wrong))
    assert finding.rule == "ingress-backend-unknown-service" and finding.line == 28
    assert "'shop-web'" in finding.message


def test_ingress_backend_on_the_container_port_gets_a_hint():
    wrong = SERVICE_AND_INGRESS.replace("number: 80", "number: 8080")
    [finding] = manifests.check_ingress_backends(resources(wrong))
    assert finding.rule == "ingress-backend-unknown-port"
    assert "offers 80 (named 'http')" in finding.message
    assert "That is the container's port" in finding.message


def test_ingress_backend_on_an_unknown_port_name_has_no_container_hint():
    wrong = SERVICE_AND_INGRESS.replace("number: 80", "name: web")
    [finding] = manifests.check_ingress_backends(resources(wrong))
    assert "the port named 'web'" in finding.message
    assert "container's port" not in finding.message


@pytest.mark.parametrize(
    ("replacement", "words"),
    [
        ("", "no spec.ingressClassName"),
        ("  ingressClassName: nginx\n", "has ingressClassName 'nginx'"),
    ],
)
def test_ingress_class_problems_are_explained(replacement, words):
    wrong = SERVICE_AND_INGRESS.replace("  ingressClassName: traefik\n", replacement)
    [finding] = manifests.check_ingress_class(resources(wrong), "traefik")
    assert finding.rule == "ingress-class" and words in finding.with_fix()


def test_old_ingress_class_annotation_is_called_deprecated():
    wrong = SERVICE_AND_INGRESS.replace("  ingressClassName: traefik\n", "").replace(
        "  name: shop-web\nspec:\n  rules",
        "  name: shop-web\n  annotations:\n    kubernetes.io/ingress.class: traefik\n"
        "spec:\n  rules",
    )
    [finding] = manifests.check_ingress_class(resources(wrong), "traefik")
    assert "deprecated" in finding.message


def test_selector_that_is_not_a_mapping_is_reported_not_matched():
    wrong = SERVICE_AND_INGRESS.replace("  selector:\n    app: shop\n    tier: web\n", (
        "  selector: [app, shop]\n"
    ))
    found = resources(wrong)
    [finding] = manifests.check_service_selectors(found)
    assert finding.rule == "service-selector-shape"
    assert manifests.pods_selected_by(manifests.find_one(found, "Service"), found) == []


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("spec:\n  selector", "spec: 5\nspecx:\n  selector"),
        ("  ports:\n    - name: http\n", "  ports: [80]\n  portsx:\n    - name: http\n"),
        ("  rules:\n    - host", "  rules: 5\n  x:\n    - host"),
        ("  rules:\n    - host", "  rules:\n    - 5\n    - host"),
        ("      http:\n        paths:", "      http: 5\n      httpx:\n        paths:"),
        ("      backend:\n", "      backend: 5\n            x:\n"),
        ("                port:\n                  number: 80\n", "                port: 80\n"),
        ("        paths:\n          - path", "        paths:\n          - /\n          - path"),
        ("metadata:\n  name: shop-web\nspec:\n  selector", "metadata: 5\nspec:\n  selector"),
    ],
)
def test_odd_shapes_give_findings_not_crashes(old, new):
    assert old in SERVICE_AND_INGRESS
    found = resources(SERVICE_AND_INGRESS.replace(old, new, 1))
    findings = (
        manifests.check_service_selectors(found) + manifests.check_target_ports(found)
        + manifests.check_ingress_backends(found) + manifests.check_ingress_class(found, "x")
    )
    assert all(isinstance(f, manifests.Finding) for f in findings)


# ---------------------------------------------------------------------------------------------
# check(): the whole review
# ---------------------------------------------------------------------------------------------

REALWORLD = Path(__file__).resolve().parents[1] / "fixtures" / "realworld" / "k8s"
REALWORLD_FILES = sorted(p for p in REALWORLD.iterdir() if p.suffix in (".yaml", ".json"))
# Warnings a well-formed file may still get (none so far: each would be listed here by rule).
EXPECTED_WARNINGS: dict[str, set[str]] = {}


def check(text: str) -> list[Finding]:
    """Review one file named t.yaml."""
    return manifests.check(text, "t.yaml")


def rules(text: str) -> set[str]:
    """The rule ids found in a text."""
    return {f.rule for f in check(text)}


def only(text: str, rule: str) -> Finding:
    """The single finding of one rule (fails if there are none or several)."""
    found = [f for f in check(text) if f.rule == rule]
    assert len(found) == 1, [f.format() for f in check(text)]
    return found[0]


def test_realworld_fixtures_are_there():
    names = {p.name for p in REALWORLD_FILES}
    assert {"shop-app.yaml", "traefik-ingressroute.yaml", "metallb-l2.yaml", "gateway-api.yaml",
            "istio-canary.yaml", "cilium-policy.yaml", "service-as-json.json"} <= names


@pytest.mark.parametrize("path", REALWORLD_FILES, ids=lambda p: p.name)
def test_realworld_manifests_pass_cleanly(path):
    findings = manifests.check(path.read_text(), path.name)
    assert [f.format() for f in findings if f.is_error] == []
    assert {f.rule for f in findings} <= EXPECTED_WARNINGS.get(path.name, set())


def test_realworld_manifests_pass_cleanly_when_read_together():
    findings = manifests.check_files([(p.name, p.read_text()) for p in REALWORLD_FILES])
    assert [f.format() for f in findings] == []


def test_the_realworld_files_are_really_read():
    resources, problems = manifests.read_for_check(
        (REALWORLD / "service-as-json.json").read_text(), "svc.json"
    )
    assert problems == []
    [service] = resources
    assert (service.kind, service.name, service.line_of("spec", "ports")) == (
        "Service", "metrics", 11
    )
    kinds = {
        r.kind for p in REALWORLD_FILES
        for r in manifests.read_for_check(p.read_text(), p.name)[0]
    }
    assert {"IngressRoute", "Middleware", "HelmChartConfig", "IPAddressPool", "L2Advertisement",
            "Gateway", "HTTPRoute", "VirtualService", "DestinationRule", "CiliumNetworkPolicy",
            "IngressClass", "Ingress", "CronJob", "Namespace", "ConfigMap"} <= kinds


def test_manifests_finding_is_the_shared_finding():
    from app.grading import findings

    assert manifests.Finding is findings.Finding
    finding = manifests.Finding("r", "error", 3, "broken", "a.yaml")
    assert finding.format() == "a.yaml:3: error [r] broken"
    assert str(finding) == "a.yaml line 3: broken"


# --- malformed input: never a crash, always a message -----------------------------------------

@pytest.mark.parametrize(
    ("text", "rule", "line", "words"),
    [
        ("", "empty-file", 1, "no YAML documents"),
        ("# only a comment\n", "empty-file", 1, "no objects passed"),
        ("kind: Service\nspec:\n\tports: []\n", "yaml-syntax", 3, "tab"),
        ("metadata:\n  name: a\n  name: b\n", "yaml-syntax", 3, "appears twice"),
        ("- apiVersion: v1\n  kind: Service\n", "document-not-mapping", 1, "is a list"),
        ("---\n42\n", "document-not-mapping", 1, "plain value"),
        ("ports: [80, 443\n", "yaml-syntax", 1, "YAML syntax error"),
        ("kind: A\x00B\n", "not-text", 1, "binary file"),
        ("a: 1\nb: \x01\x02\x03\n", "not-text", 2, "control characters"),
        ("a: 1\nb: \x81\n", "yaml-syntax", 2, "U+0081"),
        ("[" * 3000 + "]" * 3000, "yaml-syntax", 1, "nested more than 64 levels"),
        ("a:\n  b: " + "{c: " * 70 + "1" + "}" * 70, "yaml-syntax", 2, "nested more than"),
    ],
)
def test_malformed_input_becomes_one_finding(text, rule, line, words):
    findings = check(text)
    assert [(f.rule, f.line) for f in findings if f.is_error][:1] == [(rule, line)]
    assert words in findings[0].message


def test_binary_garbage_is_reported_not_raised():
    garbage = bytes(range(256)).decode("latin-1") * 40
    [finding] = check(garbage)
    assert finding.rule == "not-text" and finding.severity == "error"


def test_one_megabyte_of_yaml_is_refused_at_once():
    document = (REALWORLD / "shop-app.yaml").read_text()
    text = (document + "---\n") * (1_000_000 // len(document) + 1)
    assert len(text) > 1_000_000
    started = time.perf_counter()
    [finding] = check(text)
    assert time.perf_counter() - started < 0.5
    assert finding.rule == "file-too-large" and "Split it" in finding.message


def test_a_large_file_below_the_limit_is_fully_checked():
    document = (REALWORLD / "shop-app.yaml").read_text().replace("name: shop-web", "name: x{n}")
    text = "---\n".join(document.replace("{n}", str(i)) for i in range(15))
    assert 40_000 < len(text) < manifests.MAX_YAML_CHARS
    findings = check(text)
    assert {f.rule for f in findings} == {"duplicate-resource"}  # Namespace, ConfigMap, HPA...


def test_the_size_limit_can_be_lifted():
    text = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: big\n" + "# pad\n" * 50_000
    assert check(text)[0].rule == "file-too-large"
    assert manifests.check(text, "big.yaml", max_chars=None) == []


def test_a_json_manifest_is_yaml():
    text = (
        '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},\n'
        ' "data": {"PORT": 8000}}'
    )
    finding = only(text, "configmap-not-string")
    assert finding.line == 2 and 'Quote it: PORT: "8000"' in finding.fix


def test_empty_documents_are_warnings_and_the_rest_is_still_checked():
    text = "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n---\n" \
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: B}\n"
    found = check(text)
    assert [(f.rule, f.severity, f.line) for f in found] == [
        ("empty-document", "warning", 5), ("invalid-name", "error", 9)
    ]


def test_a_document_that_is_a_list_does_not_hide_the_others():
    text = "- a\n- b\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {}\n"
    assert rules(text) == {"document-not-mapping", "missing-field"}


def test_a_list_kind_is_unpacked_into_its_items():
    text = (
        "apiVersion: v1\nkind: List\nitems:\n"
        "  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: ok}\n"
        "  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: Bad_Name}\n"
        "  - 42\n"
    )
    assert [(f.rule, f.line) for f in check(text)] == [
        ("invalid-name", 9), ("document-not-mapping", 10)
    ]


def test_a_reused_anchor_is_a_warning_not_an_exception():
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n" \
        "  a: &x one\n  b: &x two\n  c: *x\n"
    finding = only(text, "yaml-warning")
    assert finding.severity == "warning" and "duplicate anchor" in finding.message


def test_deep_nesting_is_refused_quickly_but_brackets_in_strings_do_not_count():
    started = time.perf_counter()
    assert check("[" * 100_000)[0].rule == "yaml-syntax"
    assert time.perf_counter() - started < 1
    quoted = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n" \
        f"  pattern: '{'[' * 100}'\n  other: \"{'{' * 100}\"  # {'[' * 100}\n"
    assert check(quoted) == []


def test_odd_shapes_in_every_field_never_crash_the_review():
    # Every other key of a file with one resource of each family gets a list, a mapping or
    # a number where the checker expects something else: findings, never an exception.
    original = "---\n".join([WEB, SVC, INGRESS, ROUTE, GATEWAY, ISTIO, POOL, HELM]).splitlines()
    keys = [i for i, line in enumerate(original) if ":" in line and "valuesContent" not in line]
    for n, i in enumerate(keys[::2]):
        key = original[i].split(":", 1)[0]
        value = ("[1, 2]", "{a: 1}", "5")[n % 3]
        text = "\n".join([*original[:i], f"{key}: {value}", *original[i + 1 :]])
        for finding in check(text):
            assert finding.severity in ("error", "warning") and finding.line >= 1
            assert finding.rule != "unchecked", finding.format()


# --- identity: apiVersion, kind, metadata ------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "rule", "words"),
    [
        ("kind: Service\nmetadata: {name: a}\n", "missing-api-version", "A Service is v1"),
        ("apiVersion: v1\nmetadata: {name: a}\n", "missing-kind", "has no kind"),
        ("apiVersion: v1\nkind: ConfigMap\n", "missing-metadata", "metadata.name"),
        ("apiVersion: v1\nkind: ConfigMap\nmetadata: {labels: {a: b}}\n", "missing-name",
         "has no metadata.name"),
        ("apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: a}\n",
         "removed-api-version", "removed in Kubernetes 1.22"),
        ("apiVersion: apps/v1beta2\nkind: Deployment\nmetadata: {name: a}\n",
         "removed-api-version", "apps/v1"),
        ("apiVersion: traefik.containo.us/v1alpha1\nkind: IngressRoute\nmetadata: {name: a}\n",
         "removed-api-version", "Traefik v3"),
        ("apiVersion: v1\nkind: Deployment\nmetadata: {name: a}\n", "api-version",
         "a Deployment is apps/v1, not v1"),
        ("apiVersion: networking.k8s.io/v2\nkind: Ingress\nmetadata: {name: a}\n",
         "api-version", "apiVersion: networking.k8s.io/v1"),
        ("apiVersion: apps/v1\nkind: deployment\nmetadata: {name: a}\n", "unknown-kind",
         "did you mean 'Deployment'"),
        ("apiVersion: traefik.io/v1alpha1\nkind: IngressRoutes\nmetadata: {name: a}\n",
         "unknown-kind", "did you mean 'IngressRoute'"),
        ("apiVersion: example.com/v1\nkind: ingressroute\nmetadata: {name: a}\n",
         "unknown-kind", "should be written 'IngressRoute'"),
    ],
)
def test_identity_problems_are_explained(text, rule, words):
    finding = only(text, rule)
    assert finding.severity == "error" and words in finding.with_fix()


def test_unknown_groups_are_left_alone_and_unknown_kinds_of_known_groups_warned():
    assert check("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n") == []
    finding = only("apiVersion: v1\nkind: Frobnicator\nmetadata: {name: f}\n", "unknown-kind")
    assert finding.severity == "warning"


def test_superseded_versions_are_warnings():
    text = "apiVersion: gateway.networking.k8s.io/v1beta1\nkind: GatewayClass\n" \
        "metadata: {name: eg}\nspec: {controllerName: x/y}\n"
    assert only(text, "api-version-older").severity == "warning"


@pytest.mark.parametrize(
    ("kind", "name", "words"),
    [
        ("ConfigMap", "My_Config", "lower-case letters, digits, '-' and '.'"),
        ("Service", "web.v1", "start with a lower-case letter"),
        ("Service", "1web", "start with a lower-case letter"),
        ("Namespace", "a" * 64, "at most 63 characters"),
    ],
)
def test_invalid_names_are_errors(kind, name, words):
    finding = only(f"apiVersion: v1\nkind: {kind}\nmetadata:\n  name: {name}\n", "invalid-name")
    assert finding.line == 4 and words in finding.with_fix()


def test_labels_must_be_strings_the_way_kubernetes_reads_yaml():
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n" \
        "    version: 2\n    enabled: yes\n    quoted: \"yes\"\n    ok: web\n"
    found = [f for f in check(text) if f.rule == "label-not-string"]
    assert [(f.line, f.severity) for f in found] == [(6, "error"), (7, "error")]
    assert "YAML 1.1" in found[1].message and 'Quote it: enabled: "yes"' in found[1].fix


def test_annotations_must_be_strings_too():
    text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  annotations:\n" \
        "    prometheus.io/scrape: true\nspec: {ports: [{port: 80}]}\n"
    assert only(text, "annotation-not-string").line == 6


@pytest.mark.parametrize(
    ("labels", "words"),
    [
        ("{tier: a b}", "no spaces"),
        ("{'-bad': x}", "starting and ending"),
        ("{'Bad_Prefix/x': y}", "prefix"),
        ("{app: " + "x" * 64 + "}", "at most 63"),
    ],
)
def test_invalid_label_keys_and_values(labels, words):
    text = f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels: {labels}\n"
    assert words in only(text, "invalid-label").message


def test_unknown_top_level_field_and_typo_in_spec():
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndatas: {a: b}\n"
    finding = only(text, "unknown-field")
    assert finding.severity == "error" and "did you mean 'data'" in finding.message


def test_namespace_on_a_cluster_scoped_kind_is_a_warning():
    text = "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n" \
        "  name: nginx\n  namespace: ingress\nspec: {controller: k8s.io/ingress-nginx}\n"
    assert only(text, "namespace-on-cluster-resource").line == 5


def test_the_same_resource_twice_is_an_error():
    doc = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
    finding = only(doc + "---\n" + doc, "duplicate-resource")
    assert finding.line == 7 and "t.yaml line 3" in finding.message


def test_same_name_in_other_namespaces_or_kinds_is_fine():
    doc = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: a}\n"
    other = doc.replace("namespace: a", "namespace: b")
    secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: c, namespace: a}\n"
    assert check("---\n".join([doc, other, secret])) == []


# --- workloads and containers ------------------------------------------------------------------

WEB = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: ghcr.io/example/web:1.0
          ports:
            - name: http
              containerPort: 8000
          readinessProbe:
            httpGet:
              path: /healthz
              port: http
"""


def test_the_base_deployment_is_clean():
    assert check(WEB) == []


@pytest.mark.parametrize(
    ("old", "new", "rule", "line", "words"),
    [
        ("      app: web\n  template", "      app: api\n  template",
         "selector-template-mismatch", 8, "selector does not match template labels"),
        ("  selector:\n    matchLabels:\n      app: web\n", "", "missing-field", 5,
         "apps/v1 requires one"),
        ("    matchLabels:\n      app: web\n  template", "    app: web\n  template",
         "selector-shape", 7, "Service style"),
        ("  replicas: 2", "  replica: 2", "unknown-field", 6, "did you mean 'replicas'"),
        ("  replicas: 2", "  replicas: \"2\"", "invalid-value", 6, "whole number"),
        ("          image: ghcr.io/example/web:1.0\n", "", "missing-field", 16, "has no image"),
        ("containerPort: 8000", "containerPort: \"8000\"", "invalid-port", 20, "without quotes"),
        ("- name: http", "- name: http-for-the-web-app", "invalid-port-name", 19,
         "at most 15"),
        ("              port: http", "              port: web", "probe-port", 24,
         "never becomes ready"),
        ("          readinessProbe:\n            httpGet:", "          readinessProbe:\n"
         "            exec: {command: [true]}\n            httpGet:", "probe-handler", 21,
         "exactly one of"),
    ],
)
def test_workload_problems(old, new, rule, line, words):
    assert old in WEB
    finding = only(WEB.replace(old, new, 1), rule)
    assert (finding.line, finding.severity) == (line, "error")
    assert words in finding.with_fix()


def test_an_untagged_image_is_a_warning_with_the_reason():
    finding = only(WEB.replace("web:1.0", "web"), "image-not-pinned")
    assert finding.severity == "warning" and "rollback" in finding.message
    assert only(WEB.replace("web:1.0", "web:latest"), "image-not-pinned").line == 17
    assert "image-not-pinned" not in rules(WEB.replace("web:1.0", "web@sha256:abc"))


def test_a_served_container_without_readiness_probe_is_a_warning():
    text = WEB.split("          readinessProbe:")[0]
    finding = only(text, "no-readiness-probe")
    assert finding.severity == "warning" and finding.line == 16


ENV = WEB + """\
          env:
            - name: PORT
              value: 8000
            - name: DB_PASSWORD
              value: hunter2
            - name: API_KEY
              value: ${API_KEY}
            - name: MODE
              valueFrom:
                configMapKeyRef: {name: web-config, key: mode}
          volumeMounts:
            - name: cache
              mountPath: /cache
          resources:
            requests: {cpu: 500m, memory: 512m}
            limits: {cpu: 250m}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web-config}
data:
  level: info
"""


def test_container_env_mounts_and_resources():
    found = {(f.rule, f.line, f.severity) for f in check(ENV)}
    assert found == {
        ("env-not-string", 27, "error"),
        ("plain-secret", 29, "warning"),
        ("missing-reference", 34, "error"),  # key 'mode' is not in web-config
        ("unknown-volume", 36, "error"),
        ("memory-millibytes", 39, "error"),
        ("request-above-limit", 39, "error"),
    }


def test_missing_config_map_is_a_warning_only_when_others_are_defined():
    text = ENV.replace("{name: web-config, key: mode}", "{name: other, key: mode}")
    assert only(text, "missing-reference").severity == "warning"
    alone = ENV.split("---")[0].replace("{name: web-config, key: mode}", "{name: x, key: y}")
    assert "missing-reference" not in rules(alone)


@pytest.mark.parametrize(
    ("text", "rule", "words"),
    [
        ("apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  template:\n"
         "    spec:\n      containers: [{name: j, image: busybox:1.36}]\n",
         "restart-policy", "Never or OnFailure"),
        ("apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  template:\n"
         "    spec:\n      restartPolicy: Always\n      containers: [{name: j, image: b:1}]\n",
         "restart-policy", "may only use Never or OnFailure"),
        ("apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  schedule: daily\n"
         "  jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: "
         "[{name: c, image: b:1}]}}}}\n", "invalid-value", "five fields"),
        ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: []\n",
         "missing-field", "nothing to run"),
        ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
         "    - name: p\n      image: b:1\n      imagePullPolicy: Sometimes\n",
         "invalid-value", "Always, IfNotPresent or Never"),
    ],
)
def test_pods_jobs_and_cronjobs(text, rule, words):
    finding = only(text, rule)
    assert finding.severity == "error" and words in finding.with_fix()


# --- Services, Ingress, configuration ----------------------------------------------------------

SVC = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - name: http
      port: 80
      targetPort: http
"""


def test_service_with_its_deployment_is_clean():
    assert check(WEB + "---\n" + SVC) == []


@pytest.mark.parametrize(
    ("old", "new", "rule", "line", "words"),
    [
        ("spec:\n  selector", "spec:\n  type: Loadbalancer\n  selector", "invalid-value", 6,
         "did you mean LoadBalancer"),
        ("      targetPort: http\n", "      targetPort: http\n    - port: 443\n",
         "service-port-name", 12, "each needs a name"),
        ("      port: 80\n", "      port: 80\n      nodePort: 30080\n", "node-port", 11,
         "only exists for type NodePort"),
        ("targetPort: http", "targetPort: Web_Port", "invalid-port", 11, "name of a container"),
        ("targetPort: http", "targetPort: \"8000\"", "quoted-port", 11, "port *name*"),
        ("      port: 80\n", "", "invalid-port", 9, "needs port:"),
        ("  selector:\n    app: web\n", "  selector:\n    app: api\n", "service-selects-no-pods",
         6, "no pod carries"),
        ("targetPort: http", "targetPort: 9000", "service-target-port-unreachable", 11,
         "no container listens on port 9000"),
    ],
)
def test_service_problems(old, new, rule, line, words):
    assert old in SVC
    finding = only(WEB + "---\n" + SVC.replace(old, new, 1), rule)
    assert (finding.line - WEB.count("\n") - 1, finding.severity) == (line, "error")
    assert words in finding.with_fix()


def test_node_port_outside_the_range_and_deprecated_load_balancer_ip():
    text = SVC.replace("spec:\n", "spec:\n  type: NodePort\n  loadBalancerIP: 10.0.0.5\n", 1)
    text = text.replace("      port: 80\n", "      port: 80\n      nodePort: 8080\n")
    assert "30000-32767" in only(text, "node-port").message
    assert only(text, "load-balancer-ip").severity == "warning"


def test_cross_resource_rules_only_judge_what_they_can_see():
    # A Service alone: its pods may be defined elsewhere, so nothing to say.
    assert check(SVC) == []
    # Nor for an Ingress whose namespace has no Services in these files.
    assert rules(INGRESS) == set()


def test_a_selectorless_service_is_a_warning_unless_it_has_endpoints():
    text = WEB + "---\n" + SVC.replace("  selector:\n    app: web\n", "")
    assert only(text, "service-without-selector").severity == "warning"
    endpoints = "apiVersion: v1\nkind: Endpoints\nmetadata: {name: web}\nsubsets: []\n"
    assert "service-without-selector" not in rules(text + "---\n" + endpoints)


def test_external_name_services_select_nothing_by_design():
    text = "apiVersion: v1\nkind: Service\nmetadata: {name: db}\n" \
        "spec: {type: ExternalName, externalName: db.example.com}\n"
    assert check(WEB + "---\n" + text) == []


INGRESS = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  ingressClassName: traefik
  rules:
    - host: web.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                port:
                  number: 80
"""


def test_ingress_with_service_and_deployment_is_clean():
    assert check(WEB + "---\n" + SVC + "---\n" + INGRESS) == []


@pytest.mark.parametrize(
    ("old", "new", "rule", "severity", "words"),
    [
        ("  ingressClassName: traefik\n", "", "ingress-class", "warning",
         "default IngressClass"),
        ("  name: web\nspec", "  name: web\n  annotations:\n    kubernetes.io/ingress.class: "
         "traefik\nspec", "ingress-class", "error", "rejects the two together"),
        ("  name: web\nspec", "  name: web\n  annotations:\n    nginx.ingress.kubernetes.io/"
         "rewrite-target: /\nspec", "foreign-annotation", "warning", "ignores it"),
        ("host: web.example.com", "host: https://web.example.com", "invalid-host", "error",
         "without http://"),
        ("path: /\n", "path: api\n", "invalid-path", "error", "must start with '/'"),
        ("name: web\n                port", "name: webb\n                port",
         "ingress-backend-unknown-service", "error", "does not exist"),
        ("pathType: Prefix", "pathType: prefix", "ingress-path-type", "error",
         "Exact, Prefix or ImplementationSpecific"),
        ("number: 80", "number: \"80\"", "ingress-backend-port", "error", "without quotes"),
    ],
)
def test_ingress_problems(old, new, rule, severity, words):
    assert old in INGRESS
    finding = only(WEB + "---\n" + SVC + "---\n" + INGRESS.replace(old, new, 1), rule)
    assert finding.severity == severity and words in finding.with_fix()


def test_ingress_tls_host_without_rule_and_unknown_class():
    text = INGRESS.replace("spec:\n", "spec:\n  tls:\n    - hosts: [other.example.com]\n", 1)
    assert only(text, "tls-host").severity == "warning"
    klass = "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: nginx}\n" \
        "spec: {controller: k8s.io/ingress-nginx}\n"
    wrong = INGRESS.replace("ingressClassName: traefik", "ingressClassName: ngnix")
    assert "did you mean 'nginx'" in only(wrong + "---\n" + klass, "ingress-class").message


@pytest.mark.parametrize(
    ("data", "rule", "words"),
    [
        ("data:\n  PORT: 8000\n", "configmap-not-string", 'Quote it: PORT: "8000"'),
        ("data:\n  DEBUG: off\n", "configmap-not-string", "YAML 1.1"),
        ("data:\n  config: {a: 1}\n", "configmap-not-string", "key: |"),
        ("data:\n  'bad key': x\n", "invalid-key", "letters, digits"),
        ("spec:\n  a: b\n", "unknown-field", "has no spec"),
    ],
)
def test_config_map_problems(data, rule, words):
    finding = only(f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c}}\n{data}", rule)
    assert finding.severity == "error" and words in finding.with_fix()


def test_secret_data_must_be_base64_and_committing_one_is_a_warning():
    text = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ntype: kubernetes.io/tls\n" \
        "data:\n  tls.crt: bm90IGEgY2VydA==\n  password: hunter2!\n"
    found = {(f.rule, f.severity) for f in check(text)}
    assert found == {("invalid-base64", "error"), ("secret-type", "error"),
                     ("secret-in-manifest", "warning")}


# --- Traefik and K3s ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("Host(`a.example.com`) && PathPrefix(`/api`)", None),
        ("(Host(`a.example.com`) || Host(`b.example.com`)) && !Path(`/admin`)", None),
        ('Host("a.example.com")', None),
        ("Host(`*.example.com`)", None),
        ("Header(`X-Env`, `canary`)", None),
        ("", "empty"),
        ("Host(`a.com`, `b.com`)", "Host(`a.com`) || Host(`b.com`)"),
        ("Host('a.com')", "single quotes"),
        ("Host(`https://a.com`)", "without http://"),
        ("Host(`a.com`) &&", "ends too early"),
        ("Host(`a.com`", "ends too early"),
        ("Host(`a.com)", "not closed"),
        ("PathPrefix(`api`)", "must start with '/'"),
        ("Hots(`a.com`)", "did you mean Host()"),
        ("Headers(`a`, `b`)", "v3 calls it Header()"),
        ("HostRegexp(`{sub:[a-z]+}.a.com`)", "plain Go regular expression"),
        ("Host(a.com)", "in backticks"),
        ("Host(`a.com`) Path(`/`)", "after a complete rule"),
    ],
)
def test_traefik_rules(rule, words):
    problems = manifests.traefik_rule_problems(rule)
    if words is None:
        assert problems == []
    else:
        assert len(problems) == 1 and words in problems[0], problems


ROUTE = """\
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata:
  name: web
spec:
  entryPoints: [websecure]
  routes:
    - match: Host(`web.example.com`)
      kind: Rule
      middlewares:
        - name: headers
      services:
        - name: web
          port: 80
---
apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata:
  name: headers
spec:
  headers:
    frameDeny: true
"""


def test_ingress_route_with_its_service_and_middleware_is_clean():
    assert check(WEB + "---\n" + SVC + "---\n" + ROUTE) == []


@pytest.mark.parametrize(
    ("old", "new", "rule", "severity", "words"),
    [
        ("[websecure]", "[websecur]", "traefik-entrypoint", "warning", "Did you mean websecure"),
        ("Host(`web.example.com`)", "Host(`a`, `b`)", "traefik-rule", "error", "one value"),
        ("- name: headers", "- name: header", "missing-reference", "error",
         "returns 404"),
        ("port: 80", "port: 8000", "missing-reference", "error", "not the container's"),
        ("          port: 80\n", "", "missing-field", "error", "needs a port"),
        ("  headers:\n", "  header:\n", "unknown-middleware", "error", "did you mean 'headers'"),
        ("    frameDeny: true\n", "    frameDeny: true\n  stripPrefix: {prefixes: [/a]}\n",
         "middleware-count", "error", "exactly one type"),
        ("  headers:\n    frameDeny: true\n", "  ipWhiteList: {sourceRange: [10.0.0.0/8]}\n",
         "deprecated-middleware", "warning", "ipAllowList"),
    ],
)
def test_ingress_route_problems(old, new, rule, severity, words):
    assert old in ROUTE
    finding = only(WEB + "---\n" + SVC + "---\n" + ROUTE.replace(old, new, 1), rule)
    assert finding.severity == severity and words in finding.with_fix()


def test_middleware_in_another_namespace_gets_a_hint():
    text = ROUTE.replace("  name: headers\nspec", "  name: headers\n  namespace: infra\nspec")
    finding = only(text, "missing-reference")
    assert "one exists in namespace 'infra'" in finding.message
    assert "namespace: infra" in finding.fix and "namespace: infra" not in finding.message
    fixed = text.replace("- name: headers", "- name: headers\n          namespace: infra")
    assert "missing-reference" not in rules(fixed)


HELM = """\
apiVersion: helm.cattle.io/v1
kind: HelmChartConfig
metadata:
  name: traefik
  namespace: kube-system
spec:
  valuesContent: |-
    additionalArguments:
      - "--certificatesresolvers.le.acme.tlschallenge=true"
    logs:
      access:
        enabled: true
"""


def test_helm_chart_config_problems():
    assert check(HELM) == []
    assert only(HELM.replace("kube-system", "traefik"), "helm-chart-config").severity == "error"
    assert only(HELM.replace("  namespace: kube-system\n", ""), "helm-chart-config").severity \
        == "warning"
    tabbed = HELM.replace("      access:", "    \taccess:")
    finding = only(tabbed, "helm-values")
    assert finding.line == 11 and "tab" in finding.message
    mapping = HELM.replace("valuesContent: |-\n    additionalArguments", "valuesContent:\n"
                           "    additionalArguments")
    assert "is a string holding YAML" in only(mapping, "field-shape").message


def test_cert_resolver_must_be_configured_in_the_helm_chart_config():
    route = ROUTE.split("---")[0] + "  tls:\n    certResolver: letsencrypt\n"
    finding = only(HELM + "---\n" + route, "traefik-cert-resolver")
    assert "it defines le" in finding.message
    assert "traefik-cert-resolver" not in rules(HELM + "---\n" + route.replace(
        "letsencrypt", "le"))
    assert "traefik-cert-resolver" not in rules(route)  # no HelmChartConfig: cannot tell


# --- MetalLB -----------------------------------------------------------------------------------

POOL = """\
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata:
  name: lan
  namespace: metallb-system
spec:
  addresses:
    - 192.168.1.240-192.168.1.241
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata:
  name: lan
  namespace: metallb-system
spec:
  ipAddressPools: [lan]
"""

LB = """\
---
apiVersion: v1
kind: Service
metadata:
  name: lb{n}
spec:
  type: LoadBalancer
  ports: [{port: 80}]
"""


def lb(n: int) -> str:
    """The n-th LoadBalancer Service."""
    return LB.replace("{n}", str(n))


def test_metallb_pool_and_advertisement_are_clean():
    assert check(POOL + lb(1) + lb(2)) == []


def test_a_third_load_balancer_exhausts_a_two_address_pool():
    text = POOL + "".join(lb(n) for n in (1, 2, 3))
    finding = only(text, "pool-exhausted")
    assert finding.line == 39 and "<pending>" in finding.message and "Traefik" in finding.message


def test_shared_ips_and_requested_ips_do_not_count_twice():
    shared = [
        lb(n).replace(f"  name: lb{n}\n", f"  name: lb{n}\n  annotations:\n"
                      "    metallb.io/allow-shared-ip: web\n")
        for n in (1, 2, 3, 4)
    ]
    assert check(POOL + "".join(shared)) == []


@pytest.mark.parametrize(
    ("old", "new", "rule", "severity", "words"),
    [
        ("192.168.1.240-192.168.1.241", "192.168.1.241-192.168.1.240", "invalid-address",
         "error", "starts after it ends"),
        ("192.168.1.240-192.168.1.241", "192.168.1.0/33", "invalid-address", "error",
         "neither a CIDR"),
        ("ipAddressPools: [lan]", "ipAddressPools: [lan-pool]", "missing-reference", "error",
         "never announced"),
        ("  namespace: metallb-system\nspec:\n  addresses", "spec:\n  addresses",
         "metallb-namespace", "warning", "metallb-system"),
    ],
)
def test_metallb_problems(old, new, rule, severity, words):
    assert old in POOL
    finding = only(POOL.replace(old, new, 1), rule)
    assert finding.severity == severity and words in finding.with_fix()


def test_overlapping_pools_and_unannounced_pools():
    second = POOL.split("---")[0].replace("name: lan", "name: lan2").replace(
        "192.168.1.240-192.168.1.241", "192.168.1.240/30")
    found = {(f.rule, f.severity) for f in check(POOL + "---\n" + second)}
    assert found == {("pool-overlap", "error"), ("pool-not-advertised", "warning")}
    assert only(POOL.split("---")[0], "pool-not-advertised").severity == "warning"


def test_a_requested_ip_outside_every_pool_stays_pending():
    service = lb(1).replace("  name: lb1\n", "  name: lb1\n  annotations:\n"
                                     "    metallb.io/loadBalancerIPs: 10.0.0.7\n")
    assert "<pending>" in only(POOL + service, "ip-outside-pools").message
    inside = service.replace("10.0.0.7", "192.168.1.241")
    assert check(POOL + inside) == []


# --- Gateway API, Istio, Cilium, meshes --------------------------------------------------------

GATEWAY = """\
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: edge
  namespace: infra
spec:
  gatewayClassName: eg
  listeners:
    - name: http
      protocol: HTTP
      port: 80
      allowedRoutes:
        namespaces:
          from: All
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: web
spec:
  parentRefs:
    - name: edge
      namespace: infra
      sectionName: http
  rules:
    - matches:
        - path:
            type: PathPrefix
            value: /
      backendRefs:
        - name: web
          port: 80
"""


def test_gateway_and_route_are_clean():
    assert check(WEB + "---\n" + SVC + "---\n" + GATEWAY) == []


@pytest.mark.parametrize(
    ("old", "new", "rule", "words"),
    [
        ("type: PathPrefix", "type: Prefix", "invalid-value", "Ingress spelling"),
        ("          port: 80\n", "", "missing-field", "needs a port"),
        ("    - name: edge\n", "    - name: edg\n", "missing-reference", "not defined"),
        ("sectionName: http", "sectionName: https", "missing-reference", "no listener named"),
        ("      allowedRoutes:\n        namespaces:\n          from: All\n", "",
         "route-not-allowed", "only accepts routes from its own namespace"),
        ("      protocol: HTTP\n", "      protocol: HTTPS\n", "missing-field",
         "tls.certificateRefs"),
        ("          port: 80\n", "          port: 8080\n", "missing-reference", "offers 80"),
    ],
)
def test_gateway_api_problems(old, new, rule, words):
    assert old in GATEWAY
    finding = only(WEB + "---\n" + SVC + "---\n" + GATEWAY.replace(old, new, 1), rule)
    assert finding.severity == "error" and words in finding.with_fix()


ISTIO = """\
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: web
spec:
  host: web
  subsets:
    - name: v1
      labels:
        app: web
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: web
spec:
  hosts: [web]
  http:
    - route:
        - destination: {host: web, subset: v1}
          weight: 80
        - destination: {host: web.default.svc.cluster.local, subset: v1}
          weight: 20
"""


def test_istio_canary_is_clean():
    assert check(WEB + "---\n" + ISTIO) == []


@pytest.mark.parametrize(
    ("old", "new", "rule", "severity", "words"),
    [
        ("subset: v1}\n          weight: 20", "subset: v2}\n          weight: 20",
         "missing-reference", "error", "503"),
        ("weight: 20", "weight: 10", "istio-weights", "warning", "add up to 90"),
        ("          weight: 20\n", "", "istio-weights", "warning", "receives no traffic"),
        ("        app: web\n---", "        version: v1\n---", "subset-selects-no-pods", "warning",
         "no pod defined here"),
        ("  hosts: [web]\n", "", "missing-field", "error", "no spec.hosts"),
    ],
)
def test_istio_problems(old, new, rule, severity, words):
    assert old in ISTIO
    finding = only(WEB + "---\n" + ISTIO.replace(old, new, 1), rule)
    assert finding.severity == severity and words in finding.with_fix()


def test_cilium_policy_problems():
    text = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p}\nspec:\n" \
        "  ingress:\n    - toPorts:\n        - ports:\n            - port: 80\n" \
        "              protocol: tcp\n"
    found = {(f.rule, f.line) for f in check(text)}
    assert found == {("cilium-selector", 4), ("cilium-port", 8), ("invalid-value", 9)}
    assert 'Quote it: port: "80"' in only(text, "cilium-port").fix


@pytest.mark.parametrize(
    ("metadata", "rule", "words"),
    [
        ("labels: {linkerd.io/inject: enabled}", "mesh-injection", "as an annotation"),
        ("annotations: {linkerd.io/inject: 'true'}", "mesh-injection", "not a value Linkerd"),
        ("annotations: {istio-injection: enabled}", "mesh-injection", "reads it as a label"),
        ("labels: {istio-injection: 'on'}", "mesh-injection", "enabled or disabled"),
    ],
)
def test_mesh_injection_is_written_where_the_mesh_reads_it(metadata, rule, words):
    text = f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  {metadata}\n"
    finding = only(text, rule)
    assert finding.severity == "warning" and words in finding.with_fix()


def test_a_kind_list_is_loaded_as_its_items():
    text = """\
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata: {name: a}
    spec: {ports: [{port: 80}]}
  - apiVersion: v1
    kind: Service
    metadata: {name: b}
    spec: {ports: [{port: 81}]}
"""
    resources = manifests.load_documents(text, "list.yaml")
    assert [(r.kind, r.name, r.line) for r in resources] == [("Service", "a", 4),
                                                              ("Service", "b", 8)]
    with pytest.raises(manifests.ManifestError, match="item 2 of this List is not a mapping"):
        manifests.load_documents(text.replace("  - apiVersion: v1\n    kind: Service\n    "
                                              "metadata: {name: b}\n    spec: {ports: [{port: "
                                              "81}]}\n", "  - just text\n"), "list.yaml")
