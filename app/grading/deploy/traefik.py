"""Traefik's Docker provider in the model: labels -> routers, services, middlewares; requests.

    proxy = Proxy(entrypoints={"http": 80, "https": 443}, resolvers={"letsencrypt"})
    proxy.add("web", labels, backend)   # backend: get(path, port) -> HttpResult; ports()
    proxy.request("https://shop.example.com/")   # Response(status, container, port, trace)

Rules are parsed like Traefik v3 parses them: matchers Host, HostRegexp, Path, PathPrefix,
PathRegexp, Method, Header, Query, ClientIP, joined with &&, || and !, values in backticks or
double quotes (single quotes are refused). The router with the highest priority wins (by
default the length of its rule). A router without TLS serves plain HTTP only; one with TLS
serves HTTPS only, with a certificate from its resolver (HTTP-01 needs port 80 reachable), or
Traefik's self-signed default certificate, which browsers refuse.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from .trace import Outcome
from .trace import Trace

# Traefik v3 matchers and how many values each takes (least, most).
MATCHERS: dict[str, tuple[int, int]] = {
    "Header": (2, 2), "HeaderRegexp": (2, 2), "Host": (1, 1), "HostRegexp": (1, 1),
    "Method": (1, 1), "Path": (1, 1), "PathPrefix": (1, 1), "PathRegexp": (1, 1),
    "Query": (1, 2), "QueryRegexp": (1, 2), "ClientIP": (1, 1),
}
V2_MATCHERS = {"Headers": "Header", "HeadersRegexp": "HeaderRegexp"}
TOKEN_RE = re.compile(
    r"\s*(?:(?P<op>&&|\|\||!)|(?P<paren>[(),])|(?P<ident>[A-Za-z][A-Za-z0-9]*)"
    r"|`(?P<tick>[^`]*)`|\"(?P<quote>(?:[^\"\\]|\\.)*)\"|(?P<single>')|(?P<other>\S))"
)


class RuleError(Exception):
    """A rule Traefik refuses (the router is then not created).

    `what` says what is wrong; `fix`, when there is one, what to write instead. str() gives
    both, for the readers of one line (the Kubernetes checker); an exercise shows `what`.
    """

    def __init__(self, what: str, fix: str = "") -> None:
        super().__init__(f"{what}; {fix}" if fix else what)
        self.what = what
        self.fix = fix


@dataclass
class Matcher:
    name: str
    args: list[str]


@dataclass
class Node:
    op: str  # "and", "or", "not", "match"
    children: list[Any] = field(default_factory=list)
    matcher: Matcher | None = None


def tokenize(rule: str) -> list[tuple[str, str]]:
    """The rule's tokens (kind, text); RuleError for what Traefik cannot even read."""
    bare = re.search(r"\b([A-Za-z]+)\(\s*(?![`\"'\s)])", rule)
    if bare:
        name = bare.group(1)
        raise RuleError(f"{name}(...) has a value that is not in backticks or quotes",
                        f"write it in backticks, e.g. {name}(`app.example.com`)")
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(rule):
        match = TOKEN_RE.match(rule, position)
        if not match or match.end() == position:
            break
        position = match.end()
        kind = match.lastgroup or ""
        if kind == "single":
            raise RuleError("a value is in single quotes, and single quotes are not accepted",
                            "write values in backticks (`app.example.com`) or double quotes")
        if kind == "other":
            if match.group("other") == "`":
                raise RuleError("a backtick is not closed")
            raise RuleError(f"unexpected character '{match.group('other')}' in the rule")
        text = match.group(kind)
        if kind == "quote":
            text = text.replace('\\"', '"')
        tokens.append(("value" if kind in ("tick", "quote") else kind, text))
    return tokens


