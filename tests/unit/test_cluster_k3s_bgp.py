"""The K3s server model (what config.yaml starts) and MetalLB BGP (sessions, routes, <pending>)."""

from __future__ import annotations

import pytest

from app.grading.cluster.k3s import K3sServer

CILIUM_KPR = {"kubeProxyReplacement": True}


def read(text: str) -> K3sServer:
    return K3sServer.from_text(text, "config.yaml")


def test_defaults_start_everything():
    k3s = read("node-ip: 10.0.0.1\n")
    assert k3s.components() == [
        "flannel", "kube-proxy", "network-policy", "coredns", "servicelb", "traefik",
        "local-storage", "metrics-server", "runtimes",
    ]
    assert {c.component for c in k3s.conflicts(CILIUM_KPR)} == {
        "flannel", "network-policy", "kube-proxy"}


@pytest.mark.parametrize("disable", ["[traefik, servicelb]", '"traefik, servicelb"',
                                     "\n  - servicelb\n  - traefik"])
def test_disable_as_a_list_or_a_comma_string(disable):
    k3s = read(f"disable: {disable}\n")
    assert not k3s.runs("traefik") and not k3s.runs("servicelb")
    assert k3s.runs("coredns")


def test_an_unknown_key_is_skipped_and_changes_nothing():
    k3s = read("disable-traefik: true\nno-flannel: true\n")
    assert k3s.runs("traefik") and k3s.runs("flannel")
    assert [key for key, _ in k3s.skipped] == ["disable-traefik", "no-flannel"]
    assert "line 1" in k3s.skipped[0][1]
    assert "no flag named" in k3s.skipped_note()


def test_a_name_disable_does_not_know_disables_nothing():
    assert read("disable: [klipper-lb]\n").runs("servicelb")


@pytest.mark.parametrize("backend", ["ipsec", "false", "cilium"])
def test_an_unknown_flannel_backend_stops_k3s(backend):
    k3s = read(f"flannel-backend: {backend}\n")
    assert k3s.fatal and "line 1" in k3s.fatal
    assert k3s.components() == []


def test_the_cilium_flags_leave_no_conflict():
    k3s = read("flannel-backend: none\ndisable-network-policy: true\n"
               "disable-kube-proxy: 'true'\n")
    assert k3s.conflicts(CILIUM_KPR) == []
    # Without kube-proxy replacement, disabling kube-proxy leaves Services with no datapath.
    (problem,) = k3s.conflicts({"kubeProxyReplacement": False})
    assert problem.component == "kube-proxy" and "unreachable" in problem.message


def test_the_start_up_panel_marks_the_failing_component():
    k3s = read("disable: [traefik]\n")
    panel = k3s.panel("servicelb", "should not start")
    failed = [h for h in panel["hops"] if h["failed"]]
    assert [h["label"] for h in failed] == ["servicelb"]
    assert panel["kind"] == "start"
    traefik = next(h for h in panel["hops"] if h["label"] == "traefik")
    assert traefik["detail"] == "off" and "line 1" in traefik["where"]


def test_an_unreadable_file_stops_k3s():
    assert read("disable: [traefik\n").fatal
    assert read("- a list\n").fatal


# -- MetalLB BGP (cluster.bgp) ------------------------------------------------------------------

FRR = """router bgp 64512
 bgp router-id 192.168.10.1
 neighbor 192.168.10.21 remote-as 64513
 neighbor 192.168.10.22 remote-as 64513
"""
BGP_OBJECTS = """
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: public, namespace: metallb-system}
spec: {addresses: [203.0.113.20/31]}
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: r, namespace: metallb-system}
spec: {myASN: MY, peerASN: 64512, peerAddress: 192.168.10.1}
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: {name: a, namespace: metallb-system}
spec: {ipAddressPools: [public]}
---
apiVersion: v1
kind: Service
metadata: {name: one}
spec: {type: LoadBalancer, selector: {app: x}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: two}
spec: {type: LoadBalancer, selector: {app: x}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: three}
spec: {type: LoadBalancer, selector: {app: x}, ports: [{port: 80}]}
"""


