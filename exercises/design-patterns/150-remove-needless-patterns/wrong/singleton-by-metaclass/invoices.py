"""Invoice text: plain functions, and the settings kept as a one-instance class, just in case."""

from __future__ import annotations

from dataclasses import dataclass



class _OneOnly(type):
    """Makes each class using it hand out one shared instance."""

    _made: dict = {}

    def __call__(cls, *args, **kwargs):
        if cls not in _OneOnly._made:
            _OneOnly._made[cls] = super().__call__(*args, **kwargs)
        return _OneOnly._made[cls]


class Settings(metaclass=_OneOnly):
    currency = "EUR"
    decimals = 2
    width = 40


CURRENCY = Settings().currency
DECIMALS = Settings().decimals
WIDTH = Settings().width


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