class _Parser:
    """Recursive descent over rule tokens: a tree of and/or/not over matchers."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.position = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise RuleError("the rule ends too early (a bracket or a matcher is missing)")
        self.position += 1
        return token

    def expression(self) -> Node:
        left = self.conjunction()
        while self.peek() == ("op", "||"):
            self.take()
            left = Node("or", [left, self.conjunction()])
        return left

    def conjunction(self) -> Node:
        left = self.term()
        while self.peek() == ("op", "&&"):
            self.take()
            left = Node("and", [left, self.term()])
        return left

    def term(self) -> Node:
        kind, text = self.take()
        if text == "!" and kind == "op":
            return Node("not", [self.term()])
        if text == "(" and kind == "paren":
            inner = self.expression()
            if self.take()[1] != ")":
                raise RuleError("a '(' is not closed")
            return inner
        if kind == "ident":
            if self.take()[1] != "(":
                raise RuleError(f"{text} is not followed by (`value`)")
            values = []
            while True:
                kind, value = self.take()
                if kind != "value":
                    raise RuleError(f"{text}(...) holds a value that is not in backticks",
                                    f"write it as {text}(`value`)")
                values.append(value)
                separator = self.take()[1]
                if separator == ")":
                    break
                if separator != ",":
                    raise RuleError(f"{text}(...): values are separated by commas")
            return Node("match", matcher=Matcher(text, values))
        if text in ("&&", "||"):
            raise RuleError(f"'{text}' needs a matcher on both sides")
        raise RuleError(f"expected a matcher such as Host(`...`), found '{text}'")


def read_rule(rule: str) -> Node:
    """The rule's syntax tree (any matcher name); RuleError when it cannot be read."""
    if not isinstance(rule, str) or not rule.strip():
        raise RuleError("the rule is empty", "write e.g. Host(`app.example.com`)")
    tokens = tokenize(rule)
    parser = _Parser(tokens)
    tree = parser.expression()
    if parser.position < len(tokens):
        raise RuleError(f"unexpected '{tokens[parser.position][1]}' after a complete rule")
    return tree


def matchers_of(node: Node) -> list[Matcher]:
    """The matchers of a tree, left to right."""
    if node.op == "match" and node.matcher is not None:
        return [node.matcher]
    return [m for child in node.children for m in matchers_of(child)]


def problems_of(rule: Any) -> list[tuple[str, bool, str]]:
    """(message, refused, fix) for each problem: refused ones keep Traefik from creating the
    router; the others are accepted but can never match. The fix may be empty."""
    from ..manifests import host_problem
    from ..manifests import nearest

    try:
        tree = read_rule(rule)
    except RuleError as exc:
        return [(exc.what, True, exc.fix)]
    problems = []
    for matcher in matchers_of(tree):
        name, values = matcher.name, matcher.args
        if name in V2_MATCHERS:
            problems.append((f"{name}() is Traefik v2 syntax, which v3 does not know", True,
                             f"v3 calls it {V2_MATCHERS[name]}()"))
            continue
        if name not in MATCHERS:
            guess = nearest(name, MATCHERS)
            problems.append((f"{name}() is not a Traefik matcher", True,
                             f"did you mean {guess}()?" if guess else ""))
            continue
        low, high = MATCHERS[name]
        if not low <= len(values) <= high:
            if len(values) > high and high == 1:
                problems.append((
                    f"{name}() takes one value in Traefik v3 ({len(values)} given, which was v2 "
                    f"syntax; one host per Host())", True,
                    "combine them: " + " || ".join(f"{name}(`{v}`)" for v in values)))
            else:
                problems.append((f"{name}() takes {low if low == high else f'{low}-{high}'} "
                                 f"values, not {len(values)}", True, ""))
            continue
        value = values[0]
        if name == "Host":
            problem = host_problem(value)
            if problem:
                problems.append((f"Host(`{value}`): the host {problem}", False, ""))
        elif name in ("Path", "PathPrefix") and not value.startswith("/"):
            problems.append((f"{name}(`{value}`) must start with '/'", True, ""))
        elif name == "HostRegexp" and "{" in value and ":" in value:
            problems.append((
                f"HostRegexp(`{value}`) uses v2's {{name:regexp}} form, which v3 reads as a "
                "plain Go regular expression", False,
                "write a plain regular expression such as ^.+\\.example\\.com$"))
    return problems


def port_problem(value: Any) -> str | None:
    """Why Traefik cannot send requests to this loadbalancer.server.port (None when it can).

    Traefik joins the value to the container's address as the server URL
    (http://<ip>:<port>); anything but a port number makes no usable server.
    """
    text = str(value)
    if not text.isascii() or not text.isdigit():
        return f"'{text}' is not a port number"
    if not 0 < int(text) < 65536:
        return f"{text} is not a port (ports go from 1 to 65535)"
    return None


