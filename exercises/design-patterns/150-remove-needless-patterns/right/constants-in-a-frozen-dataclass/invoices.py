"""Invoice text for the shop's e-mails: two data classes and a few plain functions."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Layout:
    """The invoice's fixed settings, in one place."""

    currency: str = "EUR"
    decimals: int = 2
    width: int = 40


LAYOUT = Layout()
CURRENCY, DECIMALS, WIDTH = LAYOUT.currency, LAYOUT.decimals, LAYOUT.width


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


def row(label: str, amount: float) -> str:
    """A label on the left and the amount on the right, cut to fit the width."""
    money = f"{amount:,.{DECIMALS}f} {CURRENCY}"
    room = WIDTH - len(money) - 1
    if len(label) > room:
        label = label[: room - 3] + "..."
    return label.ljust(room) + " " + money


def render_invoice(invoice: Invoice) -> str:
    rule = "-" * WIDTH
    rows = [f"Invoice {invoice.number} for {invoice.customer}", rule]
    total = 0.0
    for line in invoice.lines:
        amount = round(line.quantity * line.unit_price, DECIMALS)
        total += amount
        rows.append(row(f"{line.quantity} x {line.description}", amount))
    rows += [rule, row("Total", total)]
    return "\n".join(rows)


if __name__ == "__main__":
    print(render_invoice(Invoice("2026-0042", "Ada Lovelace", (
        Line("Desk lamp", 2, 19.90),
        Line("Bulb", 1, 3.50),
    ))))
