"""Real state classes, but Order picks the behaviour with isinstance checks on its state."""

from __future__ import annotations


class OrderError(Exception):
    """The order's current status does not allow this action."""


class OrderState:
    """What an order can do in one status. By default every action is refused."""

    name = "?"

    def pay(self, order: Order) -> None:
        raise OrderError(f"a {self.name} order cannot be paid")

    def ship(self, order: Order) -> None:
        raise OrderError(f"a {self.name} order cannot be shipped")

    def deliver(self, order: Order) -> None:
        raise OrderError(f"a {self.name} order cannot be delivered")

    def cancel(self, order: Order) -> None:
        raise OrderError(f"a {self.name} order cannot be cancelled")


class New(OrderState):
    name = "new"

    def pay(self, order: Order) -> None:
        order.state = Paid()

    def cancel(self, order: Order) -> None:
        order.state = Cancelled()


class Paid(OrderState):
    name = "paid"

    def ship(self, order: Order) -> None:
        order.state = Shipped()

    def cancel(self, order: Order) -> None:
        order.refunded = order.total
        order.state = Cancelled()


class Shipped(OrderState):
    name = "shipped"

    def deliver(self, order: Order) -> None:
        order.state = Delivered()

    def cancel(self, order: Order) -> None:
        raise OrderError("a shipped order cannot be cancelled; ask for a return instead")


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
        if isinstance(self.state, New):
            self.state = Paid()
        else:
            self.state.pay(self)

    def ship(self):
        if isinstance(self.state, Paid):
            self.state = Shipped()
        else:
            self.state.ship(self)

    def deliver(self):
        if isinstance(self.state, Shipped):
            self.state = Delivered()
        else:
            self.state.deliver(self)

    def cancel(self):
        if isinstance(self.state, Paid):
            self.refunded = self.total
        self.state.cancel(self)
