"""Adapter by inheritance, through an alias."""

from checkout import PaymentDeclined
from legacy_bank import LegacyBankClient

_Base = LegacyBankClient


class LegacyBankAdapter(_Base):
    def __init__(self, client):
        self.client = client

    def charge(self, amount, order_id):
        result = self.client.make_transaction(round(amount * 100), "EUR", order_id)
        if result["status"] != "OK":
            raise PaymentDeclined(result.get("reason", result["status"]))
        return result["ref"]

    def refund(self, payment_id):
        if not self.client.reverse_transaction(payment_id):
            raise PaymentDeclined(f"cannot reverse {payment_id}")
