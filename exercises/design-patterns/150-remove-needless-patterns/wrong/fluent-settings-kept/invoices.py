"""Invoice text for the shop's e-mails."""

from __future__ import annotations

from dataclasses import dataclass


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



class Settings:
    def __init__(self):
        self.currency, self.decimals, self.width = "EUR", 2, 40

    def with_width(self, width):
        self.width = width
        return self


SETTINGS = Settings().with_width(40)


def row(label, amount):
    money = f"{amount:,.{SETTINGS.decimals}f} {SETTINGS.currency}"
    room = SETTINGS.width - len(money) - 1
    if len(label) > room:
        label = label[: room - 3] + "..."
    return label.ljust(room) + " " + money


def render_invoice(invoice):
    rule = "-" * SETTINGS.width
    rows = [f"Invoice {invoice.number} for {invoice.customer}", rule]
    total = 0.0
    for line in invoice.lines:
        amount = round(line.quantity * line.unit_price, SETTINGS.decimals)
        total += amount
        rows.append(row(f"{line.quantity} x {line.description}", amount))
    rows.append(rule)
    rows.append(row("Total", total))
    return "\n".join(rows)
