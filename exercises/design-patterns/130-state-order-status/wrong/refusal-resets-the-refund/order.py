"""An online order and the rules for moving it from one status to the next."""


class OrderError(Exception):
    """The order's current status does not allow this action."""


class OrderState:
    name = ""

    def pay(self, order):
        raise OrderError("this order is already paid")

    def ship(self, order):
        raise OrderError("this order has already been shipped")

    def deliver(self, order):
        raise OrderError("an order must be shipped before it is delivered")

    def cancel(self, order):
        raise OrderError("a shipped order cannot be cancelled; ask for a return instead")


class New(OrderState):
    name = "new"

    def pay(self, order):
        order.state = Paid()

    def ship(self, order):
        raise OrderError("an unpaid order cannot be shipped")

    def cancel(self, order):
        order.state = Cancelled()


class Paid(OrderState):
    name = "paid"

    def ship(self, order):
        order.state = Shipped()

    def cancel(self, order):
        order.refunded = order.total
        order.state = Cancelled()


class Shipped(OrderState):
    name = "shipped"

    def deliver(self, order):
        order.state = Delivered()


class Delivered(OrderState):
    name = "delivered"

    def deliver(self, order):
        raise OrderError("this order has already been delivered")


class Cancelled(OrderState):
    name = "cancelled"

    def pay(self, order):
        order.refunded = 0.0
        raise OrderError("a cancelled order cannot be paid")

    def ship(self, order):
        raise OrderError("a cancelled order cannot be shipped")

    def deliver(self, order):
        raise OrderError("a cancelled order cannot be delivered")

    def cancel(self, order):
        raise OrderError("this order is already cancelled")




class Order:
    def __init__(self, total):
        self.total = total
        self.refunded = 0.0
        self.state = New()

    @property
    def status(self):
        return self.state.name

    def pay(self):
        self.state.pay(self)

    def ship(self):
        self.state.ship(self)

    def deliver(self):
        self.state.deliver(self)

    def cancel(self):
        self.state.cancel(self)

