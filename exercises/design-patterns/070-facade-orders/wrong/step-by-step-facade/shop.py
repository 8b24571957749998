"""A facade with one method per subsystem step; the clients call the steps in order."""

from subsystems import OutOfStock
from subsystems import PaymentDeclined


class Shop:
    def __init__(self, inventory, payments, courier, mailer):
        self.inventory = inventory
        self.payments = payments
        self.courier = courier
        self.mailer = mailer

    def reserve(self, sku, qty):
        self.inventory.reserve(sku, qty)

    def release(self, sku, qty):
        self.inventory.release(sku, qty)

    def charge(self, customer, sku, qty):
        return self.payments.charge(customer, self.inventory.price_of(sku) * qty)

    def ship(self, customer, sku, qty):
        return self.courier.book(customer, sku, qty)

    def confirm(self, customer, tracking):
        self.mailer.send(customer, "Your order is on its way", f"Tracking number: {tracking}")


def web_checkout(shop, form):
    email, sku, qty = form["email"], form["sku"], int(form["qty"])
    try:
        shop.reserve(sku, qty)
    except OutOfStock:
        return f"Sorry, {sku} is sold out."
    try:
        shop.charge(email, sku, qty)
    except PaymentDeclined:
        shop.release(sku, qty)
        return "Your card was declined."
    tracking = shop.ship(email, sku, qty)
    shop.confirm(email, tracking)
    return f"Thank you! Tracking number: {tracking}"


def phone_order(shop, customer, sku, qty):
    shop.reserve(sku, qty)
    try:
        shop.charge(customer, sku, qty)
    except PaymentDeclined:
        shop.release(sku, qty)
        raise
    tracking = shop.ship(customer, sku, qty)
    shop.confirm(customer, tracking)
    return tracking
