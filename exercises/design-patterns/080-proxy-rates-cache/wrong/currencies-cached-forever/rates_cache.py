"""A caching proxy in front of the exchange-rate provider."""

import time

from pricing import price_list
from rates_api import RemoteRates


class CachingRates:
    """Stands in for a RemoteRates and remembers its answers for `ttl` seconds."""

    def __init__(self, service, ttl=60.0, clock=time.monotonic):
        self._service = service
        self._ttl = ttl
        self._clock = clock
        self._memory = {}  # key -> (fetched_at, answer)

    def _remembered(self, key, fetch):
        now = self._clock()
        hit = self._memory.get(key)
        if hit is not None and now - hit[0] < self._ttl:
            return hit[1]
        answer = fetch()  # an exception leaves the memory as it was
        self._memory[key] = (now, answer)
        return answer

    def rate(self, base, quote):
        return self._remembered(("rate", base, quote), lambda: self._service.rate(base, quote))

    def currencies(self):
        # the list of currencies hardly ever changes: keep it for good
        if "currencies" not in self._memory:
            self._memory["currencies"] = self._service.currencies()
        return self._memory["currencies"]


if __name__ == "__main__":
    remote = RemoteRates({("EUR", "USD"): 1.08, ("EUR", "GBP"): 0.86})
    catalogue = {"mug": 12.0, "lamp": 89.0, "poster": 8.5}
    rates = CachingRates(remote)
    for _page_view in range(3):
        print(price_list(rates, catalogue, "USD"))
    print("requests paid for:", remote.requests)

