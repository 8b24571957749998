"""A caching proxy in front of the exchange-rate provider."""
import time


class CachingRates:
    def __init__(self, service, ttl=60.0, clock=time.monotonic):
        self.service = service
        self.ttl = ttl
        self.clock = clock
        self._memory = {}

    def _remembered(self, key, fetch):
        now = self.clock()
        if key in self._memory:
            fetched_at, answer = self._memory[key]
            if now - fetched_at < self.ttl:
                return answer
        answer = fetch()
        self._memory[key] = (now, answer)
        return answer

    def rate(self, base, quote):
        return self._remembered(("rate", frozenset((base, quote))), lambda: self.service.rate(base, quote))

    def currencies(self):
        return self._remembered(("currencies",), self.service.currencies)
