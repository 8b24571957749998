"""Checks for the bank adapter: the checkout's calls are translated for the old client."""

from __future__ import annotations

import inspect
from decimal import Decimal
from typing import NoReturn

import bank_adapter
import checkout
import legacy_bank
from grading.patterns import structural
from hypothesis import HealthCheck
from hypothesis import Phase
from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

OK = {"status": "OK", "ref": "TX-0042"}
# Amounts drawn at random on every check (the seed is chosen when the check runs).
FRESH = settings(
    max_examples=25, database=None, deadline=None, derandomize=False, report_multiple_bugs=False,
    phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
)


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def adapter_for(client):
    """Build LegacyBankAdapter(client), failing with a useful message if it cannot."""
    cls = getattr(bank_adapter, "LegacyBankAdapter", None)
    if cls is None:
        fail("bank_adapter.py has no class LegacyBankAdapter: that is the adapter to write")
    try:
        return cls(client)
    except TypeError as exc:
        fail(
            f"LegacyBankAdapter(client) failed: {exc}. The adapter is handed the old client "
            "the shop already set up, and keeps it"
        )


def call(adapter, method: str, *args):
    """Call a gateway method on the adapter, failing clearly if it is missing."""
    found = getattr(adapter, method, None)
    if not callable(found):
        fail(
            f"LegacyBankAdapter has no {method}() method: the checkout calls {method}() on "
            "every payment gateway (see PaymentGateway in checkout.py)"
        )
    return found(*args)


def old_client(**answers) -> structural.Spy:
    """A stand-in for LegacyBankClient that records what the adapter asks of it."""
    return structural.Spy("old bank client", **answers)


def arguments(spy: structural.Spy, method: str) -> dict:
    """The arguments of the spy's last call of `method`, by the legacy parameter names."""
    name, args, kwargs = [c for c in spy.calls if c[0] == method][-1]
    signature = inspect.signature(getattr(legacy_bank.LegacyBankClient, method))
    try:
        return dict(signature.bind(None, *args, **kwargs).arguments)
    except TypeError as exc:
        fail(f"the adapter called {method}{signature} wrongly: {exc}")


def test_charge_is_translated_into_cents():
    """charge(19.99, order) asks the old client for 1999 cents in EUR, with the order as memo."""
    spy = old_client(make_transaction=lambda *a, **k: dict(OK))
    got = call(adapter_for(spy), "charge", 19.99, "A-1001")
    if spy.times_called("make_transaction") != 1:
        fail(
            f"charge() called make_transaction {spy.times_called('make_transaction')} times on "
            "the client the adapter was given; it should call it once. The adapter passes each "
            "call on to the very client it holds, not to one of its own"
        )
    sent = arguments(spy, "make_transaction")
    if sent["cents"] != 1999 or not isinstance(sent["cents"], int):
        hint = (
            " int() cuts 1998.9999… down to 1998: round() gives 1999."
            if sent["cents"] == 1998 else ""
        )
        fail(
            f"charge(19.99, 'A-1001') handed the old client {sent['cents']!r} as cents; it "
            f"needs the whole number 1999.{hint} An adapter translates units and formats too: "
            "it does not just rename the method"
        )
    if sent["currency_code"] != "EUR" or sent["memo"] != "A-1001":
        fail(
            f"make_transaction got currency_code={sent['currency_code']!r} and "
            f"memo={sent['memo']!r}; the checkout works in euros ('EUR') and the order id is "
            "the memo"
        )
    if got != "TX-0042":
        fail(
            f"charge() returned {got!r}; the checkout needs the payment id itself, a string "
            "('TX-0042'), which the old client hides in its answer under 'ref'. An adapter "
            "translates the answer back as well: it does not just rename the method"
        )


