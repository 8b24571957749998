"""The exchange-rate provider's client. Read-only: it comes from the provider.

Every call is a slow HTTPS request that the shop pays for; here each one is counted instead.
"""


class RatesUnavailable(Exception):
    """The provider has no rate for that pair (or is down)."""


class RemoteRates:
    def __init__(self, table):
        self.table = dict(table)  # {("EUR", "USD"): 1.08, ...}
        self.requests = 0

    def rate(self, base, quote):
        """How much one unit of `base` is worth in `quote`: rate("EUR", "USD") -> 1.08."""
        self.requests += 1
        if base == quote:
            return 1.0
        if (base, quote) in self.table:
            return self.table[(base, quote)]
        if (quote, base) in self.table:
            return round(1 / self.table[(quote, base)], 6)
        raise RatesUnavailable(f"no rate for {base}/{quote}")

    def currencies(self):
        """Every currency the provider knows, sorted."""
        self.requests += 1
        return sorted({code for pair in self.table for code in pair})
