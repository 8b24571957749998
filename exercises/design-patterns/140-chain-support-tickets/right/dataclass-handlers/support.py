"""Support handlers as dataclasses with a link to the next one."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Ticket:
    topic: str
    amount: float = 0.0


@dataclass
class Handler:
    next_handler: Handler | None = None

    def set_next(self, handler: Handler) -> Handler:
        self.next_handler = handler
        return handler

    def pass_on(self, ticket: Ticket) -> str | None:
        return None if self.next_handler is None else self.next_handler.handle(ticket)

    def handle(self, ticket: Ticket) -> str | None:
        return self.pass_on(ticket)


@dataclass
class PasswordBot(Handler):
    def handle(self, ticket):
        if ticket.topic == "password":
            return "bot: password reset link sent"
        return self.pass_on(ticket)


@dataclass
class RefundDesk(Handler):
    limit: float = 50.0

    def handle(self, ticket):
        if ticket.topic == "refund" and ticket.amount <= self.limit:
            return f"desk: refund of {ticket.amount:.2f} approved"
        return self.pass_on(ticket)


@dataclass
class Manager(Handler):
    limit: float = 500.0

    def handle(self, ticket):
        if ticket.topic == "refund" and ticket.amount <= self.limit:
            return f"manager: refund of {ticket.amount:.2f} approved"
        return self.pass_on(ticket)


@dataclass
class Engineering(Handler):
    def handle(self, ticket):
        return "engineering: bug report filed" if ticket.topic == "bug" else self.pass_on(ticket)


def build_chain():
    first = PasswordBot()
    first.set_next(RefundDesk()).set_next(Manager()).set_next(Engineering())
    return first
