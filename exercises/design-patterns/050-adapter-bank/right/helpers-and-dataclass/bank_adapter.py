"""An object adapter as a dataclass; the translations are small helpers."""

from dataclasses import dataclass

from checkout import PaymentDeclined
from legacy_bank import LegacyBankClient


def cents(euros: float) -> int:
    return round(euros * 100)


def ref_or_decline(result: dict) -> str:
    if result.get("status") == "OK":
        return result["ref"]
    raise PaymentDeclined(result.get("reason") or result.get("status", "refused"))


@dataclass
class LegacyBankAdapter:
    client: LegacyBankClient

    def charge(self, amount: float, order_id: str) -> str:
        return ref_or_decline(self.client.make_transaction(cents(amount), "EUR", order_id))

    def refund(self, payment_id: str) -> None:
        if not self.client.reverse_transaction(payment_id):
            raise PaymentDeclined(f"refund of {payment_id} refused")
