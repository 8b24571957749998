"""An object adapter: the legacy client is held under an alias of its class name."""

import legacy_bank as bank
from checkout import PaymentDeclined

Client = bank.LegacyBankClient


class PaymentGatewayBase:
    """The role the checkout expects."""

    def charge(self, amount, order_id):
        raise NotImplementedError

    def refund(self, payment_id):
        raise NotImplementedError


class LegacyBankAdapter(PaymentGatewayBase):
    def __init__(self, client: Client):
        self.adaptee = client

    def charge(self, amount, order_id):
        answer = self.adaptee.make_transaction(round(amount * 100), "EUR", order_id)
        if answer["status"] == "OK":
            return answer["ref"]
        raise PaymentDeclined(answer.get("reason", answer["status"]))

    def refund(self, payment_id):
        if self.adaptee.reverse_transaction(payment_id) is not True:
            raise PaymentDeclined(f"the bank would not reverse {payment_id}")
