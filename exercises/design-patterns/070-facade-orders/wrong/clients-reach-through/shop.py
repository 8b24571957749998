"""Shop gets place_order(), but the phone desk keeps driving the subsystems itself."""

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
        self.inventory.reserve(sku, qty)
        try:
            self.payments.charge(customer, self.inventory.price_of(sku) * qty)
        except PaymentDeclined:
            self.inventory.release(sku, qty)
            raise
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
    shop.inventory.reserve(sku, qty)
    try:
        shop.payments.charge(customer, shop.inventory.price_of(sku) * qty)
    except PaymentDeclined:
        shop.inventory.release(sku, qty)
        raise
    tracking = shop.courier.book(customer, sku, qty)
    shop.mailer.send(customer, "Your order is on its way", f"Tracking number: {tracking}")
    return tracking