def bgp_cluster(my_asn: int = 64513):
    from app.grading.cluster import Node
    from app.grading.cluster import apply_files

    nodes = [Node("k3s-1", "192.168.10.21"), Node("k3s-2", "192.168.10.22")]
    return apply_files([("m.yaml", BGP_OBJECTS.replace("MY", str(my_asn)))], nodes=nodes,
                       k3s_config={"disable": ["servicelb"]})


def test_bgp_routes_come_from_every_node_and_the_pool_runs_out():
    from app.grading.cluster import bgp

    c, router = bgp_cluster(), bgp.Router.from_frr(FRR)
    assert router.asn == 64512 and router.neighbors["192.168.10.22"] == 64513
    assert all(s.up for s in bgp.sessions(c, router))
    assert bgp.routes(c, router) == {
        "203.0.113.20/32": ["192.168.10.21", "192.168.10.22"],
        "203.0.113.21/32": ["192.168.10.21", "192.168.10.22"],
    }
    addresses = {k: a for k, (_, a, _) in bgp.assigned(c).items()}
    assert addresses["default/three"] == []  # a /31 holds two addresses: the third is <pending>
    assert "exhausted" in bgp.assigned(c)["default/three"][2]


def test_a_wrong_asn_closes_every_session_and_the_router_learns_nothing():
    from app.grading.cluster import bgp

    c, router = bgp_cluster(my_asn=64512), bgp.Router.from_frr(FRR)
    sessions = bgp.sessions(c, router)
    assert sessions and not any(s.up for s in sessions)
    assert "bad peer AS" in sessions[0].why and "line" in sessions[0].why
    assert bgp.routes(c, router) == {}
    trace = bgp.request(c, router, "http://203.0.113.20/")
    assert not trace.ok and "no route" in trace.stop


# -- K3s's packaged Traefik through a HelmChartConfig (cluster.helmchart) ------------------------

def packaged(values: str, name: str = "traefik"):
    from app.grading.cluster import apply_files
    from app.grading.cluster.helmchart import PackagedTraefik

    indented = "\n".join("    " + line for line in values.strip().splitlines())
    text = (f"apiVersion: helm.cattle.io/v1\nkind: HelmChartConfig\n"
            f"metadata: {{name: {name}, namespace: kube-system}}\n"
            f"spec:\n  valuesContent: |-\n{indented}\n")
    return PackagedTraefik(apply_files([("t.yaml", text)]))


def test_a_web_redirection_answers_every_http_request_with_https():
    t = packaged("ports:\n  web:\n    redirections:\n      entryPoint: {to: websecure, "
                 "scheme: https}\n")
    trace = t.request("http://any.example.com/a?b")
    assert trace.status == 301 and trace.notes["redirect"] == "https://any.example.com/a"
    assert t.request("https://any.example.com/").notes.get("redirect") is None
    # Without a scheme the redirect keeps http, on the TLS port.
    t = packaged("ports:\n  web:\n    redirections:\n      entryPoint: {to: websecure}\n")
    assert t.request("http://x.example.com/").notes["redirect"] == "http://x.example.com:443/"


def test_the_removed_redirect_syntax_fails_the_install_and_another_name_is_ignored():
    t = packaged("ports:\n  web:\n    redirectTo: {port: websecure}\n")
    assert "removed in v34" in t.failure and t.redirect("web") is None
    t = packaged("ports:\n  web:\n    redirections:\n      entryPoint: {to: websecure}\n",
                 name="traefik-extra")
    assert t.config is None and "customises nothing" in t.ignored[0][1]


def test_the_dashboard_default_rule_takes_api_on_every_host():
    t = packaged("ingressRoute:\n  dashboard: {enabled: true, entryPoints: [websecure]}\n")
    assert t.request("https://shop.example.com/api/x").notes.get("dashboard")
    t = packaged("ingressRoute:\n  dashboard: {enabled: true}\n")  # the traefik entry point
    assert not t.request("https://shop.example.com/dashboard/").notes.get("dashboard")


