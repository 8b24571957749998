"""The new checkout. Read-only: it works with any payment gateway that offers these methods."""

from typing import Protocol


class PaymentDeclined(Exception):
    """The payment did not go through; the message says why."""


class PaymentGateway(Protocol):
    """What the checkout needs from a payment provider."""

    def charge(self, amount: float, order_id: str) -> str:
        """Take `amount` euros for an order and return the payment id.

        Raise PaymentDeclined (with the reason as its message) if the payment is refused.
        """
        ...

    def refund(self, payment_id: str) -> None:
        """Give a whole payment back; raise PaymentDeclined if the provider refuses."""
        ...


class Checkout:
    """Takes payments for orders through whichever gateway it is given."""

    def __init__(self, gateway: PaymentGateway) -> None:
        self.gateway = gateway
        self.payments: dict[str, str] = {}

    def pay(self, order_id: str, amount: float) -> str:
        try:
            payment_id = self.gateway.charge(amount, order_id)
        except PaymentDeclined as exc:
            return f"Order {order_id} declined: {exc}"
        self.payments[order_id] = payment_id
        return f"Order {order_id} paid ({payment_id})"

    def cancel(self, order_id: str) -> str:
        try:
            self.gateway.refund(self.payments[order_id])
        except PaymentDeclined as exc:
            return f"Order {order_id} could not be refunded: {exc}"
        del self.payments[order_id]
        return f"Order {order_id} refunded"
