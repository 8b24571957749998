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

from typing import Protocol

CURRENCY = "EUR"
DECIMALS = 2
WIDTH = 40


class Renders(Protocol):
    def __call__(self, invoice: Invoice) -> str: ...


def row(label, amount):
    money = f"{amount:,.{DECIMALS}f} {CURRENCY}"
    room = WIDTH - len(money) - 1
    if len(label) > room:
        label = label[: room - 3] + "..."
    return label.ljust(room) + " " + money


def plain_text(invoice):
    rule = "-" * WIDTH
    rows = [f"Invoice {invoice.number} for {invoice.customer}", rule]
    total = 0.0
    for line in invoice.lines:
        amount = round(line.quantity * line.unit_price, DECIMALS)
        total += amount
        rows.append(row(f"{line.quantity} x {line.description}", amount))
    rows.append(rule)
    rows.append(row("Total", total))
    return "\n".join(rows)


RENDERER: Renders = plain_text


def render_invoice(invoice):
    return RENDERER(invoice)