def test_structured_values_are_merged_after_value_content():
    from app.grading.cluster import apply_files
    from app.grading.cluster.helmchart import PackagedTraefik

    text = """\
apiVersion: helm.cattle.io/v1
kind: HelmChartConfig
metadata: {name: traefik, namespace: kube-system}
spec:
  valuesContent: |-
    logs: {access: {enabled: true}}
    ports: {web: {redirections: {entryPoint: {to: web, scheme: http}}}}
  values:
    ports: {web: {redirections: {entryPoint: {to: websecure, scheme: https}}}}
"""
    t = PackagedTraefik(apply_files([("t.yaml", text)]))
    assert t.access_logs()
    assert t.request("http://a.example.com/").notes["redirect"] == "https://a.example.com/"


def test_access_logs_follow_the_chart_values_or_the_command_line():
    assert not packaged("ports: {}").access_logs()
    assert packaged("logs: {access: {enabled: true}}").access_logs()
    assert packaged("additionalArguments: ['--accesslog']").access_logs()
    assert packaged("additionalArguments: ['--accesslog.format=json']").access_logs()
    assert not packaged("additionalArguments: ['--accesslog=false']").access_logs()


# -- Envoy Gateway BackendTrafficPolicy (cluster.envoy_policy) -----------------------------------

ROUTE = """
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: orders, namespace: shop}
spec:
  parentRefs: [{name: edge}]
  rules: [{backendRefs: [{name: orders, port: 80}]}]
"""


def policy_cluster(spec: str, namespace: str = "shop"):
    from app.grading.cluster import apply_files

    text = ROUTE + (f"---\napiVersion: gateway.envoyproxy.io/v1alpha1\nkind: BackendTrafficPolicy\n"
                    f"metadata: {{name: p, namespace: {namespace}}}\nspec: {spec}\n")
    c = apply_files([("p.yaml", text)])
    return c, c.get("HTTPRoute", "orders", "shop")


def test_retries_follow_the_triggers_and_the_count():
    from app.grading.cluster import envoy_policy as eg

    c, route = policy_cluster(
        "{targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: orders}], "
        "retry: {retryOn: {triggers: [connect-failure, retriable-status-codes], "
        "httpStatusCodes: [503]}}}")
    p = eg.attached(c, route)
    assert p is not None
    assert eg.attempts(p, ["503", "reset", "200"]).status == "200"  # numRetries defaults to 2
    assert eg.attempts(p, ["503", "503", "503", "200"]).tries == 3
    assert eg.attempts(p, ["500", "200"]).tries == 1
    assert eg.overflow(p, 2000) == (1024, 976, 0)  # Envoy's defaults: 1024 and 1024


def test_gateway_error_retries_502_and_504_but_not_500():
    from app.grading.cluster import envoy_policy as eg

    c, route = policy_cluster(
        "{targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: orders}], "
        "retry: {numRetries: 3, retryOn: {triggers: [connect-failure, gateway-error]}}}")
    p = eg.attached(c, route)
    assert eg.attempts(p, ["504", "201"]).tries == 2
    assert eg.attempts(p, ["502", "201"]).tries == 2
    assert eg.attempts(p, ["500", "201"]).tries == 1


def test_a_gateway_policy_reaches_its_routes_and_another_namespace_does_not():
    from app.grading.cluster import envoy_policy as eg

    c, route = policy_cluster(
        "{targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: edge}], "
        "circuitBreaker: {maxParallelRequests: 5, maxPendingRequests: 1}}")
    assert eg.overflow(eg.attached(c, route), 10) == (5, 1, 4)
    c, route = policy_cluster(
        "{targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: orders}]}",
        namespace="other")
    assert eg.attached(c, route) is None
    assert "own namespace" in eg.not_attached_reasons(c, route)[0]


# -- Istio mTLS and authorization (cluster.istio_security) --------------------------------------

MESH = """
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio-injection: enabled}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: a, namespace: shop}
spec:
  selector: {matchLabels: {app: a}}
  template:
    metadata: {labels: {app: a}}
    spec: {serviceAccountName: sa-a, containers: [{name: c, image: x}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: b, namespace: shop}
spec:
  selector: {matchLabels: {app: b}}
  template:
    metadata: {labels: {app: b}}
    spec: {containers: [{name: c, image: x}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: outside, namespace: default}
spec:
  selector: {matchLabels: {app: outside}}
  template:
    metadata: {labels: {app: outside}}
    spec: {containers: [{name: c, image: x}]}
"""


