"""A real chain, but every handler assumes there is always someone after it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Ticket:
    topic: str  # "password", "refund", "bug", ...
    amount: float = 0.0  # for refunds


class Handler:
    def __init__(self):
        self.next_handler = None

    def set_next(self, handler):
        self.next_handler = handler
        return handler

    def answer(self, ticket):
        return None

    def handle(self, ticket):
        mine = self.answer(ticket)
        if mine is not None:
            return mine
        return self.next_handler.handle(ticket)


class PasswordBot(Handler):
    def answer(self, ticket):
        if ticket.topic == "password":
            return "bot: password reset link sent"
        return None


class RefundDesk(Handler):
    def answer(self, ticket):
        if ticket.topic == "refund" and ticket.amount <= 50:
            return f"desk: refund of {ticket.amount:.2f} approved"
        return None


class Manager(Handler):
    def answer(self, ticket):
        if ticket.topic == "refund" and ticket.amount <= 500:
            return f"manager: refund of {ticket.amount:.2f} approved"
        return None


class Engineering(Handler):
    def answer(self, ticket):
        if ticket.topic == "bug":
            return "engineering: bug report filed"
        return None


def build_chain():
    first = PasswordBot()
    first.set_next(RefundDesk()).set_next(Manager()).set_next(Engineering())
    return first
