"""Invoice text for the shop's e-mails: two data classes and a few plain functions."""

from __future__ import annotations

from dataclasses import dataclass

CURRENCY = "EUR"
DECIMALS = 2
WIDTH = 40


@dataclass(frozen=True)
class Line:
    description: str
    quantity: int
    unit_price: float


@dataclass(frozen=True)
class Invoice:
    number: str
    customer: str
    lines: tuple[Line, ...]


RULE = "-" * WIDTH


def row(label: str, amount: float) -> str:
    """A label on the left and the amount on the right, cut to fit the width."""
    money = f"{amount:,.{DECIMALS}f} {CURRENCY}"
    room = WIDTH - len(money) - 1
    fitted = label if len(label) <= room else f"{label[: room - 3]}..."
    return f"{fitted:<{room}} {money}"


def rows(invoice: Invoice):
    """The invoice's rows, top to bottom; the total is the sum of the rounded line amounts."""
    yield f"Invoice {invoice.number} for {invoice.customer}"
    yield RULE
    amounts = [round(line.quantity * line.unit_price, DECIMALS) for line in invoice.lines]
    for line, amount in zip(invoice.lines, amounts, strict=True):
        yield row(f"{line.quantity} x {line.description}", amount)
    yield RULE
    yield row("Total", sum(amounts))


def render_invoice(invoice: Invoice) -> str:
    return "\n".join(rows(invoice))


if __name__ == "__main__":
    print(render_invoice(Invoice("2026-0042", "Ada Lovelace", (
        Line("Desk lamp", 2, 19.90),
        Line("Bulb", 1, 3.50),
    ))))
