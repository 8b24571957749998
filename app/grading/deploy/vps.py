"""A VPS's firewall in the model: ufw commands run in order, then who can reach which port.

    fw = run_ufw(script_text)              # follows `ufw ...` lines (DeployError if unreadable)
    fw.enabled, fw.lockout                 # is it on; did `ufw enable` cut the SSH session?
    fw.reaches(443, source="198.51.100.9") # Outcome: can that address open the port?

ufw keeps rules in the order they were added and applies the first that matches; a packet that
matches none gets the default policy (deny incoming, unless changed). `ufw enable` applies the
rules at once, to the SSH session too. Docker publishes container ports with its own iptables
rules, before ufw's: a port published with `ports:` is reachable whatever ufw says (the
model's `docker_published` argument). Traffic from a container to the host itself (Coolify's
SSH to its own server) is not published: it crosses the host's INPUT chain, which ufw filters.

A rule `on NAME` matches only packets that arrive on that interface. The VPS's public interface
has no name in the exercises: a packet from the internet matches any named interface except
the loopback and Docker's bridges (docker0, br-*, veth*). Addresses in private, loopback and
link-local ranges do not arrive from the internet (providers do not route them).
"""

from __future__ import annotations

import ipaddress
import re
import shlex
from dataclasses import dataclass
from dataclasses import field

from .shell import expand
from .shell import split_script
from .trace import DeployError
from .trace import Outcome
from .trace import Trace

