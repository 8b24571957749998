"""Placing orders. Two clients do it: the web checkout and the phone-order desk.

Shop is a facade: one call, place_order(), runs the whole sequence over the four subsystems,
failure handling included, so no client needs to know the steps or their order.
"""

from contextlib import ExitStack

from subsystems import Courier
from subsystems import Inventory
from subsystems import Mailer
from subsystems import OutOfStock
from subsystems import PaymentDeclined
from subsystems import Payments


class Shop:
    """One simple entry point over inventory, payments, courier and mailer."""

    def __init__(self, inventory: Inventory, payments: Payments, courier: Courier,
                 mailer: Mailer) -> None:
        self.inventory = inventory
        self.payments = payments
        self.courier = courier
        self.mailer = mailer

    def place_order(self, customer: str, sku: str, qty: int) -> str:
        """Reserve, charge, ship and confirm; return the tracking number.

        Raises OutOfStock or PaymentDeclined; after a refused payment the stock is back.
        """
        with ExitStack() as undo:
            self.inventory.reserve(sku, qty)
            undo.callback(self.inventory.release, sku, qty)  # runs only if a later step fails
            self.payments.charge(customer, self.inventory.price_of(sku) * qty)
            undo.pop_all()
        tracking = self.courier.book(customer, sku, qty)
        self.mailer.send(customer, "Your order is on its way", f"Tracking number: {tracking}")
        return tracking


def web_checkout(shop, form):
    """Handle the web form {"email", "sku", "qty"}; return the message the page shows."""
    email, sku, qty = form["email"], form["sku"], int(form["qty"])
    try:
        tracking = shop.place_order(email, sku, qty)
    except OutOfStock:
        return f"Sorry, {sku} is sold out."
    except PaymentDeclined:
        return "Your card was declined."
    return f"Thank you! Tracking number: {tracking}"


def phone_order(shop, customer, sku, qty):
    """Place an order taken on the phone; return the tracking number (errors propagate)."""
    return shop.place_order(customer, sku, qty)


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
