"""Lets the new checkout take payments through the bank's old client."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP
from decimal import Decimal

from checkout import PaymentDeclined
from legacy_bank import LegacyBankClient


def to_cents(amount: float) -> int:
    """Euros to whole cents, rounding half up as a cashier would."""
    return int(Decimal(str(amount)).scaleb(2).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True, slots=True)
class LegacyBankAdapter:
    """A PaymentGateway made from the logged-in client it is handed."""

    client: LegacyBankClient

    def charge(self, amount: float, order_id: str) -> str:
        answer = self.client.make_transaction(to_cents(amount), "EUR", order_id)
        return self._payment_id(answer)

    def refund(self, payment_id: str) -> None:
        if self.client.reverse_transaction(payment_id) is False:
            raise PaymentDeclined(f"the bank refused to reverse {payment_id}")

    @staticmethod
    def _payment_id(answer: dict) -> str:
        if answer["status"] == "OK":
            return answer["ref"]
        raise PaymentDeclined(answer.get("reason", answer["status"]))
