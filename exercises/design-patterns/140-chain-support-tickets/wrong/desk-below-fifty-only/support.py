"""Who answers a support ticket: a chain of handlers."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Ticket:
    topic: str  # "password", "refund", "bug", ...
    amount: float = 0.0  # for refunds


class Handler:
    def __init__(self):
        self._next = None

    def set_next(self, handler):
        self._next = handler
        return handler

    def handle(self, ticket):
        if self._next is None:
            return None
        return self._next.handle(ticket)


class PasswordBot(Handler):
    def handle(self, ticket):
        if ticket.topic == "password":
            return "bot: password reset link sent"
        return super().handle(ticket)


class RefundDesk(Handler):
    def handle(self, ticket):
        if ticket.topic == "refund" and ticket.amount < 50:
            return f"desk: refund of {ticket.amount:.2f} approved"
        return super().handle(ticket)


class Manager(Handler):
    def handle(self, ticket):
        if ticket.topic == "refund" and ticket.amount <= 500:
            return f"manager: refund of {ticket.amount:.2f} approved"
        return super().handle(ticket)


class Engineering(Handler):
    def handle(self, ticket):
        if ticket.topic == "bug":
            return "engineering: bug report filed"
        return super().handle(ticket)


def build_chain():
    bot = PasswordBot()
    bot.set_next(RefundDesk()).set_next(Manager()).set_next(Engineering())
    return bot
