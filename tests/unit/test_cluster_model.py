"""The Kubernetes cluster model: what the cluster would do with manifests, and the linter's
regression fixtures (false errors and the billion-laughs bound)."""

from __future__ import annotations

from app.grading import cluster
from app.grading import manifests

DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchExpressions: [{key: app, operator: In, values: [web]}]}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: web:1, ports: [{name: http, containerPort: 8080}]}]}
"""
SERVICE = """
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: http}]}
"""


def ingress(name: str, host: str, path: str, service: str) -> str:
    """A Traefik Ingress with one Prefix path."""
    return f"""
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {{name: {name}}}
spec:
  ingressClassName: traefik
  rules:
    - host: {host}
      http:
        paths:
          - path: {path}
            pathType: Prefix
            backend: {{service: {{name: {service}, port: {{number: 80}}}}}}
"""


def test_deployment_makes_three_pods_and_the_service_finds_them():
    c = cluster.apply_files([("a.yaml", DEPLOYMENT + "---" + SERVICE)])
    assert not c.rejected
    assert len(c.pods()) == 3
    endpoints = c.endpoints(c.service("web"))
    assert [e.port for e in endpoints] == [8080, 8080, 8080]


def test_every_ingress_counts_not_only_the_first():
    text = DEPLOYMENT + "---" + SERVICE + "---" + ingress("a", "shop.example.com", "/", "web")
    text += "---" + ingress("b", "shop.example.com", "/cart", "missing")
    c = cluster.apply_files([("a.yaml", text)])
    assert c.request("https://shop.example.com/").ok
    trace = c.request("https://shop.example.com/cart/1")
    assert not trace.ok and trace.status == 503
    assert "no Service 'missing'" in trace.row() and "a.yaml line" in trace.row()


def test_quoted_target_port_is_rejected_like_the_api_server_does():
    c = cluster.apply_files([("s.yaml", SERVICE.replace("targetPort: http", 'targetPort: "8080"'))])
    assert c.rejected and "not a valid port name" in c.rejected[0].message


def test_quantities_are_numbers():
    assert cluster.quantity("0.1") == cluster.quantity("100m")
    assert cluster.quantity("128Mi") == cluster.quantity(134217728)
    assert cluster.quantity("128m") < 1


def test_traefik_rule_accepts_double_quotes():
    route = """
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: {name: r}
spec:
  entryPoints: [web]
  routes:
    - {match: 'Host("shop.example.com") && PathPrefix(`/`)', kind: Rule,
       services: [{name: web, port: 80}]}
"""
    c = cluster.apply_files([("a.yaml", DEPLOYMENT + "---" + SERVICE + "---" + route)])
    trace = c.request("http://shop.example.com/x")
    assert trace.ok, trace.row()


def test_cilium_deny_wins_over_allow():
    policy = """
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p}
specs:
  - endpointSelector: {matchLabels: {app: web}}
    ingress: [{fromEndpoints: [{}]}]
  - endpointSelector: {matchLabels: {app: web}}
    ingressDeny: [{fromEntities: [cluster]}]
"""
    c = cluster.apply_files([("a.yaml", DEPLOYMENT + "---" + SERVICE + "---" + policy)])
    trace = c.request("http://web/", source=c.pods()[0])
    assert not trace.ok and "ingressDeny" in trace.stop


def test_linter_accepts_cilium_specs():
    policy = """
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p, namespace: shop}
specs:
  - endpointSelector: {matchLabels: {app: web}}
    ingress: [{fromEndpoints: [{matchLabels: {app: front}}]}]
