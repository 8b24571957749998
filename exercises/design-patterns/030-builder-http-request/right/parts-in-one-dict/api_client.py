"""Requests to the partner API, put together step by step by a RequestBuilder."""

from __future__ import annotations

import json
from dataclasses import dataclass
from dataclasses import field
from typing import Any

API = "https://api.partner.test/v2"


@dataclass(frozen=True)
class Request:
    """What the HTTP layer sends. Keep this class exactly as it is."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    timeout: float = 10.0


class RequestBuilder:
    """Keeps every part in one dict until build() makes the Request."""

    def __init__(self) -> None:
        self._parts: dict[str, Any] = {"headers": {}, "params": {}, "body": None, "timeout": 10.0}

    def _set(self, **parts: Any) -> RequestBuilder:
        self._parts.update(parts)
        return self

    def get(self, url: str) -> RequestBuilder:
        return self._set(method="GET", url=url)

    def post(self, url: str) -> RequestBuilder:
        return self._set(method="POST", url=url)

    def with_header(self, name: str, value: str) -> RequestBuilder:
        self._parts["headers"][name] = value
        return self

    def with_param(self, name: str, value: Any) -> RequestBuilder:
        self._parts["params"][name] = str(value)
        return self

    def with_bearer_token(self, token: str) -> RequestBuilder:
        return self.with_header("Authorization", "Bearer " + token)

    def with_json_body(self, data: Any) -> RequestBuilder:
        self.with_header("Content-Type", "application/json")
        return self._set(body=json.dumps(data).encode())

    def with_timeout(self, seconds: float) -> RequestBuilder:
        if not seconds > 0:
            raise ValueError("the timeout must be positive")
        return self._set(timeout=seconds)

    def build(self) -> Request:
        parts = self._parts
        if not parts.get("method") or not parts.get("url"):
            raise ValueError("call get(url) or post(url) before build()")
        if parts["method"] == "GET" and parts["body"] is not None:
            raise ValueError("GET requests have no body")
        return Request(
            method=parts["method"],
            url=parts["url"],
            headers=dict(parts["headers"]),
            params=dict(parts["params"]),
            body=parts["body"],
            timeout=parts["timeout"],
        )


def search_request(term: str, page: int) -> Request:
    """Search the catalogue; the partner is slow on searches, so wait 5 s at most."""
    return (
        RequestBuilder()
        .get(f"{API}/search")
        .with_param("q", term)
        .with_param("page", page)
        .with_timeout(5.0)
        .build()
    )


def order_request(token: str, sku: str, quantity: int) -> Request:
    """Place an order for `quantity` items of `sku`."""
    return (
        RequestBuilder()
        .post(f"{API}/orders")
        .with_bearer_token(token)
        .with_json_body({"sku": sku, "quantity": quantity})
        .build()
    )


if __name__ == "__main__":
    print(search_request("lamp", 2))
    print(order_request("t0k3n", "LAMP-01", 2))
