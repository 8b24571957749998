"""Traefik's router rule language: Host(`a`) && (PathPrefix(`/api`) || Path("/x")).

Rules are read by deploy.traefik (the one reader of the compose and Kubernetes checkers and the
routing models); this module names the matchers the cluster's Traefik accepts and evaluates a
rule against a request.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ..deploy import traefik


class RuleError(traefik.RuleError, ValueError):
    """A rule Traefik cannot parse (the router is not created)."""


@dataclass
class Request:
    """What a rule sees of a request."""

    host: str
    path: str
    method: str = "GET"
    headers: Mapping[str, str] | None = None


def as_tree(node: traefik.Node) -> tuple:
    """deploy.traefik's syntax tree as the tuples this module evaluates."""
    if node.op == "match" and node.matcher is not None:
        return ("call", node.matcher.name, list(node.matcher.args))
    if node.op == "not":
        return ("not", as_tree(node.children[0]))
    tree = as_tree(node.children[0])
    for child in node.children[1:]:
        tree = (node.op, tree, as_tree(child))
    return tree


MATCHERS = ("Host", "HostRegexp", "Path", "PathPrefix", "PathRegexp", "Method", "Header",
            "HeaderRegexp", "Query", "QueryRegexp", "ClientIP", "HostSNI")


def parse_rule(rule: str) -> tuple:
    """The rule's syntax tree, or RuleError (read by the one rule reader, deploy.traefik)."""
    try:
        tree = as_tree(traefik.read_rule(rule))
    except traefik.RuleError as exc:
        raise RuleError(str(exc)) from None
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
