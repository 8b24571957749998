"""Order delegates to state objects, but one base class decides everything by the state's name."""


class OrderError(Exception):
    """The order's current status does not allow this action."""


class OrderState:
    name = "new"

    def pay(self, order):
        if self.name == "new":
            order.state = Paid()
        else:
            raise OrderError(f"a {self.name} order cannot be paid")

    def ship(self, order):
        if self.name == "paid":
            order.state = Shipped()
        else:
            raise OrderError(f"a {self.name} order cannot be shipped")

    def deliver(self, order):
        if self.name == "shipped":
            order.state = Delivered()
        else:
            raise OrderError(f"a {self.name} order cannot be delivered")

    def cancel(self, order):
        if self.name == "new":
            order.state = Cancelled()
        elif self.name == "paid":
            order.refunded = order.total
            order.state = Cancelled()
        else:
            raise OrderError(f"a {self.name} order cannot be cancelled")


class New(OrderState):
    name = "new"


class Paid(OrderState):
    name = "paid"


class Shipped(OrderState):
    name = "shipped"


class Delivered(OrderState):
    name = "delivered"


class Cancelled(OrderState):
    name = "cancelled"


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
