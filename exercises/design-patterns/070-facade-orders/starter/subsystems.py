"""The shop's subsystems. Read-only: other teams own them.

Each one does its own job well; none of them knows about the others.
"""


class OutOfStock(Exception):
    """Not enough of an item left to reserve."""


class PaymentDeclined(Exception):
    """The customer's card was refused."""


class Inventory:
    """Stock and prices (in cents) per item."""

    def __init__(self, stock, prices):
        self.stock = dict(stock)
        self.prices = dict(prices)

    def price_of(self, sku):
        return self.prices[sku]

    def reserve(self, sku, qty):
        if self.stock.get(sku, 0) < qty:
            raise OutOfStock(f"only {self.stock.get(sku, 0)} {sku} left")
        self.stock[sku] -= qty

    def release(self, sku, qty):
        """Put reserved items back on the shelf."""
        self.stock[sku] += qty


class Payments:
    """Charges customers' cards; refuses anything above the card limit."""

    def __init__(self, card_limit=10_000):
        self.card_limit = card_limit
        self.charges = []  # (customer, cents)

    def charge(self, customer, cents):
        if cents > self.card_limit:
            raise PaymentDeclined(f"{cents} cents is over the card limit")
        self.charges.append((customer, cents))
        return f"PAY-{len(self.charges)}"


class Courier:
    """Books parcel pick-ups."""

    def __init__(self):
        self.parcels = []  # (customer, sku, qty)

    def book(self, customer, sku, qty):
        self.parcels.append((customer, sku, qty))
        return f"TRK-{len(self.parcels):03d}"


class Mailer:
    """Sends e-mails (into an outbox, here)."""

    def __init__(self):
        self.outbox = []  # (to, subject, body)

    def send(self, to, subject, body):
        self.outbox.append((to, subject, body))
