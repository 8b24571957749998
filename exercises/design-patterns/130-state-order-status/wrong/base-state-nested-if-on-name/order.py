"""An online order whose status is an object that holds that status's rules."""


class OrderError(Exception):
    """The order's current status does not allow this action."""


class OrderState:
    """Every action refused unless a status says otherwise; subclasses give the messages."""

    name = ""
    pay_refusal = ship_refusal = deliver_refusal = cancel_refusal = ""

    def pay(self, order):
        raise OrderError(self.pay_refusal)

    def ship(self, order):
        raise OrderError(self.ship_refusal)

    def deliver(self, order):
        raise OrderError(self.deliver_refusal)

    def cancel(self, order):
        if self.name in ("new", "paid"):
            if self.name == "paid":
                order.refunded = order.total
            order.state = Cancelled()
        else:
            raise OrderError(self.cancel_refusal)


class New(OrderState):
    name = "new"
    ship_refusal = "an unpaid order cannot be shipped"
    deliver_refusal = "an order must be shipped before it is delivered"

    def pay(self, order):
        order.state = Paid()



class Paid(OrderState):
    name = "paid"
    pay_refusal = "this order is already paid"
    deliver_refusal = "an order must be shipped before it is delivered"

    def ship(self, order):
        order.state = Shipped()



class Shipped(OrderState):
    name = "shipped"
    pay_refusal = "this order is already paid"
    ship_refusal = "this order has already been shipped"
    cancel_refusal = "a shipped order cannot be cancelled; ask for a return instead"

    def deliver(self, order):
        order.state = Delivered()


class Delivered(OrderState):
    name = "delivered"
    pay_refusal = "this order is already paid"
    ship_refusal = "this order has already been shipped"
    deliver_refusal = "this order has already been delivered"
    cancel_refusal = "a shipped order cannot be cancelled; ask for a return instead"


class Cancelled(OrderState):
    name = "cancelled"
    pay_refusal = "a cancelled order cannot be paid"
    ship_refusal = "a cancelled order cannot be shipped"
    deliver_refusal = "a cancelled order cannot be delivered"
    cancel_refusal = "this order is already cancelled"


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


if __name__ == "__main__":
    order = Order(40.0)
    for action in (order.pay, order.ship, order.cancel, order.deliver):
        try:
            action()
        except OrderError as error:
            print(f"{action.__name__} refused: {error}")
    print(f"status: {order.status}, refunded: {order.refunded:.2f}")
