"""Handler classes per team, but one dispatcher still picks the team with a ladder."""

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

    def handle(self, ticket):
        return None


class PasswordBot(Handler):
    def handle(self, ticket):
        return "bot: password reset link sent" if ticket.topic == "password" else None


class RefundDesk(Handler):
    def handle(self, ticket):
        if ticket.topic == "refund" and ticket.amount <= 50:
            return f"desk: refund of {ticket.amount:.2f} approved"
        return None


class Manager(Handler):
    def handle(self, ticket):
        if ticket.topic == "refund" and ticket.amount <= 500:
            return f"manager: refund of {ticket.amount:.2f} approved"
        return None


class Engineering(Handler):
    def handle(self, ticket):
        return "engineering: bug report filed" if ticket.topic == "bug" else None


class Dispatcher(Handler):
    def handle(self, ticket):
        if ticket.topic == "password":
            return PasswordBot().handle(ticket)
        elif ticket.topic == "refund":
            return RefundDesk().handle(ticket) or Manager().handle(ticket)
        elif ticket.topic == "bug":
            return Engineering().handle(ticket)
        return None


def build_chain():
    return Dispatcher()