"""
    assert not [f for f in manifests.check(policy, source="p.yaml") if f.is_error]


def test_billion_laughs_is_a_clear_error():
    levels = ['  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"  {name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n" + "\n".join(levels)
    findings = manifests.check(text, source="lol.yaml")
    assert findings and "billion laughs" in findings[0].message


def test_large_files_read_by_libyaml_keep_lines_and_values(monkeypatch):
    text = (DEPLOYMENT + "---" + SERVICE).replace("replicas: 3", "replicas: 3\n  paused: false")
    text += '---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: "yes", b: on}\n'
    careful = manifests.load_documents(text, "a.yaml")
    monkeypatch.setattr(manifests, "FAST_READ_CHARS", 0)
    fast = manifests.load_documents(text, "a.yaml")
    assert [r.data for r in fast] == [r.data for r in careful]
    for path in (("spec", "template", "spec", "containers", 0, "ports", 0, "containerPort"),
                 ("spec", "ports", 0, "targetPort"), ("data", "b")):
        assert [r.line_of(*path) for r in fast] == [r.line_of(*path) for r in careful]
    with __import__("pytest").raises(manifests.ManifestError, match="duplicate key"):
        manifests.load_documents("a: 1\na: 2\n", "d.yaml")


def test_every_rule_the_checker_can_report_is_in_the_registry():
    import re
    from pathlib import Path

    from app.grading.cluster import registry

    source = (Path(manifests.__file__)).read_text()
    emitted = set(re.findall(r'"([a-z0-9][a-z0-9-]+)",\s*(?:ERROR|WARNING|"error"|"warning")',
                             source))
    assert emitted - set(registry.RULES) == set()


def test_the_rules_page_is_generated_from_the_registry():
    from pathlib import Path

    from app.grading.cluster import registry

    page = Path(__file__).resolve().parents[2] / "docs" / "k8s-rules.md"
    assert page.read_text() == registry.markdown()


def test_lint_adds_what_the_api_server_refuses():
    from app.grading.cluster import lint

    text = SERVICE.replace("targetPort: http", "targetPort: http\n    nodePort: 30080")
    findings = lint.check_files([("s.yaml", text)], max_chars=None)
    assert any(f.is_error for f in findings)
    assert lint.undocumented(findings) == []


def test_a_node_port_is_allocated_once_in_the_cluster():
    debug = SERVICE.replace("name: web}", "name: web-debug}").replace(
        "spec: {", "spec: {type: NodePort, ").replace(
        "targetPort: http}", "targetPort: http, nodePort: 30080}")
    public = debug.replace("web-debug", "web-public").replace("NodePort", "LoadBalancer")
    c = cluster.apply_files([("s.yaml", DEPLOYMENT + "---" + debug + "---" + public)])
    assert [r.resource.name for r in c.rejected] == ["web-public"]
    assert "already allocated" in c.rejected[0].message
    again = cluster.apply_files([("s.yaml", DEPLOYMENT + "---" + debug + "---" + debug)])
    assert not again.rejected  # the same Service applied twice keeps its own port


def test_load_balancer_source_ranges_refuse_other_clients():
    public = SERVICE.replace(
        "spec: {", "spec: {type: LoadBalancer, loadBalancerSourceRanges: [10.0.0.0/8], ")
    c = cluster.apply_files([("s.yaml", DEPLOYMENT + "---" + public)])
    address = c.load_balancer(c.service("web"))[0][0]
    trace = c.request(f"http://{address}/")
    assert not trace.ok and "loadBalancerSourceRanges" in trace.stop
    assert c.request(f"http://{address}/", client="10.1.2.3").ok


def test_an_l2_advertisement_for_no_node_announces_nothing():
    public = SERVICE.replace("spec: {", "spec: {type: LoadBalancer, ")
    metallb = """
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: lan, namespace: metallb-system}
spec: {addresses: [192.168.10.240-192.168.10.250]}
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: {name: l2, namespace: metallb-system}
spec:
  nodeSelectors: [{matchLabels: {kubernetes.io/hostname: NODE}}]
"""
    config = {"disable": ["servicelb"]}
    for node, announced in (("node-9", False), ("k3s-1", True)):
        text = DEPLOYMENT + "---" + public + "---" + metallb.replace("NODE", node)
        c = cluster.apply_files([("a.yaml", text)], k3s_config=config)
        addresses, why = c.load_balancer(c.service("web"))
        assert bool(addresses) is announced, why
    assert "nodeSelectors" in why or announced


def test_cilium_end_port_opens_the_whole_range():
    two_ports = DEPLOYMENT.replace(
        "ports: [{name: http, containerPort: 8080}]",
        "ports: [{name: http, containerPort: 8080}, {name: admin, containerPort: 9090}]")
    policy = """
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p}
spec:
  endpointSelector: {matchLabels: {app: web}}
  ingress:
    - fromEndpoints: [{matchLabels: {app: web}}]
      toPorts: [{ports: [{port: "8080", endPort: END, protocol: TCP}]}]
"""
    admin = SERVICE.replace("{port: 80, targetPort: http}", "{port: 9090, targetPort: admin}")
    for end, admin_open in (("9090", True), ("8080", False)):
        text = two_ports + "---" + admin + "---" + policy.replace("END", end)
        c = cluster.apply_files([("a.yaml", text)])
        assert not c.rejected, c.rejected
        assert c.request("http://web:9090/", source=c.pods()[0]).ok is admin_open


def test_a_deployment_created_paused_runs_no_pods():
    paused = DEPLOYMENT.replace("replicas: 3", "replicas: 3\n  paused: true")
    assert cluster.apply_files([("a.yaml", paused)]).pods() == []


def test_a_udp_service_port_does_not_carry_http():
    udp = SERVICE.replace("targetPort: http}", "targetPort: http, protocol: UDP}")
    c = cluster.apply_files([("a.yaml", DEPLOYMENT + "---" + udp)])
    trace = c.request("http://web/", source=c.pods()[0])
    assert not trace.ok and "UDP" in trace.stop