def mesh(extra: str):
    from app.grading.cluster import apply_files

    c = apply_files([("m.yaml", MESH + "---\n" + extra)])
    pods = {p.owner.name: p for p in c.pods()}
    return c, pods


def test_strict_refuses_plaintext_and_rules_and_from_to_together():
    from app.grading.cluster import istio_security as istio

    c, pods = mesh("""
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: shop}
spec: {mtls: {mode: STRICT}}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: b, namespace: shop}
spec:
  selector: {matchLabels: {app: b}}
  rules: [{from: [{source: {principals: [cluster.local/ns/shop/sa/sa-a]}}],
           to: [{operation: {methods: [POST]}}]}]
""")
    assert istio.principal(pods["a"]) == "cluster.local/ns/shop/sa/sa-a"
    assert istio.call(c, pods["outside"], pods["b"], 80).status == 0  # reset: plaintext
    assert istio.call(c, pods["a"], pods["b"], 80, "POST").allowed
    assert istio.call(c, pods["a"], pods["b"], 80, "GET").status == 403
    assert istio.call(c, pods["b"], pods["a"], 80).allowed  # no policy selects a


def test_permissive_lets_plaintext_in_but_gives_it_no_identity():
    from app.grading.cluster import istio_security as istio

    c, pods = mesh("""
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: b, namespace: shop}
spec:
  selector: {matchLabels: {app: b}}
  rules: [{from: [{source: {namespaces: [default]}}]}]
""")
    assert istio.mtls_mode(c, pods["b"], 80)[0] == "PERMISSIVE"
    assert istio.call(c, pods["outside"], pods["a"], 80).allowed
    assert istio.call(c, pods["outside"], pods["b"], 80).status == 403  # no mTLS, no namespace


def test_a_when_condition_on_the_principal_is_judged_like_from():
    from app.grading.cluster import istio_security as istio

    c, pods = mesh("""
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: b, namespace: shop}
spec:
  selector: {matchLabels: {app: b}}
  rules:
    - to: [{operation: {methods: [POST]}}]
      when:
        - {key: source.principal, values: [cluster.local/ns/shop/sa/sa-a]}
        - {key: source.namespace, notValues: [default]}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: a, namespace: shop}
spec:
  selector: {matchLabels: {app: a}}
  rules: [{when: [{key: "request.headers[x-token]", values: [secret]}]}]
""")
    assert istio.call(c, pods["a"], pods["b"], 80, "POST").allowed
    assert istio.call(c, pods["a"], pods["b"], 80, "GET").status == 403
    assert istio.call(c, pods["b"], pods["b"], 80, "POST").status == 403  # another identity
    assert istio.call(c, pods["outside"], pods["b"], 80, "POST").status == 403  # no identity
    # a key the model cannot read lets nothing in
    assert istio.call(c, pods["b"], pods["a"], 80).status == 403


def test_a_target_without_its_group_reaches_nothing_and_says_why():
    from app.grading.cluster import envoy_policy as eg

    # Envoy Gateway's CRD requires the group: the API server refuses the policy outright.
    c, route = policy_cluster("{targetRefs: [{kind: HTTPRoute, name: orders}]}")
    assert eg.attached(c, route) is None
    [refused] = c.rejected
    assert refused.message.startswith("spec.targetRefs[0].group: Required value")
    # An empty group passes the schema and names the core group, where no HTTPRoute lives.
    c, route = policy_cluster("{targetRefs: [{group: '', kind: HTTPRoute, name: orders}]}")
    assert eg.attached(c, route) is None
    assert "group ''" in eg.not_attached_reasons(c, route)[0]


def test_a_pool_without_auto_assignment_leaves_services_pending_and_says_why():
    from app.grading.cluster import Node
    from app.grading.cluster import apply_files
    from app.grading.cluster import bgp

    objects = BGP_OBJECTS.replace("MY", "64513").replace(
        "spec: {addresses:", "spec: {autoAssign: false, addresses:")
    c = apply_files([("m.yaml", objects)], nodes=[Node("k3s-1", "192.168.10.21")],
                    k3s_config={"disable": ["servicelb"]})
    _, addresses, why = bgp.assigned(c)["default/one"]
    assert addresses == [] and "autoAssign: false" in why
