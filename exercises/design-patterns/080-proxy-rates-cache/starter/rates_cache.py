"""A caching proxy in front of the exchange-rate provider. Not written yet."""

import time  # noqa: F401  (time.monotonic is a good default clock)

from pricing import price_list
from rates_api import RemoteRates


class CachingRates:
    """Stands in for a RemoteRates and remembers its answers for `ttl` seconds."""


if __name__ == "__main__":
    remote = RemoteRates({("EUR", "USD"): 1.08, ("EUR", "GBP"): 0.86})
    catalogue = {"mug": 12.0, "lamp": 89.0, "poster": 8.5}
    rates = remote  # the page asks the provider directly: put your proxy here instead
    for _page_view in range(3):
        print(price_list(rates, catalogue, "USD"))
    print("requests paid for:", remote.requests)
