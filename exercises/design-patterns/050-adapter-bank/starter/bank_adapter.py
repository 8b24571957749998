"""Lets the new checkout take payments through the bank's old client."""

from checkout import Checkout
from checkout import PaymentDeclined  # noqa: F401  (the adapter will need it)
from legacy_bank import BankServer
from legacy_bank import LegacyBankClient


class LegacyBankAdapter:
    """A PaymentGateway for the checkout, made from a LegacyBankClient. Not written yet."""


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
