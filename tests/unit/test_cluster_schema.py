"""The cluster model refuses what the real schemas refuse: Kubernetes 1.35 OpenAPI, the CRDs."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.grading import manifests
from app.grading.cluster import apply_files
from app.grading.cluster import lint
from app.grading.cluster import schema

REALWORLD = Path(__file__).resolve().parents[1] / "fixtures" / "realworld" / "k8s"

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports: [{containerPort: 80}]
"""


def rejection(text: str, name: str = "a.yaml"):
    """The only object the API server refuses in this text: (line, message)."""
    [refused] = apply_files([(name, text)]).rejected
    return refused.resource.line_of(*refused.path), refused.message


def test_a_valid_deployment_is_accepted():
    assert apply_files([("a.yaml", DEPLOYMENT)]).rejected == []


def test_an_unknown_field_is_refused_at_its_line():
    text = DEPLOYMENT.replace("          image: nginx:1.27\n",
                              "          image: nginx:1.27\n          imagePullPolicyy: Always\n")
    line, message = rejection(text)
    assert line == 13
    assert message.startswith('spec.template.spec.containers[0].imagePullPolicyy: unknown field')
    assert "API server refuses the object" in message


def test_a_wrong_type_names_the_field_the_types_and_the_verdict():
    text = DEPLOYMENT.replace("  replicas: 2\n", "  replicas: 2\n  minReadySeconds: ten\n")
    line, message = rejection(text)
    assert line == 6
    assert message.startswith('spec.minReadySeconds: Invalid value: "ten" is a string, but '
                              "this field must be an integer")
    assert "{" not in message  # the schema itself is never dumped


def test_a_required_field_is_named():
    text = """\
apiVersion: batch/v1
kind: CronJob
metadata: {name: backup}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: backup, image: restic/restic:0.17.3}]
"""
    line, message = rejection(text)
    assert line == 4 and message.startswith("spec.schedule: Required value")


def test_dotted_keys_are_found_in_the_path():
    text = ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n"
            "  app.conf: x\n  nginx.conf:\n    server: {}\n")
    line, message = rejection(text)
    assert line == 6 and message.startswith('data.nginx.conf: Invalid value: a map is an object')


def test_traefik_ingressroute_fields_come_from_its_crd():
    text = """\
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: {name: web}
spec:
  entryPoints: [websecure]
  routes:
    - match: Host(`shop.example.com`)
      kind: Rule
      service: {name: web, port: 80}
"""
    line, message = rejection(text)
    assert line == 9 and 'unknown field "service"' in message


def test_a_metallb_pool_with_a_quoted_boolean_is_refused():
    text = """\
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: pool, namespace: metallb-system}
spec:
  addresses: [192.168.1.240-192.168.1.250]
  autoAssign: "false"
"""
    line, message = rejection(text)
    assert line == 6 and message.startswith('spec.autoAssign: Invalid value: "false" is a string')


def test_an_istio_virtual_service_with_a_misspelt_field_is_refused():
    text = """\
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
    - route:
        - destination: {host: reviews, subnet: v1}
          weight: 100
"""
    line, message = rejection(text)
    assert line == 8 and 'destination.subnet: unknown field' in message


def test_a_gateway_listener_protocol_is_an_enum_of_its_crd():
    text = """\
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: edge}
spec:
  gatewayClassName: eg
  listeners:
    - {name: web, port: 80, protocol: HTTP, hostname: shop.example.com}
      allowedRoutes: {namespaces: {from: Everywhere}}
"""
    line, message = rejection(text.replace(
        "    - {name: web, port: 80, protocol: HTTP, hostname: shop.example.com}\n      ",
        "    - name: web\n      port: 80\n      protocol: HTTP\n      "))
    assert line == 10 and message.startswith(
        'spec.listeners[0].allowedRoutes.namespaces.from: Unsupported value: "Everywhere"')


def test_the_rule_message_wins_where_both_object_to_one_field():
    text = DEPLOYMENT.replace("containerPort: 80", 'containerPort: "80"')
    cluster = apply_files([("a.yaml", text)])
    assert len(cluster.rejected) == 1
    assert cluster.rejected[0].message.startswith("containerPort:")