def rule_problems(rule: Any) -> list[str]:
    """Every problem with a Traefik v3 router rule, in plain words (empty when it reads well).

    The one reader of rules for the compose and Kubernetes checkers and the routing model:
    syntax (quotes, brackets), unknown matchers, v2-only forms (several values in one
    matcher, Headers, {name:regex}) and values that cannot match (a scheme in Host).
    """
    return [f"{message}; {fix}" if fix else message for message, _, fix in problems_of(rule)]


def parse_rule(rule: str) -> Node:
    """The rule's tree as Traefik builds the router; RuleError when Traefik refuses it."""
    refused = [(message, fix) for message, refuses, fix in problems_of(rule) if refuses]
    if refused:
        raise RuleError(*refused[0])
    return read_rule(rule)


def matches(node: Node, host: str, path: str, method: str = "GET") -> bool:
    if node.op == "and":
        return all(matches(c, host, path, method) for c in node.children)
    if node.op == "or":
        return any(matches(c, host, path, method) for c in node.children)
    if node.op == "not":
        return not matches(node.children[0], host, path, method)
    matcher = node.matcher
    assert matcher is not None
    value = matcher.args[0]
    if matcher.name == "Host":
        return host.lower() == value.lower()
    if matcher.name == "HostRegexp":
        return re.fullmatch(value, host) is not None
    if matcher.name == "Path":
        return path == value
    if matcher.name == "PathPrefix":
        return path.startswith(value)
    if matcher.name == "PathRegexp":
        return re.match(value, path) is not None
    if matcher.name == "Method":
        return method.upper() == value.upper()
    return False


@dataclass
class Router:
    name: str
    container: str
    rule: str = ""
    entrypoints: list[str] | None = None
    tls: bool = False
    certresolver: str = ""
    middlewares: list[str] = field(default_factory=list)
    service: str = ""
    priority: int | None = None
    tree: Node | None = None
    error: str = ""

    def effective_priority(self) -> int:
        return self.priority if self.priority is not None else len(self.rule)


@dataclass
class Response:
    """What the browser gets for a request through Traefik."""

    status: int | None
    container: str = ""
    port: int = 0
    location: str = ""
    reason: str = ""
    trace: Trace = field(default_factory=Trace)

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    def outcome(self) -> Outcome:
        return Outcome(self.ok, self.reason, self.trace)

    def explain(self) -> str:
        return self.outcome().explain()


