"""An online order whose status is an object that holds that status's rules."""


class OrderError(Exception):
    """The order's current status does not allow this action."""


def _refuse(message):
    def action(self, order):
        raise OrderError(message)
    return action


class New:
    name = "new"

    def pay(self, order):
        order.state = Paid()

    ship = _refuse("an unpaid order cannot be shipped")
    deliver = _refuse("an order must be shipped before it is delivered")

    def cancel(self, order):
        order.state = Cancelled()


class Paid:
    name = "paid"
    pay = _refuse("this order is already paid")

    def ship(self, order):
        order.state = Shipped()

    deliver = _refuse("an order must be shipped before it is delivered")

    def cancel(self, order):
        order.refunded = order.total
        order.state = Cancelled()


class Shipped:
    name = "shipped"
    pay = _refuse("this order is already paid")
    ship = _refuse("this order has already been shipped")

    def deliver(self, order):
        order.state = Delivered()

    cancel = _refuse("a shipped order cannot be cancelled; ask for a return instead")


class Delivered:
    name = "delivered"
    pay = _refuse("this order is already paid")
    ship = _refuse("this order has already been shipped")
    deliver = _refuse("this order has already been delivered")
    cancel = _refuse("a shipped order cannot be cancelled; ask for a return instead")


class Cancelled:
    name = "cancelled"
    pay = _refuse("a cancelled order cannot be paid")
    ship = _refuse("a cancelled order cannot be shipped")
    deliver = _refuse("a cancelled order cannot be delivered")
    cancel = _refuse("this order is already cancelled")


class Order:
    def __init__(self, total):
        self.total = total
        self.refunded = 0.0
        self.state = New()

    status = property(lambda self: self.state.name)

    def pay(self):
        return self.state.pay(self)

    def ship(self):
        return self.state.ship(self)

    def deliver(self):
        return self.state.deliver(self)

    def cancel(self):
        return self.state.cancel(self)


if __name__ == "__main__":
    order = Order(40.0)
    for action in (order.pay, order.ship, order.cancel, order.deliver):
        try:
            action()
        except OrderError as error:
            print(f"{action.__name__} refused: {error}")
    print(f"status: {order.status}, refunded: {order.refunded:.2f}")
