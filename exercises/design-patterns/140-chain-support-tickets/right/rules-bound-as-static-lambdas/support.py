"""Support tickets travel along a chain of handlers; each one answers or passes the ticket on."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Ticket:
    topic: str  # "password", "refund", "bug", ...
    amount: float = 0.0  # for refunds


class Handler:
    """One link: answers when its rule accepts the ticket, else asks the next link."""

    accepts = staticmethod(lambda ticket: False)
    reply = staticmethod(lambda ticket: None)

    def __init__(self) -> None:
        self._next = None

    def set_next(self, handler):
        self._next = handler
        return handler

    def handle(self, ticket: Ticket) -> str | None:
        if self.accepts(ticket):
            return self.reply(ticket)
        return self._next.handle(ticket) if self._next is not None else None


def refund_up_to(limit: float):
    """The rule of a team that approves refunds up to `limit`."""
    return staticmethod(lambda ticket: ticket.topic == "refund" and ticket.amount <= limit)


class PasswordBot(Handler):
    accepts = staticmethod(lambda ticket: ticket.topic == "password")
    reply = staticmethod(lambda ticket: "bot: password reset link sent")


class RefundDesk(Handler):
    accepts = refund_up_to(50)
    reply = staticmethod(lambda ticket: f"desk: refund of {ticket.amount:.2f} approved")


class Manager(Handler):
    accepts = refund_up_to(500)
    reply = staticmethod(lambda ticket: f"manager: refund of {ticket.amount:.2f} approved")


class Engineering(Handler):
    accepts = staticmethod(lambda ticket: ticket.topic == "bug")
    reply = staticmethod(lambda ticket: "engineering: bug report filed")


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
