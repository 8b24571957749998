"""Traefik's router rule language: Host(`a`) && (PathPrefix(`/api`) || Path("/x"))."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

TOKEN_RE = re.compile(r"""\s*(?:(&&|\|\||!|\(|\)|,)|(`[^`]*`|"(?:[^"\\]|\\.)*")|([A-Za-z]+))""")


class RuleError(ValueError):
    """A rule Traefik cannot parse (the router is not created)."""


@dataclass
class Request:
    """What a rule sees of a request."""

    host: str
    path: str
    method: str = "GET"
    headers: Mapping[str, str] | None = None


def tokenize(rule: str) -> list[tuple[str, str]]:
    """(type, text) tokens: op, str, name."""
    tokens, pos = [], 0
    rule = rule.strip()
    while pos < len(rule):
        match = TOKEN_RE.match(rule, pos)
        if not match or match.end() == pos:
            raise RuleError(f"cannot read the rule at '{rule[pos:pos + 20]}'")
        if match.group(1):
            tokens.append(("op", match.group(1)))
        elif match.group(2):
            tokens.append(("str", match.group(2)[1:-1]))
        else:
            tokens.append(("name", match.group(3)))
        pos = match.end()
        while pos < len(rule) and rule[pos].isspace():
            pos += 1
    return tokens


class RuleParser:
    """A recursive-descent parser: or-expr := and-expr (|| and-expr)*; and := unary (&& unary)*."""

    def __init__(self, rule: str) -> None:
        self.tokens = tokenize(rule)
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise RuleError("the rule ends too early")
        self.pos += 1
        return token

    def parse(self) -> tuple:
        node = self.or_expr()
        if self.peek() is not None:
            raise RuleError(f"unexpected '{self.peek()[1]}'")
        return node

    def or_expr(self) -> tuple:
        node = self.and_expr()
        while self.peek() == ("op", "||"):
            self.take()
            node = ("or", node, self.and_expr())
        return node

    def and_expr(self) -> tuple:
        node = self.unary()
        while self.peek() == ("op", "&&"):
            self.take()
            node = ("and", node, self.unary())
        return node

    def unary(self) -> tuple:
        token = self.take()
        if token == ("op", "!"):
            return ("not", self.unary())
        if token == ("op", "("):
            node = self.or_expr()
            if self.take() != ("op", ")"):
                raise RuleError("a '(' is not closed")
            return node
        if token[0] != "name":
            raise RuleError(f"expected a matcher such as Host(...), found '{token[1]}'")
        if self.take() != ("op", "("):
            raise RuleError(f"{token[1]} needs its arguments in ( )")
        args = []
        while True:
            arg = self.take()
            if arg[0] != "str":
                raise RuleError(f"{token[1]}: arguments are quoted with ` or \", found "
                                f"'{arg[1]}'")
            args.append(arg[1])
            nxt = self.take()
            if nxt == ("op", ")"):
                break
            if nxt != ("op", ","):
                raise RuleError(f"{token[1]}: expected ',' or ')'")
        return ("call", token[1], args)


MATCHERS = ("Host", "HostRegexp", "Path", "PathPrefix", "PathRegexp", "Method", "Header",
            "HeaderRegexp", "Query", "QueryRegexp", "ClientIP", "HostSNI")


def parse_rule(rule: str) -> tuple:
    """The rule's syntax tree, or RuleError."""
    tree = RuleParser(rule).parse()
    check_names(tree)
    return tree


def check_names(node: tuple) -> None:
    """Every matcher is one Traefik v3 knows."""
    if node[0] == "call":
        if node[1] not in MATCHERS:
            raise RuleError(f"unknown matcher {node[1]} (Traefik v3 knows {', '.join(MATCHERS)})")
        return
    for child in node[1:]:
        check_names(child)


def evaluate(node: tuple, request: Request) -> bool:
    """Does the request match the rule?"""
    kind = node[0]
    if kind == "or":
        return evaluate(node[1], request) or evaluate(node[2], request)
    if kind == "and":
        return evaluate(node[1], request) and evaluate(node[2], request)
    if kind == "not":
        return not evaluate(node[1], request)
    name, args = node[1], node[2]
    host = request.host.lower()
    headers = {k.lower(): v for k, v in (request.headers or {}).items()}
    if name == "Host":
        return any(host == a.lower() for a in args)
    if name == "HostRegexp":
        return any(re.fullmatch(a, host) for a in args)
    if name == "Path":
        return request.path in args
    if name == "PathPrefix":
        return any(request.path.startswith(a) for a in args)
    if name == "PathRegexp":
        return any(re.match(a, request.path) for a in args)
    if name == "Method":
        return request.method.upper() in [a.upper() for a in args]
    if name == "Header":
        return len(args) == 2 and headers.get(args[0].lower()) == args[1]
    if name == "HeaderRegexp":
        return len(args) == 2 and bool(re.fullmatch(args[1], headers.get(args[0].lower(), "")))
    return False
