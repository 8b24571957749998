"""A cache with its own, tidier interface: callers ask get_rate() and all_currencies()."""

import time


class CachingRates:
    def __init__(self, service, ttl=60.0, clock=time.monotonic):
        self.service = service
        self.ttl = ttl
        self.clock = clock
        self.cache = {}

    def get_rate(self, pair):
        base, quote = pair
        now = self.clock()
        if pair in self.cache and now - self.cache[pair][0] < self.ttl:
            return self.cache[pair][1]
        answer = self.service.rate(base, quote)
        self.cache[pair] = (now, answer)
        return answer

    def all_currencies(self):
        now = self.clock()
        if "currencies" in self.cache and now - self.cache["currencies"][0] < self.ttl:
            return self.cache["currencies"][1]
        answer = self.service.currencies()
        self.cache["currencies"] = (now, answer)
        return answer
