"""The K3s server model: what config.yaml makes K3s start, and what clashes with Cilium."""

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
