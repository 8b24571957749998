"""Support tickets travel along a chain of handlers; each one answers or passes the ticket on."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Ticket:
    topic: str  # "password", "refund", "bug", ...
    amount: float = 0.0  # for refunds


class Handler:
    """One link of the chain. By default it cannot help, so it passes the ticket on."""

    def __init__(self) -> None:
        self._next: Handler | None = None

    def set_next(self, handler: Handler) -> Handler:
        self._next = handler
        return handler  # so links can be written a.set_next(b).set_next(c)

    def handle(self, ticket: Ticket) -> str | None:
        following = self._next or self._following_class()
        if following is None:
            return None
        return following.handle(ticket)

    def _following_class(self):
        # The handlers come in the order they are written in this file.
        order = Handler.__subclasses__()
        index = order.index(type(self)) if type(self) in order else len(order)
        return order[index + 1]() if index + 1 < len(order) else None


class PasswordBot(Handler):
    def handle(self, ticket: Ticket) -> str | None:
        if ticket.topic == "password":
            return "bot: password reset link sent"
        return super().handle(ticket)


class RefundDesk(Handler):
    limit = 50

    def handle(self, ticket: Ticket) -> str | None:
        if ticket.topic == "refund" and ticket.amount <= self.limit:
            return f"desk: refund of {ticket.amount:.2f} approved"
        return super().handle(ticket)


class Manager(Handler):
    limit = 500

    def handle(self, ticket: Ticket) -> str | None:
        if ticket.topic == "refund" and ticket.amount <= self.limit:
            return f"manager: refund of {ticket.amount:.2f} approved"
        return super().handle(ticket)


class Engineering(Handler):
    def handle(self, ticket: Ticket) -> str | None:
        if ticket.topic == "bug":
            return "engineering: bug report filed"
        return super().handle(ticket)


def build_chain() -> Handler:
    """The web form's chain: bot, desk, manager, engineering. Returns its first handler."""
    first = PasswordBot()
    first.set_next(RefundDesk()).set_next(Manager()).set_next(Engineering())
    return first


if __name__ == "__main__":
    chain = build_chain()
    for ticket in (Ticket("password"), Ticket("refund", 50), Ticket("refund", 120),
                   Ticket("refund", 900), Ticket("bug"), Ticket("invoice")):
        print(f"{ticket}: {chain.handle(ticket)}")
