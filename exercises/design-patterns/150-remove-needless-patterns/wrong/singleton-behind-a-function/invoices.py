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


def row(label: str, amount: float) -> str:
    """A label on the left and the amount on the right, cut to fit the width."""
    money = f"{amount:,.{DECIMALS}f} {CURRENCY}"
    room = WIDTH - len(money) - 1
    if len(label) > room:
        label = label[: room - 3] + "..."
    return label.ljust(room) + " " + money


class InvoiceFormatter:
    def __init__(self, width, currency, decimals):
        self.width, self.currency, self.decimals = width, currency, decimals

    def render(self, invoice):
        return _render(invoice)


_formatter = None


def get_formatter():
    """The one shared formatter, made on first use."""
    global _formatter
    if _formatter is None:
        _formatter = InvoiceFormatter(WIDTH, CURRENCY, DECIMALS)
    return _formatter


def render_invoice(invoice: Invoice) -> str:
    return get_formatter().render(invoice)


def _render(invoice: Invoice) -> str:
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
