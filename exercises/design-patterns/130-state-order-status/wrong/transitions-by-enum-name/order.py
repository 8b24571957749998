"""An online order: statuses are an Enum; each state object looks its moves up by status."""

from __future__ import annotations

from enum import Enum


class OrderError(Exception):
    """The order's current status does not allow this action."""


class Status(Enum):
    NEW = "new"
    PAID = "paid"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


MOVES = {
    (Status.NEW, "pay"): Status.PAID,
    (Status.NEW, "cancel"): Status.CANCELLED,
    (Status.PAID, "ship"): Status.SHIPPED,
    (Status.PAID, "cancel"): Status.CANCELLED,
    (Status.SHIPPED, "deliver"): Status.DELIVERED,
}


class OrderState:
    status = Status.NEW

    @property
    def name(self):
        return self.status.value

    def _move(self, order, action):
        target = MOVES.get((self.status, action))
        if target is None:
            raise OrderError(f"a {self.name} order cannot {action}")
        if self.status is Status.PAID and action == "cancel":
            order.refunded = order.total
        order.state = CLASSES[target]()

    def pay(self, order):
        self._move(order, "pay")

    def ship(self, order):
        self._move(order, "ship")

    def deliver(self, order):
        self._move(order, "deliver")

    def cancel(self, order):
        self._move(order, "cancel")


class New(OrderState):
    status = Status.NEW


class Paid(OrderState):
    status = Status.PAID


class Shipped(OrderState):
    status = Status.SHIPPED


class Delivered(OrderState):
    status = Status.DELIVERED


class Cancelled(OrderState):
    status = Status.CANCELLED


CLASSES = {c.status: c for c in (New, Paid, Shipped, Delivered, Cancelled)}


class Order:
    def __init__(self, total: float) -> None:
        self.total = total
        self.refunded = 0.0
        self.state = New()

    @property
    def status(self) -> str:
        return self.state.name

    def pay(self):
        self.state.pay(self)

    def ship(self):
        self.state.ship(self)

    def deliver(self):
        self.state.deliver(self)

    def cancel(self):
        self.state.cancel(self)
