"""An online order and the rules for moving it from one status to the next."""


class OrderError(Exception):
    """The order's current status does not allow this action."""


class Order:
    def __init__(self, total):
        self.total = total
        self.refunded = 0.0
        self.status = "new"

    def pay(self):
        if self.status == "new":
            self.status = "paid"
        elif self.status == "cancelled":
            raise OrderError("a cancelled order cannot be paid")
        else:
            raise OrderError("this order is already paid")

    def ship(self):
        if self.status == "new":
            raise OrderError("an unpaid order cannot be shipped")
        elif self.status == "paid":
            self.status = "shipped"
        elif self.status == "cancelled":
            raise OrderError("a cancelled order cannot be shipped")
        else:
            raise OrderError("this order has already been shipped")

    def deliver(self):
        if self.status == "shipped":
            self.status = "delivered"
        elif self.status == "delivered":
            raise OrderError("this order has already been delivered")
        elif self.status == "cancelled":
            raise OrderError("a cancelled order cannot be delivered")
        else:
            raise OrderError("an order must be shipped before it is delivered")

    def cancel(self):
        if self.status == "new":
            self.status = "cancelled"
        elif self.status == "paid":
            self.refunded = self.total
            self.status = "cancelled"
        elif self.status == "cancelled":
            raise OrderError("this order is already cancelled")
        else:
            raise OrderError("a shipped order cannot be cancelled; ask for a return instead")


if __name__ == "__main__":
    order = Order(40.0)
    for action in (order.pay, order.ship, order.cancel, order.deliver):
        try:
            action()
        except OrderError as error:
            print(f"{action.__name__} refused: {error}")
    print(f"status: {order.status}, refunded: {order.refunded:.2f}")
