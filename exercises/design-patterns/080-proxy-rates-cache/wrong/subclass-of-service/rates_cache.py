"""A cache built by inheriting from the provider's client and overriding its methods."""

import time

from rates_api import RemoteRates


class CachingRates(RemoteRates):
    def __init__(self, service, ttl=60.0, clock=time.monotonic):
        super().__init__(service.table)  # a second client with the same table
        self.ttl = ttl
        self.clock = clock
        self.cache = {}

    def rate(self, base, quote):
        key = ("rate", base, quote)
        now = self.clock()
        if key in self.cache and now - self.cache[key][0] < self.ttl:
            return self.cache[key][1]
        answer = super().rate(base, quote)
        self.cache[key] = (now, answer)
        return answer

    def currencies(self):
        now = self.clock()
        if "currencies" in self.cache and now - self.cache["currencies"][0] < self.ttl:
            return self.cache["currencies"][1]
        answer = super().currencies()
        self.cache["currencies"] = (now, answer)
        return answer
