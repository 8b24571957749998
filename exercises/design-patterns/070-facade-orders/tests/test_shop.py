"""Checks for the order facade: one call places an order; clients know nothing else."""

from __future__ import annotations

import inspect
from typing import NoReturn

import shop as shop_module
import subsystems
from grading.patterns import structural
from hypothesis import HealthCheck
from hypothesis import Phase
from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

SUBSYSTEMS = ["Inventory", "Payments", "Courier", "Mailer"]
FORM = {"email": "ann@example.com", "sku": "mug", "qty": "2"}


# Shops drawn at random on every check (the seed is chosen when the check runs).
FRESH = settings(
    max_examples=25, database=None, deadline=None, derandomize=False, report_multiple_bugs=False,
    phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
)


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def parts():
    """Fresh subsystems: 5 mugs at 12.00 and 3 lamps at 89.00; cards take up to 100.00."""
    return (
        subsystems.Inventory(stock={"mug": 5, "lamp": 3}, prices={"mug": 1200, "lamp": 8900}),
        subsystems.Payments(card_limit=10_000),
        subsystems.Courier(),
        subsystems.Mailer(),
    )


def facade(inventory, payments, courier, mailer):
    """Build Shop(inventory, payments, courier, mailer), failing clearly if it cannot."""
    try:
        return shop_module.Shop(inventory, payments, courier, mailer)
    except TypeError as exc:
        fail(f"Shop(inventory, payments, courier, mailer) failed: {exc}")


def place_order(shop, *args):
    """Call shop.place_order(customer, sku, qty), failing clearly if it is missing."""
    method = getattr(shop, "place_order", None)
    if not callable(method):
        fail(
            "Shop has no place_order(customer, sku, qty) method: that one call is the facade's "
            "simple entry point for the whole job"
        )
    return method(*args)


def ordered(args: tuple, kwargs: dict) -> list:
    """The arguments of a place_order() call in parameter order, however they were passed."""
    try:
        bound = inspect.signature(shop_module.Shop.place_order).bind(None, *args, **kwargs)
    except (AttributeError, TypeError, ValueError):
        return [*args, *kwargs.values()]
    return list(bound.arguments.values())[1:]


def test_place_order_does_the_whole_job():
    """place_order() reserves, charges, ships, e-mails and returns the tracking number."""
    inventory, payments, courier, mailer = parts()
    got = place_order(facade(inventory, payments, courier, mailer), "ann@example.com", "mug", 2)
    seen = {
        "returned": got,
        "stock": inventory.stock["mug"],
        "charges": payments.charges,
        "parcels": courier.parcels,
        "outbox": mailer.outbox,
    }
    expected = {
        "returned": "TRK-001",
        "stock": 3,
        "charges": [("ann@example.com", 2400)],
        "parcels": [("ann@example.com", "mug", 2)],
        "outbox": [("ann@example.com", "Your order is on its way", "Tracking number: TRK-001")],
    }
    for key, value in expected.items():
        if seen[key] != value:
            fail(
                f"after place_order('ann@example.com', 'mug', 2), {key} is {seen[key]!r}; "
                f"expected {value!r}. The facade runs every step the clients used to run"
            )


def test_a_sold_out_order_charges_and_ships_nothing():
    """Ordering more than is in stock raises OutOfStock and touches nothing else."""
    inventory, payments, courier, mailer = parts()
    try:
        place_order(facade(inventory, payments, courier, mailer), "ann@example.com", "mug", 9)
    except subsystems.OutOfStock:
        pass
    else:
        fail("place_order for 9 mugs (5 in stock) should let OutOfStock reach the caller")
    if payments.charges or courier.parcels or mailer.outbox or inventory.stock["mug"] != 5:
        fail(
            "a sold-out order still charged, shipped or e-mailed, or changed the stock; "
            "reserving comes first, and nothing else happens when it fails"
        )


def test_a_declined_payment_puts_the_stock_back():
    """When the card is refused, the reserved items go back and nothing ships."""
    inventory, payments, courier, mailer = parts()
    try:
        place_order(facade(inventory, payments, courier, mailer), "bo@example.com", "lamp", 2)
    except subsystems.PaymentDeclined:
        pass
    else:
        fail("two lamps cost 178.00, over the card limit: PaymentDeclined should reach the caller")
    left = inventory.stock["lamp"]
    if left != 3:
        fail(
            f"after a declined payment the lamp count is {left}, not 3: the two reserved "
            "lamps must go back on the shelf (inventory.release). Handling a failure halfway "
            "through is part of the job, so it belongs in the facade, written once"
        )
    if courier.parcels or mailer.outbox:
        fail("a declined order must not book the courier or send a confirmation")


