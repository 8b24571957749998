"""A caching proxy in front of the exchange-rate provider.

CachingRates answers the same calls as RemoteRates, so code written for the provider uses it
unchanged; it asks the real service only when it has no answer younger than `ttl` seconds.
"""

import time

from pricing import price_list
from rates_api import RemoteRates


class CachingRates:
    """Stands in for a RemoteRates and remembers its answers for `ttl` seconds."""

    def __init__(self, service, ttl=60.0, clock=time.monotonic):
        self.service = service
        self.ttl = ttl
        self.clock = clock
        self.cache = {}  # key -> (time fetched, answer)

    def rate(self, base, quote):
        return self._remembered(("rate", base, quote), lambda: self.service.rate(base, quote))

    def currencies(self):
        return self._remembered(("currencies",), self.service.currencies)

    def _remembered(self, key, fetch):
        now = self.clock()
        if key in self.cache:
            fetched_at, answer = self.cache[key]
            if now - fetched_at < self.ttl:
                return answer
        answer = fetch()  # a failure propagates and is not remembered
        self.cache[key] = (now, answer)
        return answer


if __name__ == "__main__":
    remote = RemoteRates({("EUR", "USD"): 1.08, ("EUR", "GBP"): 0.86})
    catalogue = {"mug": 12.0, "lamp": 89.0, "poster": 8.5}
    rates = CachingRates(remote, ttl=60)
    for _page_view in range(3):
        print(price_list(rates, catalogue, "USD"))
    print("requests paid for:", remote.requests)
