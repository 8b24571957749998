"""What a K3s server starts from /etc/rancher/k3s/config.yaml, beside a CNI such as Cilium.

    server = k3s.K3sServer.from_text(submission.read("config.yaml"), "config.yaml")
    server.fatal                    # why K3s would exit at start-up ("" when it starts)
    server.runs("traefik")          # a packaged add-on, flannel, kube-proxy, network-policy
    server.skipped                  # keys K3s does not know: skipped with a warning, no effect
    server.conflicts(cilium)        # what clashes with Cilium's Helm values, and the line

Facts modelled (checked 2026-11-29 against docs.k3s.io and docs.cilium.io):
- config.yaml keys are the `k3s server` flags without the leading `--`; a repeatable flag takes
  a YAML list or a comma-separated string; a key ending in `+` appends to the earlier value
  (https://docs.k3s.io/installation/configuration#configuration-file).
- An unknown key is skipped with a warning, not an error (k3s-io/k3s#4509): a misspelt flag is
  silently without effect. `--disable` names packaged manifests (coredns, servicelb, traefik,
  local-storage, metrics-server, runtimes); a name that is none of them disables nothing.
- `--flannel-backend` is one of none, vxlan, host-gw, wireguard-native; anything else stops K3s
  at start-up (ipsec was removed in v1.27). `none` leaves pod networking to another CNI, and
  K3s recommends `--disable-network-policy` with it, since the CNI brings its own policy engine
  (https://docs.k3s.io/networking/basic-network-options#custom-cni).
- Cilium's kube-proxy replacement (`kubeProxyReplacement: true`) expects no kube-proxy: on K3s
  `--disable-kube-proxy`; without the replacement, disabling kube-proxy leaves Services with no
  datapath at all (https://docs.cilium.io/en/stable/network/kubernetes/kubeproxy-free/).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from ..manifests import ManifestError
from ..manifests import Resource
from ..manifests import parse_yaml
from ..traces import panel
from .trace import bounded

PACKAGED = ("coredns", "servicelb", "traefik", "local-storage", "metrics-server", "runtimes")
FLANNEL_BACKENDS = ("none", "vxlan", "host-gw", "wireguard-native")
REMOVED_BACKENDS = {"ipsec": "v1.27", "wireguard": "v1.26"}
# `k3s server` flags (docs.k3s.io/cli/server); any key outside these, or the prefixes below,
# is skipped by K3s with a warning.
SERVER_FLAGS = frozenset("""
config debug v vmodule log alsologtostderr bind-address https-listen-port supervisor-port
apiserver-port apiserver-bind-address advertise-address advertise-port tls-san tls-san-security
data-dir cluster-cidr service-cidr service-node-port-range cluster-dns cluster-domain
flannel-backend flannel-ipv6-masq flannel-external-ip egress-selector-mode servicelb-namespace
write-kubeconfig write-kubeconfig-mode write-kubeconfig-group helm-job-image token token-file
agent-token agent-token-file server cluster-init cluster-reset cluster-reset-restore-path
kube-apiserver-arg etcd-arg kube-controller-manager-arg kube-scheduler-arg
kube-cloud-controller-manager-arg datastore-endpoint datastore-cafile datastore-certfile
datastore-keyfile default-local-storage-path disable disable-scheduler disable-cloud-controller
disable-kube-proxy disable-network-policy disable-helm-controller disable-apiserver
disable-controller-manager disable-etcd embedded-registry supervisor-metrics node-name
with-node-id node-label node-taint image-credential-provider-bin-dir
image-credential-provider-config docker container-runtime-endpoint default-runtime
image-service-endpoint disable-default-registry-endpoint nonroot-devices pause-image snapshotter
private-registry system-default-registry node-ip node-external-ip node-internal-dns
node-external-dns resolv-conf flannel-iface flannel-conf flannel-cni-conf vpn-auth
vpn-auth-file kubelet-arg kube-proxy-arg protect-kernel-defaults secrets-encryption
secrets-encryption-provider enable-pprof rootless prefer-bundled-bin selinux lb-server-port
airgap-extra-registry disable-agent kine-tls disable-servicelb-lb-class
""".split())
FLAG_PREFIXES = ("etcd-", "kine-")


@dataclass
class Conflict:
    """Something K3s runs that clashes with the CNI: what, why, and the line to blame."""

    component: str
    message: str
    where: str


@dataclass
class K3sServer:
    """The flags K3s reads from config.yaml and what it starts because of them."""

    config: Resource
    flags: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, str] = field(default_factory=dict)  # flag -> "config.yaml line N"
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (key, where)
    fatal: str = ""

    @classmethod
    def from_text(cls, text: str, source: str = "config.yaml") -> K3sServer:
        """Read config.yaml as K3s does; a file that is not a mapping stops K3s (`fatal`)."""
        try:
            _, documents, _ = parse_yaml(text, source)
        except ManifestError as exc:
            server = cls(Resource(data={}, line=1, index=1, source=source))
            server.fatal = f"{exc}. K3s refuses to start with an unreadable config file"
            return server
        data = documents[0] if documents else {}
        if data is None:
            data = {}
        if not isinstance(data, Mapping):
            server = cls(Resource(data={}, line=1, index=1, source=source))
            server.fatal = (f"{source} is not a mapping of flag: value lines, so K3s refuses "
                            "to start")
            return server
        server = cls(Resource(data=data, line=1, index=1, source=source))
        server._read(data)
        return server

    def _read(self, data: Mapping[str, Any]) -> None:
        """Keys to flags: unknown ones skipped, `key+` appended, the backend checked."""
        for key, value in data.items():
            name = str(key)
            where = self.config.where(key)
            flag = name[:-1] if name.endswith("+") else name
            if flag not in SERVER_FLAGS and not flag.startswith(FLAG_PREFIXES):
                self.skipped.append((name, where))
                continue
            if name.endswith("+") and flag in self.flags:
                self.flags[flag] = [*as_list(self.flags[flag]), *as_list(value)]
            else:
                self.flags[flag] = value
            self.lines[flag] = where
        backend = self.flannel_backend
        if backend not in FLANNEL_BACKENDS:
            removed = REMOVED_BACKENDS.get(backend)
            why = (f"the {backend} backend was removed in K3s {removed}" if removed
                   else f"'{bounded(backend, 40)}' is not a flannel backend K3s knows")
            self.fatal = (f"{self.lines.get('flannel-backend', self.config.source)}: {why}, so "
                          "K3s exits at start-up and no node joins")

    # -- what runs -----------------------------------------------------------------------------

    def flag_true(self, flag: str) -> bool:
        """A boolean flag as K3s reads it (true, or the string "true")."""
        return str(self.flags.get(flag, "")).strip().lower() == "true"

    @property
    def disabled(self) -> list[str]:
        """The names --disable lists (each item, comma strings split)."""
        return [item for value in as_list(self.flags.get("disable")) for item in
                (part.strip() for part in str(value).split(",")) if item]

    @property
    def flannel_backend(self) -> str:
        """The flannel backend (vxlan unless set)."""
        value = self.flags.get("flannel-backend")
        return "vxlan" if value is None else str(value).strip().lower()

    def runs(self, component: str) -> bool:
        """Whether K3s starts a component: a packaged one, flannel, kube-proxy or
        network-policy (K3s's embedded policy controller)."""
        if self.fatal:
            return False
        if component in PACKAGED:
            return component not in self.disabled
        if component == "flannel":
            return self.flannel_backend != "none"
        if component == "kube-proxy":
            return not self.flag_true("disable-kube-proxy")
        if component == "network-policy":
            return not self.flag_true("disable-network-policy")
        raise ValueError(f"unknown component {component}")

    def components(self) -> list[str]:
        """Everything K3s starts, in start-up order."""
        names = ["flannel", "kube-proxy", "network-policy", *PACKAGED]
        return [name for name in names if self.runs(name)]

    def where(self, flag: str) -> str:
        """The line that set a flag, or the file alone when no line did."""
        return self.lines.get(flag, self.config.source)

    def skipped_note(self) -> str:
        """A sentence on the keys K3s skipped (they may be why something still runs)."""
        if not self.skipped:
            return ""
        keys = ", ".join(f"'{bounded(k, 40)}' ({w})" for k, w in self.skipped[:3])
        return (f" K3s has no flag named {keys}: it skips such lines with a warning, as if "
                "they were not there.")

    def panel(self, failing: str = "", problem: str = "") -> dict[str, Any]:
        """K3s's start-up for the results panel: each component on or off, with the line that
        decided it, and `failing` (a component, or "config" for the file itself) marked."""
        lines = {"flannel": "flannel-backend", "kube-proxy": "disable-kube-proxy",
                 "network-policy": "disable-network-policy"}
        read = f"{len(self.flags)} flags"
        if self.skipped:
            read += f", skipped: {', '.join(bounded(k, 30) for k, _ in self.skipped[:3])}"
        hops = [("reads " + self.config.source, read, "")]
        failed_index = 0 if failing == "config" else None
        if not self.fatal:
            for name in ["flannel", "kube-proxy", "network-policy", *PACKAGED]:
                state = "starts" if self.runs(name) else "off"
                if name == "flannel" and self.runs(name):
                    state = f"starts ({self.flannel_backend})"
                flag = lines.get(name, "disable")
                where = self.lines.get(flag, "")
                if name == failing:
                    failed_index = len(hops)
                    state = f"{state}: {problem}" if problem else state
                hops.append((name, state, where))
        elif problem:
            hops[0] = (hops[0][0], f"{read}; {problem}", "")
        return panel(f"k3s server with {self.config.source}", hops, kind="start",
                     failed_index=failed_index)

    # -- against the CNI -----------------------------------------------------------------------

    def conflicts(self, cilium: Mapping[str, Any]) -> list[Conflict]:
        """What this server runs that clashes with Cilium installed with these Helm values."""
        found = []
        if self.runs("flannel"):
            found.append(Conflict(
                "flannel",
                f"K3s still runs flannel ({self.flannel_backend}) as the pod network: two CNI "
                "plugins wire the same pods, and the pods flannel wires are outside Cilium's "
                "policies and load balancing", self.where("flannel-backend")))
        if self.runs("network-policy"):
            found.append(Conflict(
                "network-policy",
                "K3s's embedded network policy controller still enforces every NetworkPolicy "
                "with its own iptables rules beside Cilium: two engines judge each packet, and "
                "traffic Cilium allows can still be dropped", self.where("disable-network-policy")))
        replacement = str(cilium.get("kubeProxyReplacement", "false")).lower() in ("true",
                                                                                  "strict")
        if replacement and self.runs("kube-proxy"):
            found.append(Conflict(
                "kube-proxy",
                "kube-proxy still writes iptables rules for every Service while Cilium's "
                "kube-proxy replacement handles Services in eBPF: two datapaths for one "
                "Service", self.where("disable-kube-proxy")))
        if not replacement and not self.runs("kube-proxy") and not self.fatal:
            found.append(Conflict(
                "kube-proxy",
                "kube-proxy is disabled but Cilium does not replace it (kubeProxyReplacement is "
                "off): no one implements ClusterIPs, so every Service is unreachable",
                self.where("disable-kube-proxy")))
        return found


def as_list(value: Any) -> list[Any]:
    """A flag value as a list (a repeatable flag may be one string or a YAML list)."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]
