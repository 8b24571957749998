"""Adapter by inheritance: the adapter *is* an old client with the new methods added."""

from checkout import PaymentDeclined
from legacy_bank import LegacyBankClient


class LegacyBankAdapter(LegacyBankClient):
    def __init__(self, client):
        # Log in again with the same details: this is a second client, not the one handed over.
        super().__init__(client.merchant_id, client.server)

    def charge(self, amount, order_id):
        result = self.make_transaction(round(amount * 100), "EUR", order_id)
        if result["status"] != "OK":
            raise PaymentDeclined(result["reason"])
        return result["ref"]

    def refund(self, payment_id):
        if not self.reverse_transaction(payment_id):
            raise PaymentDeclined(f"the bank refused to reverse {payment_id}")
