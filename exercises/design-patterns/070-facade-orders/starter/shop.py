"""Placing orders. Two clients do it today: the web checkout and the phone-order desk."""

from dataclasses import dataclass

from subsystems import Courier
from subsystems import Inventory
from subsystems import Mailer
from subsystems import OutOfStock
from subsystems import PaymentDeclined
from subsystems import Payments


@dataclass
class Shop:
    """The shop's subsystems, handed around together."""

    inventory: Inventory
    payments: Payments
    courier: Courier
    mailer: Mailer


def web_checkout(shop, form):
    """Handle the web form {"email", "sku", "qty"}; return the message the page shows."""
    email, sku, qty = form["email"], form["sku"], int(form["qty"])
    try:
        shop.inventory.reserve(sku, qty)
    except OutOfStock:
        return f"Sorry, {sku} is sold out."
    try:
        shop.payments.charge(email, shop.inventory.price_of(sku) * qty)
    except PaymentDeclined:
        shop.inventory.release(sku, qty)
        return "Your card was declined."
    tracking = shop.courier.book(email, sku, qty)
    shop.mailer.send(email, "Your order is on its way", f"Tracking number: {tracking}")
    return f"Thank you! Tracking number: {tracking}"


def phone_order(shop, customer, sku, qty):
    """Place an order taken on the phone; return the tracking number (errors propagate)."""
    shop.inventory.reserve(sku, qty)
    shop.payments.charge(customer, shop.inventory.price_of(sku) * qty)
    tracking = shop.courier.book(customer, sku, qty)
    shop.mailer.send(customer, "Your order is on its way", f"Tracking number: {tracking}")
    return tracking


def demo_shop():
    return Shop(
        Inventory(stock={"mug": 5, "lamp": 3}, prices={"mug": 1200, "lamp": 8900}),
        Payments(card_limit=10_000),
        Courier(),
        Mailer(),
    )


if __name__ == "__main__":
    shop = demo_shop()
    print(web_checkout(shop, {"email": "ann@example.com", "sku": "mug", "qty": "2"}))
    print(web_checkout(shop, {"email": "bo@example.com", "sku": "lamp", "qty": "2"}))
    print("lamps left after a declined web order:", shop.inventory.stock["lamp"])
    try:
        phone_order(shop, "cy@example.com", "lamp", 2)
    except PaymentDeclined as exc:
        print("phone order declined:", exc)
    print("lamps left after a declined phone order:", shop.inventory.stock["lamp"])
