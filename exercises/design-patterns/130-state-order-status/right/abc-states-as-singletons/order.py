"""An online order whose behaviour depends on its status: one state object per status."""

from __future__ import annotations

from abc import ABC
from abc import abstractmethod


class OrderError(Exception):
    """The order's current status does not allow this action."""


class OrderState(ABC):
    """What an order can do in one status. By default every action is refused."""

    @property
    @abstractmethod
    def name(self) -> str:
        """The status, as the shop shows it."""

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
        order.state = STATES['Paid']

    def cancel(self, order: Order) -> None:
        order.state = STATES['Cancelled']


class Paid(OrderState):
    name = "paid"

    def ship(self, order: Order) -> None:
        order.state = STATES['Shipped']

    def cancel(self, order: Order) -> None:
        order.refunded = order.total
        order.state = STATES['Cancelled']


class Shipped(OrderState):
    name = "shipped"

    def deliver(self, order: Order) -> None:
        order.state = STATES['Delivered']

    def cancel(self, order: Order) -> None:
        raise OrderError("a shipped order cannot be cancelled; ask for a return instead")


class Delivered(OrderState):
    name = "delivered"


class Cancelled(OrderState):
    name = "cancelled"


STATES = {cls.__name__: cls() for cls in (New, Paid, Shipped, Delivered, Cancelled)}


class Order:
    """The context: it holds the current state and hands every action to it."""

    def __init__(self, total: float) -> None:
        self.total = total
        self.refunded = 0.0
        self.state: OrderState = STATES['New']

    @property
    def status(self) -> str:
        return self.state.name

    def pay(self) -> None:
        self.state.pay(self)

    def ship(self) -> None:
        self.state.ship(self)

    def deliver(self) -> None:
        self.state.deliver(self)

    def cancel(self) -> None:
        self.state.cancel(self)


if __name__ == "__main__":
    order = Order(40.0)
    for action in (order.pay, order.ship, order.cancel, order.deliver):
        try:
            action()
        except OrderError as error:
            print(f"{action.__name__} refused: {error}")
    print(f"status: {order.status}, refunded: {order.refunded:.2f}")