def test_the_linter_reports_schema_errors_with_file_and_line():
    text = DEPLOYMENT.replace("  replicas: 2\n", "  replicas: 2\n  strategy:\n    type: "
                              "RollingUpdate\n    rollingUpdate: {maxSurgee: 1}\n")
    [finding] = [f for f in lint.check_files([("web.yaml", text)], max_chars=None) if f.is_error]
    assert (finding.source, finding.line, finding.rule) == ("web.yaml", 8, "api-server-rejects")
    assert 'spec.strategy.rollingUpdate.maxSurgee: unknown field "maxSurgee"' in finding.message


def test_values_in_messages_are_bounded():
    text = DEPLOYMENT.replace("  replicas: 2\n", f"  minReadySeconds: {'x' * 5000}\n")
    _, message = rejection(text)
    assert len(message) < 300


@pytest.mark.parametrize("path", sorted(REALWORLD.iterdir()), ids=lambda p: p.name)
def test_real_manifests_raise_no_schema_errors(path):
    resources = manifests.load_documents(path.read_text(), path.name)
    assert [(r.title(), schema.problems(r.data, r.api_version, r.kind)) for r in resources
            if schema.problems(r.data, r.api_version, r.kind)] == []


def test_the_real_manifests_are_mostly_checked_by_a_schema():
    resources = [r for path in sorted(REALWORLD.iterdir())
                 for r in manifests.load_documents(path.read_text(), path.name)]
    checked = [r for r in resources if schema.has_schema(r.api_version, r.kind)]
    assert len(checked) >= 0.8 * len(resources) and len(checked) >= 30


def test_every_unknown_field_and_bad_value_of_an_object_is_reported():
    text = DEPLOYMENT.replace("  replicas: 2\n", "  replicas: 2\n  minReadySeconds: ten\n"
                              "  paused: maybe\n").replace(
        "          image: nginx:1.27\n", "          image: nginx:1.27\n          imagePull: x\n")
    cluster = apply_files([("a.yaml", text)])
    lines = sorted((r.resource.line_of(*r.path), r.message.split(":")[0]) for r in cluster.rejected)
    assert lines == [(6, "spec.minReadySeconds"), (7, "spec.paused"),
                     (15, "spec.template.spec.containers[0].imagePull")]


def test_a_missing_required_field_is_reported_once():
    text = DEPLOYMENT.replace("          image: nginx:1.27\n", "")
    messages = [r.message for r in apply_files([("a.yaml", text)]).rejected]
    assert len(messages) == 1 and "image" in messages[0] and "Required value" in messages[0]


HELM_CHART_CONFIG = """\
apiVersion: helm.cattle.io/v1
kind: HelmChartConfig
metadata: {name: traefik, namespace: kube-system}
spec:
  valuesContent: |-
    logs: {access: {enabled: true}}
"""


def test_k3s_helm_chart_config_is_checked_by_its_crd():
    assert apply_files([("a.yaml", HELM_CHART_CONFIG)]).rejected == []
    line, message = rejection(HELM_CHART_CONFIG.replace(
        "  valuesContent: |-\n    logs: {access: {enabled: true}}\n",
        "  valuesContent:\n    logs: {access: {enabled: true}}\n"))
    assert line == 5 and message.startswith("spec.valuesContent: Invalid value")
    line, message = rejection(HELM_CHART_CONFIG.replace("spec:\n", "spec:\n  failurePolicy: "
                                                        "ignore\n"))
    assert line == 5 and message.startswith('spec.failurePolicy: Unsupported value: "ignore"')


def test_envoy_gateway_and_linkerd_policies_are_checked_by_their_crds():
    policy = """\
apiVersion: gateway.envoyproxy.io/v1alpha1
kind: BackendTrafficPolicy
metadata: {name: orders, namespace: shop}
spec:
  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: orders}]
  retry:
    numRetries: 3
    retryOn: {triggers: [connect-failure]}
"""
    assert apply_files([("a.yaml", policy)]).rejected == []
    line, message = rejection(policy.replace("numRetries", "numRetry"))
    assert line == 7 and 'unknown field "numRetry"' in message
    server = """\
apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata: {name: api-http, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  port: http
  proxyProtocol: HTTP/1
"""
    assert apply_files([("a.yaml", server)]).rejected == []
    line, message = rejection(server.replace("proxyProtocol", "proxyProtocl"))
    assert line == 7 and message.startswith('spec.proxyProtocl: unknown field "proxyProtocl"')


