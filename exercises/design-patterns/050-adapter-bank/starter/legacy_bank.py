"""The bank's payment SDK, version 1 (2011). Read-only: the accounting system still uses it.

It counts money in whole cents and reports trouble in a status field, never with exceptions.
"""


class BankServer:
    """Stands in for the bank's remote service: it keeps the ledger of every transaction."""

    def __init__(self, card_limit_cents=50_000):
        self.card_limit_cents = card_limit_cents
        self.ledger = {}  # reference -> {"merchant", "cents", "currency", "memo", "reversed"}

    def book(self, merchant, cents, currency, memo):
        reference = f"TX-{len(self.ledger) + 1:04d}"
        self.ledger[reference] = {
            "merchant": merchant,
            "cents": cents,
            "currency": currency,
            "memo": memo,
            "reversed": False,
        }
        return reference


class LegacyBankClient:
    """A logged-in connection to the bank for one merchant."""

    def __init__(self, merchant_id, server):
        self.merchant_id = merchant_id
        self.server = server

    def make_transaction(self, cents, currency_code, memo):
        """Take `cents` (a whole number) from the customer's card.

        Returns {"status": "OK", "ref": "TX-0001"} when the money was taken,
        {"status": "DECLINED", "reason": "..."} when the card was refused, and
        {"status": "ERROR", "reason": "..."} when the request itself was wrong.
        """
        if not isinstance(cents, int) or isinstance(cents, bool) or cents <= 0:
            reason = f"cents must be a positive whole number, not {cents!r}"
            return {"status": "ERROR", "reason": reason}
        if currency_code != "EUR":
            return {"status": "ERROR", "reason": f"unsupported currency {currency_code!r}"}
        if cents > self.server.card_limit_cents:
            return {"status": "DECLINED", "reason": "over the card limit"}
        reference = self.server.book(self.merchant_id, cents, currency_code, memo)
        return {"status": "OK", "ref": reference}

    def reverse_transaction(self, ref):
        """Give the money of one transaction back. True if it was reversed, False otherwise."""
        entry = self.server.ledger.get(ref)
        if entry is None or entry["reversed"] or entry["merchant"] != self.merchant_id:
            return False
        entry["reversed"] = True
        return True
