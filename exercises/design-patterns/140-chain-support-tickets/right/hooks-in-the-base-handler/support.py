"""A chain of handlers: the base class owns the passing on; subclasses fill in two hooks."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Ticket:
    topic: str
    amount: float = 0.0


class Handler:
    def __init__(self):
        self.successor = None

    def set_next(self, handler):
        self.successor = handler
        return handler

    def handle(self, ticket):
        if self.can_handle(ticket):
            return self.answer(ticket)
        return self.successor.handle(ticket) if self.successor else None

    def can_handle(self, ticket) -> bool:
        return False

    def answer(self, ticket) -> str:
        raise NotImplementedError


class PasswordBot(Handler):
    def can_handle(self, ticket):
        return ticket.topic == "password"

    def answer(self, ticket):
        return "bot: password reset link sent"


class RefundDesk(Handler):
    who, limit = "desk", 50

    def can_handle(self, ticket):
        return ticket.topic == "refund" and ticket.amount <= self.limit

    def answer(self, ticket):
        return f"{self.who}: refund of {ticket.amount:.2f} approved"


class Manager(RefundDesk):
    who, limit = "manager", 500


class Engineering(Handler):
    def can_handle(self, ticket):
        return ticket.topic == "bug"

    def answer(self, ticket):
        return "engineering: bug report filed"


def build_chain():
    first = PasswordBot()
    first.set_next(RefundDesk()).set_next(Manager()).set_next(Engineering())
    return first
