"""No ladder any more: a transition table keyed by (status, action) drives the order."""


class OrderError(Exception):
    """The order's current status does not allow this action."""


TRANSITIONS = {
    ("new", "pay"): "paid",
    ("new", "cancel"): "cancelled",
    ("paid", "ship"): "shipped",
    ("paid", "cancel"): "cancelled",
    ("shipped", "deliver"): "delivered",
}


class Order:
    def __init__(self, total):
        self.total = total
        self.refunded = 0.0
        self.status = "new"

    def _do(self, action):
        following = TRANSITIONS.get((self.status, action))
        if following is None:
            raise OrderError(f"a {self.status} order cannot {action}")
        if (self.status, action) == ("paid", "cancel"):
            self.refunded = self.total
        self.status = following

    def pay(self):
        self._do("pay")

    def ship(self):
        self._do("ship")

    def deliver(self):
        self._do("deliver")

    def cancel(self):
        self._do("cancel")
