"""Invoice text: no ABC any more, but a base class with a stub kept "in case we need PDF"."""

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


class Formatting:
    """Subclasses say how an invoice reads."""

    def format(self, invoice: Invoice) -> str:
        raise NotImplementedError(f"{type(self).__name__} must say how an invoice reads")


class InvoiceFormatter(Formatting):
    def format(self, invoice):
        rule = "-" * WIDTH
        rows = [f"Invoice {invoice.number} for {invoice.customer}", rule]
        total = 0.0
        for line in invoice.lines:
            amount = round(line.quantity * line.unit_price, DECIMALS)
            total += amount
            rows.append(self.row(f"{line.quantity} x {line.description}", amount))
        rows += [rule, self.row("Total", total)]
        return "\n".join(rows)

    def row(self, label, amount):
        money = f"{amount:,.{DECIMALS}f} {CURRENCY}"
        room = WIDTH - len(money) - 1
        if len(label) > room:
            label = label[: room - 3] + "..."
        return label.ljust(room) + " " + money


def render_invoice(invoice):
    return InvoiceFormatter().format(invoice)