@FRESH
@given(amount=st.decimals(min_value="0.01", max_value="5000", places=2))
@example(amount=Decimal("0.29"))  # 0.29 * 100 is 28.999999999999996 in floating point
@example(amount=Decimal("4.35"))
def test_any_amount_is_translated_into_whole_cents(amount: Decimal):
    """For amounts drawn at random, the old client gets exactly the amount in whole cents."""
    spy = old_client(make_transaction=lambda *a, **k: dict(OK))
    call(adapter_for(spy), "charge", float(amount), "A-2000")
    sent = arguments(spy, "make_transaction")["cents"]
    want = int(amount * 100)
    if sent != want or not isinstance(sent, int):
        fail(
            f"charge({float(amount)}, 'A-2000') handed the old client {sent!r} cents; the "
            f"customer owes {want}. Every amount must arrive as its exact number of cents, not "
            "only the ones in the other checks (floating point needs round(), not int())"
        )


def test_a_refused_payment_raises_payment_declined():
    """A DECLINED or ERROR answer from the old client becomes PaymentDeclined, with the reason."""
    for status in ("DECLINED", "ERROR"):
        answer = {"status": status, "reason": "over the card limit"}
        spy = old_client(make_transaction=lambda *a, answer=answer, **k: dict(answer))
        try:
            got = call(adapter_for(spy), "charge", 900.00, "A-1002")
        except checkout.PaymentDeclined as exc:
            if "over the card limit" not in str(exc):
                fail(
                    f"PaymentDeclined said {str(exc)!r}; pass on the old client's reason "
                    "('over the card limit') so the checkout can tell the customer why"
                )
            continue
        fail(
            f"when the old client answered {answer}, charge() returned {got!r}. The checkout "
            "learns about a refusal from a PaymentDeclined exception, the old client reports "
            "it in a status field: turning one into the other is the adapter's job. It does "
            "not just rename the method"
        )


def test_refund_reverses_the_transaction():
    """refund(id) asks the old client to reverse that transaction, and raises if it refuses."""
    spy = old_client(reverse_transaction=lambda *a, **k: True)
    got = call(adapter_for(spy), "refund", "TX-0042")
    if spy.times_called("reverse_transaction") != 1:
        fail("refund('TX-0042') should call reverse_transaction on the client it holds, once")
    if arguments(spy, "reverse_transaction")["ref"] != "TX-0042" or got is not None:
        fail(
            f"refund('TX-0042') sent {arguments(spy, 'reverse_transaction')['ref']!r} and "
            f"returned {got!r}; it should reverse 'TX-0042' and return nothing"
        )
    spy = old_client(reverse_transaction=lambda *a, **k: False)
    try:
        got = call(adapter_for(spy), "refund", "TX-0042")
    except checkout.PaymentDeclined:
        return
    fail(
        f"the old client answered False (not reversed) and refund() returned {got!r}. The "
        "checkout only notices a refusal through PaymentDeclined: translate the False into it"
    )


def test_checkout_works_with_the_real_old_client():
    """The checkout pays, is declined and refunds through the adapter and the real old client."""
    bank = legacy_bank.BankServer()
    client = legacy_bank.LegacyBankClient("shop-42", bank)
    shop = checkout.Checkout(adapter_for(client))
    try:
        steps = [
            (shop.pay("A-1001", 19.99), "Order A-1001 paid (TX-0001)"),
            (shop.pay("A-1002", 900.00), "Order A-1002 declined: over the card limit"),
            (shop.cancel("A-1001"), "Order A-1001 refunded"),
        ]
    except Exception as exc:
        fail(
            f"the checkout crashed ({type(exc).__name__}: {exc}) while paying 19.99, paying "
            "900.00 and refunding through your adapter and the real old client. Check what "
            "each of your methods hands over and gives back"
        )
    for got, expected in steps:
        if got != expected:
            fail(f"the checkout said {got!r}; with a working adapter it says {expected!r}")
    entry = bank.ledger.get("TX-0001", {})
    if entry.get("cents") != 1999 or not entry.get("reversed"):
        fail(f"the bank's ledger shows {entry}; it should hold 1999 cents, then reversed")