class Proxy:
    """Traefik with the Docker provider, as Coolify runs it (entry points http and https)."""

    def __init__(self, entrypoints: dict[str, int] | None = None,
                 resolvers: set[str] | None = None, open_ports: set[int] | None = None,
                 exposed_by_default: bool = False) -> None:
        self.entrypoints = entrypoints or {"http": 80, "https": 443}
        self.resolvers = resolvers if resolvers is not None else {"letsencrypt"}
        self.open_ports = open_ports if open_ports is not None else {22, 80, 443}
        self.exposed_by_default = exposed_by_default
        self.routers: list[Router] = []
        self.services: dict[str, tuple[str, int | None]] = {}  # name -> (container, port)
        self.bad_ports: dict[str, str] = {}  # service name -> why its port label is unusable
        self.middlewares: dict[str, dict[str, str]] = {}
        self.backends: dict[str, Any] = {}
        self.notes: list[str] = []

    def add(self, container: str, labels: dict[str, str], backend: Any) -> None:
        """Read one container's labels (backend answers get(path, port) and has ports())."""
        self.backends[container] = backend
        enabled = labels.get("traefik.enable", "").lower()
        if enabled != "true" and not (self.exposed_by_default and enabled != "false"):
            if any(k.startswith("traefik.") for k in labels):
                self.notes.append(f"'{container}' has Traefik labels but no "
                                  "traefik.enable=true, so Coolify's Traefik ignores it")
            return
        routers: dict[str, Router] = {}
        services: dict[str, int | None] = {}
        for key, value in labels.items():
            parts = key.split(".")
            if len(parts) < 5 or parts[0] != "traefik" or parts[1] != "http":
                continue
            section, name, rest = parts[2], parts[3], ".".join(parts[4:])
            if section == "routers":
                router = routers.setdefault(name, Router(name, container))
                if rest == "rule":
                    router.rule = value
                elif rest == "entrypoints":
                    router.entrypoints = [e.strip() for e in value.split(",") if e.strip()]
                elif rest == "tls":
                    router.tls = value.lower() == "true"
                elif rest == "tls.certresolver":
                    router.certresolver = value
                    router.tls = True
                elif rest.startswith("tls."):
                    router.tls = True
                elif rest == "middlewares":
                    router.middlewares = [m.strip() for m in value.split(",") if m.strip()]
                elif rest == "service":
                    router.service = value
                elif rest == "priority":
                    router.priority = int(value) if value.strip().lstrip("-").isdigit() else 0
            elif section == "services":
                services.setdefault(name, None)
                if rest == "loadbalancer.server.port":
                    problem = port_problem(value)
                    services[name] = None if problem else int(value)
                    if problem:
                        self.bad_ports[name] = problem
            elif section == "middlewares":
                self.middlewares.setdefault(name, {})[rest] = value
        for name, port in services.items():
            self.services[name] = (container, port)
        for router in routers.values():
            if not router.rule:
                router.error = "it has no rule"
            else:
                try:
                    router.tree = parse_rule(router.rule)
                except RuleError as exc:
                    router.error = f"Traefik refuses its rule {router.rule}: {exc.what}"
            if not router.service:
                if len(services) == 1:
                    router.service = next(iter(services))
                elif not services:
                    router.service = f"{container}-auto"
                    self.services.setdefault(router.service, (container, None))
                else:
                    router.error = (f"it names no service, and '{container}' defines several "
                                    f"({', '.join(services)}), so Traefik cannot pick one")
            self.routers.append(router)

    def service_port(self, service: str, trace: Trace) -> tuple[str, int | None]:
        container, port = self.services.get(service.split("@")[0], ("", None))
        if not container:
            trace.add(f"service '{service}' does not exist")
            return "", None
        if port is not None:
            trace.add(f"service '{service}': port {port} from loadbalancer.server.port")
            return container, port
        bad = self.bad_ports.get(service.split("@")[0])
        if bad:
            # The label is there, so Traefik does not fall back to the exposed ports.
            trace.add(f"service '{service}': loadbalancer.server.port {bad}, so Traefik "
                      "cannot build the server's address and the service has no server")
            return container, None
        ports = self.backends[container].ports()
        if not ports:
            trace.add(f"'{container}' exposes no port and no loadbalancer.server.port label "
                      "says which one to use: Traefik skips it (port is missing)")
            return container, None
        if len(ports) > 1:
            trace.add(f"'{container}' exposes {ports}: Traefik uses the lowest, {ports[0]}")
        else:
            trace.add(f"'{container}' exposes port {ports[0]}: Traefik uses it")
        return container, ports[0]

    def request(self, url: str, follow: bool = True, hops: int = 0) -> Response:
        """What a browser gets for this URL (redirects followed)."""
        trace = Trace()
        for note in self.notes:
            trace.add(note)
        parts = urllib.parse.urlsplit(url)
        scheme, host, path = parts.scheme, (parts.hostname or ""), parts.path or "/"
        port = parts.port or (443 if scheme == "https" else 80)
        if port not in self.open_ports:
            trace.add(f"the firewall blocks port {port}")
            return Response(None, reason=f"port {port} is closed on the server", trace=trace)
        entry = next((e for e, p in self.entrypoints.items() if p == port), None)
        if entry is None:
            trace.add(f"Traefik has no entry point on port {port}")
            return Response(None, reason=f"nothing listens on port {port}", trace=trace)
        trace.add(f"{scheme}://{host}{path} arrives on entry point '{entry}' (:{port})")
        candidates = []
        for router in self.routers:
            label = f"router '{router.name}' ({router.container})"
            if router.entrypoints is not None and entry not in router.entrypoints:
                unknown = [e for e in router.entrypoints if e not in self.entrypoints]
                if unknown:
                    trace.add(f"{label} listens on entry point {unknown[0]}, which does not "
                              f"exist (Coolify's entry points are called "
                              f"{' and '.join(self.entrypoints)})")
                continue
            if router.error:
                trace.add(f"{label} is not created: {router.error}")
                continue
            if (scheme == "https") != router.tls:
                continue
            if router.tree is not None and matches(router.tree, host, path):
                missing = [m for m in router.middlewares
                           if m.split("@")[0] not in self.middlewares and not m.endswith("@file")]
                if missing:
                    trace.add(f"{label} uses middleware '{missing[0]}', which is not defined: "
                              "Traefik drops the router")
                    continue
                candidates.append(router)
        if not candidates:
            trace.add(f"no router matches {host}{path} on '{entry}'")
            return Response(404, reason=f"Traefik answers 404 page not found for "
                                        f"{scheme}://{host}{path}", trace=trace)
        candidates.sort(key=lambda r: -r.effective_priority())
        router = candidates[0]
        others = [r.name for r in candidates[1:]]
        trace.add(f"router '{router.name}' matches (rule {router.rule}, priority "
                  f"{router.effective_priority()})" + (f"; it beats {others}" if others else ""))
        if scheme == "https":
            if not router.certresolver:
                trace.add("the router has TLS but no certresolver: Traefik serves its default "
                          "self-signed certificate")
                return Response(None, reason="the browser refuses Traefik's self-signed "
                                             "certificate (no certresolver on the router)",
                                trace=trace)
            if router.certresolver not in self.resolvers:
                trace.add(f"certificate resolver '{router.certresolver}' does not exist "
                          f"(Coolify's is {', '.join(sorted(self.resolvers))})")
                return Response(None, reason="no trusted certificate: unknown resolver",
                                trace=trace)
            if 80 not in self.open_ports or "http" not in self.entrypoints:
                trace.add("Let's Encrypt's HTTP-01 challenge comes on port 80, which is "
                          "closed: no certificate is issued")
                return Response(None, reason="no certificate: HTTP-01 needs port 80",
                                trace=trace)
            trace.add(f"certificate for {host} from '{router.certresolver}' (HTTP-01 on :80)")
        path_forwarded = path
        for middleware in router.middlewares:
            conf = self.middlewares.get(middleware.split("@")[0], {})
            if "redirectscheme.scheme" in conf:
                target_scheme = conf["redirectscheme.scheme"]
                permanent = conf.get("redirectscheme.permanent", "false") == "true"
                location = f"{target_scheme}://{host}{path}"
                status = 308 if permanent else 302
                trace.add(f"middleware '{middleware}' redirects to {location} ({status})")
                if follow and hops < 5 and location != url:
                    nxt = self.request(location, follow, hops + 1)
                    trace.extend(nxt.trace)
                    return Response(nxt.status, nxt.container, nxt.port, location,
                                    nxt.reason, trace)
                return Response(status, location=location, reason="redirect", trace=trace)
            for key, value in conf.items():
                if key == "stripprefix.prefixes":
                    for prefix in value.split(","):
                        if path_forwarded.startswith(prefix.strip()):
                            path_forwarded = path_forwarded[len(prefix.strip()):] or "/"
                            trace.add(f"middleware '{middleware}' strips {prefix.strip()}")
                            break
                if key.startswith("basicauth."):
                    trace.add(f"middleware '{middleware}' asks for a password")
                    return Response(401, reason="401: basic auth", trace=trace)
        container, port = self.service_port(router.service, trace)
        if not container or port is None:
            return Response(404, reason="Traefik has no server for this router", trace=trace)
        backend = self.backends[container]
        if not backend.healthy_for_proxy(trace):
            return Response(404, container, port, reason=f"'{container}' is unhealthy, so "
                            "Traefik takes it out: no available server", trace=trace)
        result = backend.get(path_forwarded, port)
        trace.extend(result.trace)
        if result.status is None:
            return Response(502, container, port,
                            reason=f"502 Bad Gateway: Traefik cannot connect to '{container}' "
                                   f"on port {port} ({result.error})", trace=trace)
        return Response(result.status, container, port,
                        reason=f"{result.status} from '{container}' port {port}", trace=trace)
