"""Requests to the partner API, put together step by step by a RequestBuilder."""

from __future__ import annotations

import json
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
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
    """Collects the parts of a request in any order; build() checks them and makes a Request."""

    def __init__(self) -> None:
        self._method: str | None = None
        self._url: str | None = None
        self._headers: dict[str, str] = {}
        self._params: dict[str, str] = {}
        self._body: bytes | None = None
        self._timeout = 10.0

    def get(self, url: str) -> RequestBuilder:
        self._method, self._url = "GET", url
        return self

    def post(self, url: str) -> RequestBuilder:
        self._method, self._url = "POST", url
        return self

    def with_header(self, name: str, value: str) -> RequestBuilder:
        self._headers[name] = value
        return self

    def with_param(self, name: str, value: Any) -> RequestBuilder:
        self._params[name] = str(value)
        return self

    def with_bearer_token(self, token: str) -> RequestBuilder:
        return self.with_header("Authorization", f"Bearer {token}")

    def with_json_body(self, data: Any) -> RequestBuilder:
        self._body = json.dumps(data).encode()
        return self.with_header("Content-Type", "application/json")

    def with_timeout(self, seconds: float) -> RequestBuilder:
        if seconds <= 0:
            raise ValueError(f"a timeout must be more than 0 seconds, not {seconds}")
        self._timeout = seconds
        return self

    def build(self) -> Request:
        # Only here is every part known, so the rules that involve several parts live here.
        if self._method is None or self._url is None:
            raise ValueError("a request needs a method and a URL: call get(url) or post(url)")
        if self._method == "GET" and self._body is not None:
            raise ValueError("a GET request cannot carry a body")
        return Request(
            method=self._method,
            url=self._url,
            headers=dict(self._headers),  # copies: later steps must not change this request
            params=dict(self._params),
            body=self._body,
            timeout=self._timeout,
        )


# Built once by the builder; each call copies it with its own parts (cheaper than building).
_SEARCH = RequestBuilder().get(f"{API}/search").with_timeout(5.0).build()
_ORDER = (
    RequestBuilder()
    .post(f"{API}/orders")
    .with_header("Content-Type", "application/json")
    .build()
)


def search_request(term: str, page: int) -> Request:
    """Search the catalogue; the partner is slow on searches, so wait 5 s at most."""
    return replace(_SEARCH, params={"q": term, "page": str(page)})


def order_request(token: str, sku: str, quantity: int) -> Request:
    """Place an order for `quantity` items of `sku`."""
    return replace(
        _ORDER,
        headers={**_ORDER.headers, "Authorization": f"Bearer {token}"},
        body=json.dumps({"sku": sku, "quantity": quantity}).encode(),
    )


if __name__ == "__main__":
    print(search_request("lamp", 2))
    print(order_request("t0k3n", "LAMP-01", 2))
