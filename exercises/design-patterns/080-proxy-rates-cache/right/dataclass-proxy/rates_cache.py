"""A caching proxy in front of the exchange-rate provider, as a dataclass."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from pricing import price_list
from rates_api import RemoteRates


@dataclass
class CachingRates:
    service: Any
    ttl: float = 60.0
    clock: Callable[[], float] = time.monotonic
    _memory: dict = field(default_factory=dict, repr=False)

    def _fresh(self, key):
        entry = self._memory.get(key)
        if entry is not None and self.clock() < entry[0]:
            return entry
        return None

    def _keep(self, key, answer, asked_at):
        self._memory[key] = (asked_at + self.ttl, answer)
        return answer

    def rate(self, base, quote):
        key = ("rate", base, quote)
        entry = self._fresh(key)
        if entry:
            return entry[1]
        asked_at = self.clock()
        return self._keep(key, self.service.rate(base, quote), asked_at)

    def currencies(self):
        entry = self._fresh("currencies")
        if entry:
            return entry[1]
        asked_at = self.clock()
        return self._keep("currencies", self.service.currencies(), asked_at)


if __name__ == "__main__":
    rates = CachingRates(RemoteRates({("EUR", "USD"): 1.08}), ttl=60)
    print(price_list(rates, {"mug": 12.0}, "USD"))