CILIUM_POLICY = """\
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: api-from-frontend, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: api}}
  ingress:
    - fromEndpoints: [{matchLabels: {app: frontend}}]
      toPorts:
        - ports:
            - port: "8080"
              endPort: 8081
              protocol: TCP
  ingressDeny:
    - fromEntities: [world]
"""


@pytest.mark.parametrize("kind", ["CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy"])
def test_a_cilium_policy_is_checked_by_its_crd(kind):
    text = CILIUM_POLICY.replace("CiliumNetworkPolicy", kind)
    if kind == "CiliumClusterwideNetworkPolicy":
        text = text.replace(", namespace: shop", "")  # cluster-scoped
    assert apply_files([("a.yaml", text)]).rejected == []
    named_port = text.replace('port: "8080"', "port: http-alt")
    assert apply_files([("a.yaml", named_port)]).rejected == []
    line, message = rejection(text.replace("ingressDeny", "ingresDeny"))
    assert line == 13 and message.startswith('spec.ingresDeny: unknown field "ingresDeny": '
                                             "the API server refuses the object")


def test_a_cilium_port_in_a_form_cilium_does_not_read_is_refused():
    line, message = rejection(CILIUM_POLICY.replace('port: "8080"', "port: tcp/8080"))
    assert line == 10 and message.startswith(
        'spec.ingress[0].toPorts[0].ports[0].port: Invalid value: "tcp/8080": not in the form')
    line, message = rejection(CILIUM_POLICY.replace('port: "8080"', "port: 8080"))
    assert line == 10 and message.startswith(
        "spec.ingress[0].toPorts[0].ports[0].port: Invalid value: 8080 is an integer, but this "
        "field must be a string")
    line, message = rejection(CILIUM_POLICY.replace("endPort: 8081", "endPort: 70000"))
    assert line == 11 and message.startswith(
        "spec.ingress[0].toPorts[0].ports[0].endPort: Invalid value: 70000: must be at most 65535")


def test_a_cilium_rule_needs_a_section_and_one_selector():
    no_section = CILIUM_POLICY.split("  ingress:\n")[0]
    line, message = rejection(no_section)
    assert line == 4 and message.startswith(
        "spec: set at least one of egress, egressDeny, ingress, ingressDeny (none is set)")
    two_selectors = CILIUM_POLICY.replace(
        "  endpointSelector: {matchLabels: {app: api}}\n",
        "  endpointSelector: {matchLabels: {app: api}}\n  nodeSelector: {}\n")
    line, message = rejection(two_selectors)
    assert line == 4 and message.startswith("spec: set exactly one of endpointSelector, "
                                            "nodeSelector")


def test_the_linter_reports_a_misspelt_cilium_field_at_its_line():
    text = CILIUM_POLICY.replace("ingressDeny", "ingresDeny")
    [finding] = [f for f in lint.check_files([("p.yaml", text)], max_chars=None) if f.is_error]
    assert (finding.line, finding.rule) == (13, "api-server-rejects")
    assert 'spec.ingresDeny: unknown field "ingresDeny"' in finding.message


def test_conditions_under_one_of_do_not_refuse_the_other_fields():
    # Gateway API lists an address's fields outside its oneOf; inside, {type: not IPAddress}
    # names one property but must not refuse `value` (it did when trimming made it strict).
    gateway = """\
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: edge}
spec:
  gatewayClassName: eg
  addresses: [{type: Hostname, value: lb.example.com}]
  listeners: [{name: web, port: 80, protocol: HTTP}]
"""
    assert apply_files([("a.yaml", gateway)]).rejected == []


def test_a_cilium_log_value_refuses_control_characters():
    # The CRD's pattern is Go's ^\PC*$ (no control or format character), translated for re.
    text = CILIUM_POLICY.replace("spec:\n", "spec:\n  log: {value: api-audit}\n")
    assert apply_files([("a.yaml", text)]).rejected == []
    line, message = rejection(text.replace("api-audit", '"api\\taudit"'))
    assert line == 5 and message.startswith("spec.log.value: Invalid value: ")
    assert "not in the form this field accepts" in message
