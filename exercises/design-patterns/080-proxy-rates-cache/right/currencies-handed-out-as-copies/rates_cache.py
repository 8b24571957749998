"""A caching proxy in front of the exchange-rate provider."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from pricing import price_list
from rates_api import RemoteRates


@dataclass
class _Entry:
    value: Any
    expires_at: float


@dataclass
class CachingRates:
    service: Any
    ttl: float = 60.0
    clock: Callable[[], float] = time.monotonic
    _rates: dict = field(default_factory=dict, repr=False)
    _currencies: _Entry | None = field(default=None, repr=False)

    def rate(self, base, quote):
        entry = self._rates.get((base, quote))
        if entry is None or self.clock() >= entry.expires_at:
            value = self.service.rate(base, quote)
            entry = _Entry(value, self.clock() + self.ttl)
            self._rates[(base, quote)] = entry
        return entry.value

    def currencies(self):
        if self._currencies is None or self.clock() >= self._currencies.expires_at:
            value = self.service.currencies()
            self._currencies = _Entry(list(value), self.clock() + self.ttl)
        return list(self._currencies.value)


if __name__ == "__main__":
    remote = RemoteRates({("EUR", "USD"): 1.08, ("EUR", "GBP"): 0.86})
    catalogue = {"mug": 12.0, "lamp": 89.0, "poster": 8.5}
    rates = CachingRates(remote)
    for _page_view in range(3):
        print(price_list(rates, catalogue, "USD"))
    print("requests paid for:", remote.requests)

