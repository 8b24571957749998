"""Label selectors and Kubernetes names, as the API server and the controllers read them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

DNS_LABEL_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS_SUBDOMAIN_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
# IANA_SVC_NAME: a named port (validation.IsValidPortName in Kubernetes).
PORT_NAME_RE = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")


def label_value(value: Any) -> str:
    """A label value as the API server stores it (YAML may have read `version: 2` as a number)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def labels_of(value: Any) -> dict[str, str]:
    """A labels mapping as plain strings."""
    if not isinstance(value, Mapping):
        return {}
    return {str(k): label_value(v) for k, v in value.items()}


def map_selector_matches(selector: Any, labels: Mapping[str, str]) -> bool:
    """A Service-style selector: every key=value present. An empty selector matches nothing."""
    wanted = labels_of(selector)
    return bool(wanted) and all(labels.get(k) == v for k, v in wanted.items())


def label_selector_matches(selector: Any, labels: Mapping[str, str], empty_matches: bool) -> bool:
    """A metav1.LabelSelector (matchLabels and matchExpressions); all requirements must hold.

    An empty selector matches everything where the API says so (NetworkPolicy podSelector: {})
    and nothing elsewhere: `empty_matches` says which.
    """
    if not isinstance(selector, Mapping):
        return empty_matches if selector is None or selector == {} else False
    match_labels = labels_of(selector.get("matchLabels"))
    expressions = selector.get("matchExpressions") or []
    if not match_labels and not expressions:
        return empty_matches
    if any(labels.get(k) != v for k, v in match_labels.items()):
        return False
    for expression in expressions if isinstance(expressions, list) else []:
        if not expression_matches(expression, labels):
            return False
    return True


def expression_matches(expression: Any, labels: Mapping[str, str]) -> bool:
    """One matchExpressions entry: In, NotIn, Exists, DoesNotExist."""
    if not isinstance(expression, Mapping):
        return False
    key = str(expression.get("key", ""))
    operator = str(expression.get("operator", ""))
    values = [label_value(v) for v in expression.get("values") or []]
    if operator == "In":
        return key in labels and labels[key] in values
    if operator == "NotIn":
        return key not in labels or labels[key] not in values
    if operator == "Exists":
        return key in labels
    if operator == "DoesNotExist":
        return key not in labels
    return False


def is_port_name(value: str) -> bool:
    """A valid IANA_SVC_NAME: 1-15 lowercase letters, digits, '-', with at least one letter."""
    return (
        len(value) <= 15 and bool(PORT_NAME_RE.match(value)) and "--" not in value
        and any(c.isalpha() for c in value)
    )


def is_dns_label(value: str) -> bool:
    """An RFC 1123 label (Service and Namespace names): lowercase, digits, '-', <= 63."""
    return len(value) <= 63 and bool(DNS_LABEL_RE.match(value))


def is_dns_subdomain(value: str) -> bool:
    """An RFC 1123 subdomain (most object names): labels joined by dots, <= 253."""
    return len(value) <= 253 and bool(DNS_SUBDOMAIN_RE.match(value))
