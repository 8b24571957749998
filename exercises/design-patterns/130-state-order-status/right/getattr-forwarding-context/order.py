"""An online order whose behaviour depends on its status: one state object per status."""

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
    """The context: it holds the current state and hands every action to it."""

    def __init__(self, total: float) -> None:
        self.total = total
        self.refunded = 0.0
        self.state: OrderState = New()

    @property
    def status(self) -> str:
        return self.state.name

    def _forward(self, action: str) -> None:
        getattr(self.state, action)(self)

    def pay(self) -> None:
        self._forward("pay")

    def ship(self) -> None:
        self._forward("ship")

    def deliver(self) -> None:
        self._forward("deliver")

    def cancel(self) -> None:
        self._forward("cancel")


if __name__ == "__main__":
    order = Order(40.0)
    for action in (order.pay, order.ship, order.cancel, order.deliver):
        try:
            action()
        except OrderError as error:
            print(f"{action.__name__} refused: {error}")
    print(f"status: {order.status}, refunded: {order.refunded:.2f}")
