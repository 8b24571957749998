"""Checks what K3s would start from config.yaml, beside Cilium installed with cilium-values.yaml."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from typing import NoReturn

import pytest
from grading import manifests
from grading import submission
from grading import traces
from grading.cluster.k3s import K3sServer

CONFIG = "config.yaml"
VALUES = "cilium-values.yaml"


def server(strict: bool = False) -> K3sServer:
    """K3s reading config.yaml (a file it cannot read: the first check says why)."""
    result = K3sServer.from_text(submission.read(CONFIG), CONFIG)
    if result.fatal:
        if strict:
            traces.fail(result.fatal, result.panel("config", "K3s exits here"))
        pytest.skip("K3s does not start with this config.yaml yet (see the first check)")
    return result


def cilium() -> Mapping[str, Any]:
    """cilium-values.yaml, the Helm values Cilium is installed with."""
    _, documents, _ = manifests.parse_yaml(submission.read(VALUES), VALUES)
    return documents[0]


def fail_at(k3s: K3sServer, component: str, message: str) -> NoReturn:
    """Fail with the message (and the keys K3s skipped) and K3s's start-up for the panel."""
    traces.fail(message + k3s.skipped_note(), k3s.panel(component, "should not start"))


def conflict(k3s: K3sServer, component: str) -> None:
    """Fail when what K3s runs for `component` clashes with Cilium."""
    for found in k3s.conflicts(cilium()):
        if found.component == component:
            traces.fail(f"{found.where}: {found.message}." + k3s.skipped_note(),
                        k3s.panel(component, found.message.split(":")[0]))


def test_k3s_starts_with_this_config():
    """K3s reads config.yaml and starts (a readable mapping, a flannel backend it knows)."""
    server(strict=True)


def test_traefik_and_servicelb_are_not_deployed():
    """K3s deploys neither its Traefik nor ServiceLB: Envoy Gateway and MetalLB replace them."""
    k3s = server()
    where = k3s.where("disable")
    if k3s.runs("servicelb"):
        fail_at(k3s, "servicelb", (
            f"{where}: K3s still deploys ServiceLB. It and MetalLB would both act on every "
            "LoadBalancer Service: svclb-… pods take the ports on the nodes while MetalLB hands "
            "out an address."))
    if k3s.runs("traefik"):
        fail_at(k3s, "traefik", (
            f"{where}: K3s still deploys its Traefik. It asks for a LoadBalancer Service on "
            "ports 80 and 443 and claims Ingresses, so it competes with Envoy Gateway for the "
            "same addresses and ports."))


def test_pods_are_wired_by_cilium_alone():
    """Flannel does not start: Cilium is the only network plugin."""
    k3s = server()
    conflict(k3s, "flannel")


def test_network_policies_have_one_engine():
    """K3s's embedded network policy controller is off: Cilium enforces policies."""
    k3s = server()
    conflict(k3s, "network-policy")


def test_services_have_one_datapath():
    """kube-proxy does not run, since Cilium replaces it (cilium-values.yaml)."""
    k3s = server()
    conflict(k3s, "kube-proxy")


def test_dns_storage_and_metrics_still_run():
    """CoreDNS, the local-path storage and metrics-server stay: nothing replaces them."""
    k3s = server()
    jobs = {
        "coredns": "no pod can resolve a Service name (web.shop.svc): Cilium routes packets, "
                   "it does not answer DNS",
        "local-storage": "PersistentVolumeClaims with the default local-path class stay Pending",
        "metrics-server": "kubectl top and every HorizontalPodAutoscaler stop working",
    }
    for component, consequence in jobs.items():
        if not k3s.runs(component):
            traces.fail(
                f"{k3s.where('disable')}: K3s no longer deploys {component}, and nothing in "
                f"this cluster replaces it: {consequence}",
                k3s.panel(component, "should still start"))


def test_the_api_name_stays_in_the_certificate():
    """tls-san still lists k3s.office.lan, the name the office's kubeconfigs use."""
    k3s = server()
    names = [str(n).strip() for value in
             (k3s.flags.get("tls-san") if isinstance(k3s.flags.get("tls-san"), list)
              else [k3s.flags.get("tls-san") or ""]) for n in str(value).split(",")]
    if "k3s.office.lan" not in names:
        where = k3s.where("tls-san")
        raise AssertionError(
            f"{where}: the API server's certificate no longer names k3s.office.lan, so every "
            "kubectl on the office laptops (https://k3s.office.lan:6443) fails with a "
            "certificate error")
