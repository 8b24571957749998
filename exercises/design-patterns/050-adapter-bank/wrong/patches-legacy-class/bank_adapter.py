"""Teach the old client the new language by adding the methods to its class."""

from checkout import PaymentDeclined
from legacy_bank import LegacyBankClient


def _charge(self, amount, order_id):
    result = self.make_transaction(round(amount * 100), "EUR", order_id)
    if result["status"] != "OK":
        raise PaymentDeclined(result["reason"])
    return result["ref"]


def _refund(self, payment_id):
    if not self.reverse_transaction(payment_id):
        raise PaymentDeclined(f"the bank refused to reverse {payment_id}")


LegacyBankClient.charge = _charge
LegacyBankClient.refund = _refund


class LegacyBankAdapter:
    def __init__(self, client):
        self.client = client

    def charge(self, amount, order_id):
        return self.client.charge(amount, order_id)

    def refund(self, payment_id):
        return self.client.refund(payment_id)
