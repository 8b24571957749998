"""Requests to the partner API, made by one function with a long list of arguments."""

import json
from dataclasses import dataclass
from dataclasses import field

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


def make_request(method, url, headers=None, params=None, body=None, timeout=10.0,
                 token=None, json_data=None):
    headers = dict(headers or {})
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if json_data is not None:
        body = json.dumps(json_data).encode()
        headers["Content-Type"] = "application/json"
    return Request(method, url, headers, dict(params or {}), body, timeout)


def search_request(term, page):
    """Search the catalogue; the partner is slow on searches, so wait 5 s at most."""
    return make_request("GET", f"{API}/search", {"q": term, "page": str(page)}, None, None, 5.0)


def order_request(token, sku, quantity):
    """Place an order for `quantity` items of `sku`."""
    return make_request("POST", f"{API}/orders", None, None, None, 10.0, token,
                        {"sku": sku, "quantity": quantity})


if __name__ == "__main__":
    print(search_request("lamp", 2))
    print(order_request("t0k3n", "LAMP-01", 2))
