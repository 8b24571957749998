"""A cache that remembers every answer for ever: ttl and clock are accepted, then ignored."""

import time


class CachingRates:
    def __init__(self, service, ttl=60.0, clock=time.monotonic):
        self.service = service
        self.cache = {}

    def rate(self, base, quote):
        if (base, quote) not in self.cache:
            self.cache[(base, quote)] = self.service.rate(base, quote)
        return self.cache[(base, quote)]

    def currencies(self):
        if "currencies" not in self.cache:
            self.cache["currencies"] = self.service.currencies()
        return self.cache["currencies"]
