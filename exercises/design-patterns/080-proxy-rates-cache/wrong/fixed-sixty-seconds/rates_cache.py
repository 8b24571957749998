"""A caching proxy that keeps answers for a minute."""

import time

from pricing import price_list
from rates_api import RemoteRates

MINUTE = 60


class CachingRates:
    def __init__(self, service, ttl=60.0, clock=time.monotonic):
        self.service = service
        self.clock = clock
        self.rates = {}
        self.listed = None

    def rate(self, base, quote):
        now = self.clock()
        hit = self.rates.get((base, quote))
        if hit and now - hit[0] <= MINUTE:
            return hit[1]
        answer = self.service.rate(base, quote)
        self.rates[(base, quote)] = (now, answer)
        return answer

    def currencies(self):
        now = self.clock()
        if self.listed and now - self.listed[0] <= MINUTE:
            return self.listed[1]
        answer = self.service.currencies()
        self.listed = (now, answer)
        return answer


if __name__ == "__main__":
    rates = CachingRates(RemoteRates({("EUR", "USD"): 1.08}))
    print(price_list(rates, {"mug": 12.0}, "USD"))