def test_both_clients_still_work():
    """The web checkout and the phone desk give the same results as before, through the shop."""
    inventory, payments, courier, mailer = parts()
    shop = facade(inventory, payments, courier, mailer)
    cases = [
        (shop_module.web_checkout(shop, FORM), "Thank you! Tracking number: TRK-001"),
        (shop_module.web_checkout(shop, {**FORM, "qty": "7"}), "Sorry, mug is sold out."),
        (shop_module.web_checkout(shop, {**FORM, "sku": "lamp"}), "Your card was declined."),
        (shop_module.phone_order(shop, "cy@example.com", "mug", 1), "TRK-002"),
    ]
    for got, expected in cases:
        if got != expected:
            fail(f"a client returned {got!r}; expected {expected!r}")
    for client in ("web", "phone"):
        if client == "phone":
            try:
                shop_module.phone_order(shop, "di@example.com", "lamp", 2)
            except (subsystems.PaymentDeclined, subsystems.OutOfStock):
                pass
        left = inventory.stock["lamp"]
        if left != 3:
            fail(
                f"after a declined {client} order for 2 lamps, the lamp count is {left}, not 3: "
                "the reserved lamps must go back on the shelf. When each client runs the "
                "sequence itself, the copies drift apart; keep a single copy, in the facade"
            )


def test_clients_make_one_call_to_the_facade():
    """Given a stand-in shop that only offers place_order(), both clients still work."""
    for answer, expected in (
        ("TRK-777", "Thank you! Tracking number: TRK-777"),
        (subsystems.PaymentDeclined("over the limit"), "Your card was declined."),
        (subsystems.OutOfStock("none left"), "Sorry, mug is sold out."),
    ):
        stand_in = structural.Spy("shop", place_order=answer)
        try:
            got = shop_module.web_checkout(stand_in, FORM)
        except AttributeError as exc:
            fail(
                f"web_checkout(shop, form): {exc}. A client of a facade needs nothing but its "
                "one call, place_order(customer, sku, qty)"
            )
        if got != expected:
            fail(f"with place_order answering {answer!r}, web_checkout returned {got!r}")
        sent = [(name, ordered(args, kwargs)) for name, args, kwargs in stand_in.calls]
        if sent != [("place_order", ["ann@example.com", "mug", 2])]:
            fail(f"web_checkout should call place_order('ann@example.com', 'mug', 2) once: {sent}")
    stand_in = structural.Spy("shop", place_order="TRK-778")
    try:
        got = shop_module.phone_order(stand_in, "cy@example.com", "mug", 1)
    except AttributeError as exc:
        fail(
            f"phone_order(shop, ...): {exc}. A client of a facade needs nothing but its one "
            "call, place_order(customer, sku, qty)"
        )
    if got != "TRK-778" or stand_in.times_called("place_order") != 1:
        fail(f"phone_order should return what one place_order() call returns; it gave {got!r}")


@FRESH
@given(
    sku=st.sampled_from(["desk", "chair", "vase", "rug"]),
    stock=st.integers(0, 6),
    price=st.integers(100, 9_000),
    qty=st.integers(1, 6),
    limit=st.integers(500, 20_000),
)
@example(sku="desk", stock=4, price=5_000, qty=2, limit=6_000)  # declined: over the limit
def test_any_order_ends_all_done_or_nothing_kept(sku, stock, price, qty, limit):
    """For shops drawn at random: an order either completes, or leaves stock and money as before."""
    inventory = subsystems.Inventory(stock={sku: stock}, prices={sku: price})
    payments, courier, mailer = subsystems.Payments(card_limit=limit), subsystems.Courier(), (
        subsystems.Mailer()
    )
    shop = facade(inventory, payments, courier, mailer)
    try:
        place_order(shop, "dee@example.com", sku, qty)
        outcome = "placed"
    except (subsystems.OutOfStock, subsystems.PaymentDeclined) as exc:
        outcome = type(exc).__name__
    if qty > stock:
        expected = "OutOfStock"
    elif price * qty > limit:
        expected = "PaymentDeclined"
    else:
        expected = "placed"
    order = f"{qty} x {sku} ({stock} in stock, {price} cents each, card limit {limit})"
    if outcome != expected:
        fail(f"ordering {order} ended as {outcome}; expected {expected}")
    if expected != "placed" and inventory.stock[sku] != stock:
        fail(
            f"ordering {order} was refused ({outcome}), yet {inventory.stock[sku]} are left "
            f"instead of {stock}: whatever was reserved must go back on the shelf, for every "
            "product, or the shop slowly sells out of goods it still has"
        )
