"""Checks the three ledger Services: types, selectors and targetPort wiring."""

from __future__ import annotations

from typing import NoReturn

import pytest
from grading import manifests
from grading import submission
from grading.cluster import testing as k8s

FILE = "services.yaml"
WANTED = {"ledger": "ClusterIP", "ledger-debug": "NodePort", "ledger-public": "LoadBalancer"}


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def load(name: str, strict: bool = False) -> list[manifests.Resource]:
    """The resources of one file (unreadable: the first check says why, the others skip)."""
    try:
        return manifests.load_documents(submission.read(name), name)
    except manifests.ManifestError as exc:
        if strict:
            fail(str(exc))
        pytest.skip(f"{name} cannot be read yet (see the first check)")


def review(*names: str) -> None:
    """Fail with the first error the manifest checker reports for these files read together."""
    findings = manifests.check_files([(n, submission.read(n)) for n in names])
    errors = [f for f in findings if f.is_error]
    if errors:
        fail(str(errors[0]))


def services() -> dict[str, manifests.Resource]:
    """The learner's Services by name."""
    return {s.name: s for s in manifests.find(load(FILE), "Service")}


def test_file_holds_three_services():
    """services.yaml holds the Services ledger, ledger-debug and ledger-public (v1)."""
    resources = load(FILE, strict=True)
    found = {s.name: s for s in manifests.find(resources, "Service")}
    missing = [name for name in WANTED if name not in found]
    if missing:
        fail(
            f"{FILE} has no Service named {', '.join(missing)} yet (found: "
            f"{', '.join(found) or 'none'}); write one Service per audience, separated by '---'"
        )
    for s in found.values():
        if s.api_version != "v1":
            fail(f"{s.where('apiVersion')}: a Service is apiVersion v1, not '{s.api_version}'")


def test_selectors_and_target_ports_reach_the_pods():
    """The manifest checker finds no errors: selectors match the pods, targetPorts reach them."""
    load(FILE)
    review("deployment.yaml", FILE)


def test_each_service_has_its_type():
    """ledger is ClusterIP, ledger-debug NodePort, ledger-public LoadBalancer."""
    found = services()
    for name, wanted in WANTED.items():
        s = found.get(name)
        if s is None:
            pytest.skip("a Service is missing (see the first check)")
        written = s.get("spec", "type", default="ClusterIP")
        if written == wanted:
            continue
        if name == "ledger" and written in ("NodePort", "LoadBalancer"):
            fail(
                f"{s.where('spec', 'type')}: ledger is for pods inside the cluster only, but "
                f"type {written} also opens a port on every node"
                + (" and asks for an external IP" if written == "LoadBalancer" else "")
                + ", exposing the internal API to the network. ClusterIP (the default) is "
                "reachable only from inside the cluster"
            )
        fail(
            f"{s.where('spec', 'type') if s.get('spec', 'type') else s.where('spec')}: "
            f"{name} should be type {wanted}, not {written}"
        )


def test_ports_use_the_named_target_port():
    """Every Service offers port 80 and forwards to targetPort: http."""
    for s in services().values():
        if s.name not in WANTED:
            continue
        ports = manifests.service_ports(s)
        if not ports:
            fail(f"{s.where('spec')}: {s.title()} has no ports; offer port: 80")
        port = ports[0]
        if port.get("port") != 80:
            fail(
                f"{s.where('spec', 'ports', 0)}: {s.title()} should offer port: 80 (what its "
                f"clients connect to), not {port.get('port')!r}"
            )
        target = port.get("targetPort")
        if target != "http":
            why = (
                " 80 is the Service's own port; the container listens on 8080"
                if target in (80, None) else
                " The number works today, but the name survives a change of containerPort"
            )
            at = ("spec", "ports", 0, "targetPort") if target is not None else ("spec", "ports", 0)
            fail(
                f"{s.where(*at)}: "
                f"{s.title()} has targetPort {target!r}, not the port name deployment.yaml "
                f"gives the container.{why}"
            )


def test_node_port_is_pinned():
    """ledger-debug opens nodePort 30080 on every node."""
    s = services().get("ledger-debug")
    if s is None:
        pytest.skip("ledger-debug is missing (see the first check)")
    ports = manifests.service_ports(s)
    node_port = ports[0].get("nodePort") if ports else None
    if node_port != 30080:
        fail(
            f"{s.where('spec', 'ports', 0)}: ledger-debug should pin nodePort: 30080 (got "
            f"{node_port!r}), the port the engineers were given; without it Kubernetes picks a "
            "random one from 30000-32767"
        )


def test_each_audience_reaches_the_ledger_pods():
    """Pods reach http://ledger/, the office reaches node:30080, the world the public address."""
    c = k8s.load(["deployment.yaml", FILE], learner=[FILE])
    k8s.accepted(c, FILE)
    # By name in any namespace: a Service in another namespace than the pods is a real answer
    # (and a wrong one: its selector only looks in its own namespace), not a missing one.
    found = {s.name: s for s in c.objects("Service") if s.source == FILE}
    ledger = found.get("ledger")
    if ledger is None:
        pytest.skip("ledger is missing (see the first check)")
    if c.cluster_ip(ledger) is None:
        fail(
            f"{ledger.where('spec')}: ledger gets no virtual IP (it is headless or an "
            "ExternalName), so clients get the pod addresses or another name instead of one "
            "stable address that kube-proxy balances"
        )
    client = k8s.pod_of(c, "ledger")
    k8s.reaches(c, "http://ledger/", "ledger", port=8080, source=client)
    node = c.nodes[0].ip
    k8s.reaches(c, f"http://{node}:30080/", "ledger", port=8080)
    public = found.get("ledger-public")
    if public is not None:
        addresses, why = c.load_balancer(public)
        if not addresses:
            fail(f"{public.where('spec')}: ledger-public gets no external address: {why}")
        # The request comes from an address on the internet: "the outside world".
        k8s.reaches(c, f"http://{addresses[0]}/", "ledger", port=8080)
