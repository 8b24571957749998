"""An adapter that only renames: the new method names call the old ones with the same values."""

from legacy_bank import LegacyBankClient


class LegacyBankAdapter:
    def __init__(self, client: LegacyBankClient):
        self.client = client

    def charge(self, amount, order_id):
        return self.client.make_transaction(amount, "EUR", order_id)

    def refund(self, payment_id):
        return self.client.reverse_transaction(payment_id)
