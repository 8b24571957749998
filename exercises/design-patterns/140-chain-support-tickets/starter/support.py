"""Who answers a support ticket? For now, one function decides for every channel."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Ticket:
    topic: str  # "password", "refund", "bug", ...
    amount: float = 0.0  # for refunds


def route(ticket):
    """Return the answer to a ticket, or None when nobody here can deal with it."""
    if ticket.topic == "password":
        return "bot: password reset link sent"
    elif ticket.topic == "refund" and ticket.amount <= 50:
        return f"desk: refund of {ticket.amount:.2f} approved"
    elif ticket.topic == "refund" and ticket.amount <= 500:
        return f"manager: refund of {ticket.amount:.2f} approved"
    elif ticket.topic == "bug":
        return "engineering: bug report filed"
    return None


if __name__ == "__main__":
    for ticket in (Ticket("password"), Ticket("refund", 50), Ticket("refund", 120),
                   Ticket("refund", 900), Ticket("bug"), Ticket("invoice")):
        print(f"{ticket}: {route(ticket)}")
