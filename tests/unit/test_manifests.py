"""Kubernetes manifests: line numbers, clear YAML errors, and the cross-resource checks."""

from __future__ import annotations

import pytest

from app.grading import manifests
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
    assert words in finding.message and "8080 (named 'http')" in finding.message


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
    assert finding.rule == "ingress-class" and words in finding.message


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
