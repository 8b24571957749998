"""Checks the K3s config (ServiceLB off) and MetalLB's pool and L2Advertisement."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import NoReturn

import pytest
from grading import manifests
from grading import submission
from grading.cluster import testing as k8s
from grading.cluster.model import Node

FILE = "metallb.yaml"
CONFIG = "config.yaml"
NAMESPACE = "metallb-system"


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


def k3s_config(strict: bool = False) -> manifests.Resource:
    """config.yaml as a mapping with line numbers (K3s reads it as one YAML document)."""
    try:
        _, documents, _ = manifests.parse_yaml(submission.read(CONFIG), CONFIG)
    except manifests.ManifestError as exc:
        if strict:
            fail(f"{exc}. K3s refuses to start with an unreadable config file")
        pytest.skip(f"{CONFIG} cannot be read yet")
    data = documents[0] if documents else None
    if not isinstance(data, Mapping):
        fail(f"{CONFIG} must be a mapping of option: value lines, as K3s's flags without '--'")
    return manifests.Resource(data=data, line=1, index=1, source=CONFIG)


def test_servicelb_is_disabled():
    """config.yaml tells K3s not to start Klipper ServiceLB."""
    config = k3s_config(strict=True)
    value = config.get("disable")
    disabled = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    names = [str(v) for v in disabled]
    if "servicelb" in names:
        return
    if any(n in ("klipper", "klipper-lb", "service-lb", "serviceLB") for n in names):
        fail(
            f"{config.where('disable')}: K3s calls the component servicelb; it does not know "
            f"{', '.join(names)}, so it still runs ServiceLB next to MetalLB"
        )
    where = config.where("disable") if value is not None else f"{CONFIG} line 1"
    fail(
        f"{where}: K3s still runs ServiceLB (disable: lists "
        f"{', '.join(names) or 'nothing'}). ServiceLB and MetalLB would both act on every "
        "LoadBalancer Service: ServiceLB's svclb-… pods grab the ports on the nodes while MetalLB "
        "hands out an IP, and the Service's address flips between the two"
    )


# The starter's settings and what losing each one does to the running server.
KEPT_SETTINGS = {
    "write-kubeconfig-mode": (
        ("0644", "644"), "K3s writes its kubeconfig readable by root only, and the team's "
        "non-root tools that read it fail with permission denied"),
    "node-ip": (
        ("192.168.10.21",), "K3s picks the node's address itself (the interface of the default "
        "route), which may not be the LAN address the other nodes and MetalLB expect"),
}
TLS_SAN = "k3s.office.lan"


def test_existing_settings_are_kept():
    """config.yaml keeps the starter's lines: kubeconfig mode, node IP and the extra TLS name."""
    config = k3s_config()
    for key, (values, consequence) in KEPT_SETTINGS.items():
        if str(config.get(key)) not in values:
            where = config.where(key) if config.get(key) is not None else f"{CONFIG} line 1"
            fail(
                f"{where}: the setting {key} of the starter is "
                f"{'changed' if config.get(key) is not None else 'gone'}; on the next restart "
                f"{consequence}"
            )
    sans = config.get("tls-san")
    names = [str(s) for s in sans] if isinstance(sans, list) else [str(sans)] if sans else []
    if TLS_SAN not in names:
        where = config.where("tls-san") if sans is not None else f"{CONFIG} line 1"
        fail(
            f"{where}: the starter's tls-san entry {TLS_SAN} is gone; on the next restart the "
            f"API server's certificate no longer names {TLS_SAN}, and kubectl through that "
            "name stops with an x509 certificate error"
        )


def test_metallb_objects_are_there():
    """metallb.yaml holds an IPAddressPool and an L2Advertisement (metallb.io/v1beta1)."""
    resources = load(FILE, strict=True)
    for kind in ("IPAddressPool", "L2Advertisement"):
        found = manifests.find(resources, kind)
        if not found:
            fail(
                f"{FILE} has no {kind} yet: MetalLB needs a pool of addresses to hand out and "
                "an advertisement that makes the network aware of them"
            )
        if found[0].api_version != "metallb.io/v1beta1":
            fail(f"{found[0].where('apiVersion')}: a {kind} is metallb.io/v1beta1")


def test_in_metallb_namespace():
    """Both objects live in metallb-system, where MetalLB looks for them."""
    for r in load(FILE):
        if r.kind not in ("IPAddressPool", "L2Advertisement") or r.namespace == NAMESPACE:
            continue
        where = r.where("metadata", "namespace") if r.namespace else r.where("metadata")
        fail(
            f"{where}: {r.title()} is in namespace '{r.namespace or 'default'}', but MetalLB "
            f"only reads its configuration from the namespace it runs in ({NAMESPACE}); "
            "anywhere else it is ignored and Services stay <pending>"
        )


def test_manifest_checker_finds_no_errors():
    """The manifest checker finds no errors in metallb.yaml read with service.yaml."""
    load(FILE)
    review(FILE, "service.yaml")


def test_pool_is_announced():
    """The L2Advertisement announces the pool (ipAddressPools names it)."""
    resources = load(FILE)
    pools = [p.name for p in manifests.find(resources, "IPAddressPool")]
    for ad in manifests.find(resources, "L2Advertisement"):
        named = ad.get("spec", "ipAddressPools")
        if not named:
            continue  # an advertisement without a list announces every pool
        missing = [p for p in pools if p not in [str(n) for n in named]]
        if missing:
            fail(
                f"{ad.where('spec', 'ipAddressPools')}: {ad.title()} lists "
                f"{', '.join(str(n) for n in named)}, not {', '.join(missing)}, so that pool's "
                "IPs are assigned but never announced: no node answers ARP for them"
            )


def test_pool_holds_the_reserved_range_only():
    """The pool gives out 192.168.10.240-250 and nothing from the DHCP range."""
    resources = load(FILE)
    pools = manifests.find(resources, "IPAddressPool")
    if not pools:
        pytest.skip("no IPAddressPool yet (see the first check)")
    dhcp = (ipaddress.ip_address("192.168.10.10"), ipaddress.ip_address("192.168.10.199"))
    for pool in pools:
        for i, (first, last) in manifests.pool_ranges(pool):
            if first <= dhcp[1] and dhcp[0] <= last:
                fail(
                    f"{pool.where('spec', 'addresses', i)}: {first}-{last} overlaps the "
                    "router's DHCP range (.10-.199); a laptop and a Service could get the same "
                    "IP and steal each other's traffic"
                )


SHOP_PODS = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: shop, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: shop}}
  template:
    metadata: {labels: {app: shop}}
    spec:
      containers:
        - {name: web, image: ghcr.io/example/shop:1.0, ports: [{name: http, containerPort: 8080}]}
"""


# The three nodes the prompt names; config.yaml is the server's (k3s-1).
NODES = [Node("k3s-1", "192.168.10.21"), Node("k3s-2", "192.168.10.22"),
         Node("k3s-3", "192.168.10.23")]


def test_the_shop_answers_on_its_address():
    """MetalLB gives shop-public 192.168.10.241, announces it, and requests reach the shop pods."""
    config = k3s_config()
    c = k8s.load([FILE, "service.yaml"], learner=[FILE], extra=SHOP_PODS,
                 k3s_config=dict(config.data), nodes=NODES)
    k8s.accepted(c, FILE)
    service = c.service("shop-public", "shop")
    addresses, why = c.load_balancer(service)
    if "192.168.10.241" not in addresses:
        fail(f"shop-public (service.yaml) gets no reachable address: {why}")
    k8s.reaches(c, "http://192.168.10.241/", "shop", port=8080)