# Ranges no packet from the internet comes from: a rule for them opens nothing to strangers.
NOT_FROM_THE_INTERNET = [ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/3", "::1/128", "fc00::/7", "fe80::/10")]
HOST_SIDE_INTERFACE = re.compile(r"^(lo|docker\d*|docker_gwbridge|br-.*|veth.*)$")

SERVICES = {"ssh": [22], "openssh": [22], "http": [80], "https": [443], "www": [80],
            "www full": [80, 443], "nginx full": [80, 443], "postgresql": [5432]}


@dataclass
class UfwRule:
    """One rule: allow/deny/limit/reject, ports, protocol, the source it accepts."""

    action: str
    ports: list[tuple[int, int]]  # inclusive ranges
    proto: str  # "tcp", "udp" or "any"
    source: str  # "any" or an address / network
    line: int
    interface: str = ""  # `on NAME`: only packets arriving on that interface

    def covers(self, port: int, proto: str) -> bool:
        """Does the rule name this port and protocol (whatever the source)?"""
        return (self.proto in ("any", proto)
                and any(low <= port <= high for low, high in self.ports))

    def arrives_on(self, interface: str | None) -> bool:
        """Does a packet on `interface` (None: the public one, name unknown) match `on NAME`?"""
        if not self.interface:
            return True
        if interface is None:
            return not HOST_SIDE_INTERFACE.match(self.interface)
        return self.interface == interface

    def matches(self, port: int, proto: str, address: str,
                interface: str | None = None) -> bool:
        if not self.covers(port, proto) or not self.arrives_on(interface):
            return False
        if self.source == "any":
            return True
        try:
            return ipaddress.ip_address(address) in ipaddress.ip_network(self.source,
                                                                       strict=False)
        except ValueError:
            return False


@dataclass
class Firewall:
    """The state after the script: rules, defaults, and what enabling did."""

    rules: list[UfwRule] = field(default_factory=list)
    default_incoming: str = "deny"
    enabled: bool = False
    lockout: str = ""  # why the admin's SSH session was cut, if it was
    trace: Trace = field(default_factory=Trace)

    def decide(self, port: int, proto: str, address: str,
                interface: str | None = None) -> tuple[bool, str]:
        if not self.enabled:
            return True, "ufw is not enabled, so it filters nothing"
        elsewhere = []  # rules that would match a packet arriving on another interface
        for rule in self.rules:
            if rule.matches(port, proto, address, interface):
                allowed = rule.action in ("allow", "limit")
                return allowed, f"line {rule.line}: {rule.action} matches first"
            if rule.matches(port, proto, address, rule.interface or None):
                elsewhere.append(f"line {rule.line} only matches packets arriving on "
                                 f"{rule.interface}")
        allowed = self.default_incoming == "allow"
        return allowed, "; ".join([*elsewhere, "no rule matches: the default policy "
                                               f"({self.default_incoming}) applies"])

    def reaches(self, port: int, source: str = "198.51.100.23", proto: str = "tcp",
                docker_published: set[int] | None = None,
                interface: str | None = None) -> Outcome:
        """Can `source` open this port (arriving on `interface`; None: the public one)?"""
        trace = Trace()
        if docker_published and port in docker_published:
            trace.add(f"port {port} is published by Docker, whose iptables rules come before "
                      "ufw's: ufw never sees these packets")
            return Outcome(True, f"port {port} is reachable from anywhere (Docker publishes it)",
                           trace)
        allowed, why = self.decide(port, proto, source, interface)
        arriving = f" (arriving on {interface})" if interface else ""
        trace.add(f"{proto} {source}{arriving} -> port {port}: {why}")
        return Outcome(allowed, f"port {port}/{proto} from {source}: "
                                f"{'open' if allowed else 'blocked'}", trace)

    def internet_sources(self, port: int, proto: str = "tcp") -> list[str]:
        """Internet addresses drawn from every source network a rule for this port names.

        A range such as 10.0.1.0/1 (a mistyped mask) holds far more than its first address:
        probing a few addresses of each part of it shows whether strangers get in."""
        found: list[str] = []
        for rule in self.rules:
            if rule.source == "any" or not rule.covers(port, proto):
                continue
            network = ipaddress.ip_network(rule.source, strict=False)
            parts = network.subnets(new_prefix=8) if network.prefixlen < 8 else [network]
            for part in parts:
                last = part.num_addresses - 1
                for offset in dict.fromkeys((min(1, last), last // 2, max(last - 1, 0), 0,
                                             last)):
                    address = part.network_address + offset
                    if not any(address in private for private in NOT_FROM_THE_INTERNET
                               if private.version == address.version):
                        found.append(str(address))
        return list(dict.fromkeys(found))


def parse_ports(text: str, line: int) -> tuple[list[tuple[int, int]], str]:
    """'22/tcp', '80,443/tcp', '6000:6007/tcp', 'http' -> port ranges and protocol."""
    proto = "any"
    if "/" in text:
        text, proto = text.split("/", 1)
    name = text.lower()
    if name in SERVICES:
        return [(p, p) for p in SERVICES[name]], proto if proto != "any" else "tcp"
    ranges = []
    for part in text.split(","):
        low, _, high = part.partition(":")
        if not low.isdigit() or (high and not high.isdigit()):
            raise DeployError(f"'{text}' is not a port, a port list or an application name",
                              line, "firewall.sh")
        ranges.append((int(low), int(high or low)))
    if any(not 0 < a <= b < 65536 for a, b in ranges):
        raise DeployError(f"'{text}': ports are numbers from 1 to 65535", line, "firewall.sh")
    return ranges, proto


def parse_rule(action: str, args: list[str], line: int) -> UfwRule:
    """`allow 22/tcp`, `allow from 1.2.3.4 to any port 8000 proto tcp`, `allow 'Nginx Full'`."""
    if "from" in args or "port" in args or "proto" in args or "on" in args:
        source, ports, proto, interface = "any", "", "any", ""
        i = 0
        while i < len(args):
            word = args[i]
            value = args[i + 1] if i + 1 < len(args) else ""
            if word == "from":
                source = value
                i += 2
            elif word == "to":
                i += 2
            elif word == "port":
                ports = value
                i += 2
            elif word == "app":  # ufw allow from 1.2.3.4 to any app OpenSSH
                ports = value
                i += 2
            elif word == "proto":
                proto = value
                i += 2
            elif word == "on":  # ufw allow in on docker0 to any port 22
                interface = value
                i += 2
            elif word == "in":
                i += 1
            else:
                i += 1
        if not ports:
            ranges = [(1, 65535)]
        else:
            ranges, _ = parse_ports(ports, line)
        if source != "any":
            try:
                ipaddress.ip_network(source, strict=False)
            except ValueError:
                raise DeployError(f"'{source}' is not an address or a network", line,
                                  "firewall.sh") from None
        return UfwRule(action, ranges, proto, source, line, interface)
    if not args:
        raise DeployError(f"ufw {action} needs a port or an application", line, "firewall.sh")
    ranges, proto = parse_ports(" ".join(args), line)
    return UfwRule(action, ranges, proto, "any", line)


ASSIGNMENT_RE = re.compile(r"^(?:(?:export|readonly)\s+)?([A-Za-z_][A-Za-z0-9_]*)=(\S*)$")


def ufw_commands(text: str) -> list[tuple[int, str]]:
    """(line, command) for each ufw command the shell runs: `yes | ufw enable`, `a && ufw ...`.

    A ufw inside quotes (echo "ufw allow 80") is text, not a command. Variables the script sets
    (`ME=203.0.113.7`) are expanded in the ufw commands after them, as sh does."""
    found = []
    variables: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        for _, command in split_script(raw):
            assignment = ASSIGNMENT_RE.match(command.strip())
            if assignment:
                try:
                    value = "".join(shlex.split(assignment.group(2)))
                except ValueError:
                    value = assignment.group(2)
                if "$(" in value or "`" in value:  # the output of a command: not known
                    variables.pop(assignment.group(1), None)
                else:
                    variables[assignment.group(1)] = expand(value, variables)
                continue
            command = expand(command, variables)
            try:
                first = shlex.split(command)[:2]
            except ValueError:
                first = command.split()[:2]
            if first[:1] == ["sudo"]:
                command, first = command.split(None, 1)[1] if len(first) > 1 else "", first[1:]
            if first[:1] == ["ufw"]:
                found.append((number, command.strip()))
    return found


def run_ufw(text: str, admin: str = "203.0.113.7") -> Firewall:
    """Follow the ufw commands of a script, in order; `admin` is where the SSH session is from."""
    fw = Firewall()
    for number, command_text in ufw_commands(text):
        try:
            words = shlex.split(command_text)[1:]
        except ValueError:
            raise DeployError("unbalanced quotes", number, "firewall.sh") from None
        if "--dry-run" in words:
            # ufw(8): --dry-run only shows what the command would change.
            fw.trace.add(f"line {number}: --dry-run: ufw shows the change and makes none")
            continue
        words = [w for w in words if w not in ("--force", "-f")]
        if "comment" in words:  # ufw allow 8000/tcp comment 'dashboard'
            words = words[:words.index("comment")]
        if not words:
            continue
        command = words[0]
        if command == "reset":
            fw.rules, fw.default_incoming, fw.enabled = [], "deny", False
            fw.trace.add(f"line {number}: reset: no rules, ufw disabled")
            continue
        if command in ("allow", "deny", "reject", "limit") and words[1:2] == ["in"]:
            words = [command, *words[2:]]
        if command == "default" and len(words) >= 2:
            # ufw(8): "ufw default allow|deny|reject [incoming|outgoing|routed]"; no direction
            # means incoming.
            policy = words[1]
            direction = words[2] if len(words) >= 3 else "incoming"
            if direction == "incoming":
                fw.default_incoming = "allow" if policy == "allow" else "deny"
            fw.trace.add(f"line {number}: default {policy} {direction}")
        elif command in ("allow", "deny", "reject", "limit"):
            fw.rules.append(parse_rule(command, words[1:], number))
            fw.trace.add(f"line {number}: {command} {' '.join(words[1:])}")
        elif command == "delete":
            continue
        elif command == "enable":
            fw.enabled = True
            allowed, why = fw.decide(22, "tcp", admin)
            fw.trace.add(f"line {number}: ufw enable; the SSH session from {admin}: {why}")
            if not allowed:
                fw.lockout = (f"line {number}: ufw enable applies the rules at once, and nothing "
                              f"allows port 22 from {admin} at that moment: the SSH session is "
                              "cut and you are locked out of the VPS")
        elif command == "disable":
            fw.enabled = False
        elif command in ("status", "reload", "logging", "show", "app", "version"):
            continue
        elif re.match(r"^\d", command):
            raise DeployError(f"'ufw {command}': start with allow, deny or limit", number,
                              "firewall.sh")
        else:
            raise DeployError(f"'ufw {command}' is not a ufw command", number, "firewall.sh")
    return fw
