"""Lets the new checkout take payments through the bank's old client."""

from checkout import Checkout
from checkout import PaymentDeclined
from legacy_bank import BankServer
from legacy_bank import LegacyBankClient


class LegacyBankAdapter:
    """A PaymentGateway for the checkout, made from a LegacyBankClient.

    It holds the client it is given and translates both ways: euros to cents and names on the
    way in, status dictionaries to payment ids or PaymentDeclined on the way out.
    """

    def __init__(self, client: LegacyBankClient) -> None:
        self.client = client

    def charge(self, amount: float, order_id: str) -> str:
        # round(), not int(): 19.99 * 100 is 1998.9999999999998 in floating point.
        cents = round(amount * 100)
        result = self.client.make_transaction(cents, "EUR", order_id)
        if result["status"] != "OK":
            raise PaymentDeclined(result.get("reason", result["status"]))
        return result["ref"]

    def refund(self, payment_id: str) -> None:
        if not self.client.reverse_transaction(payment_id):
            raise PaymentDeclined(f"the bank refused to reverse {payment_id}")


if __name__ == "__main__":
    client = LegacyBankClient("shop-42", BankServer())
    print("The old client speaks cents and status dictionaries:")
    print("   ", client.make_transaction(1999, "EUR", "A-1000"))
    print("   ", client.make_transaction(90000, "EUR", "A-1000"))
    print("   ", client.reverse_transaction("TX-0001"))
    print("The checkout speaks euros and exceptions:")
    checkout = Checkout(LegacyBankAdapter(client))
    print("   ", checkout.pay("A-1001", 19.99))
    print("   ", checkout.pay("A-1002", 900.00))
    print("   ", checkout.cancel("A-1001"))
