"""Invoice text for the shop's e-mails.

It works. It was also built for a future that never came: start at render_invoice() and
follow the calls down to the code that actually writes the invoice.
"""

from __future__ import annotations

from abc import ABC
from abc import abstractmethod
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


class FormatterSettings:
    def __init__(self, currency, decimals, width):
        self.currency = currency
        self.decimals = decimals
        self.width = width


class FormatterSettingsBuilder:
    def __init__(self):
        self._currency = "EUR"
        self._decimals = 2
        self._width = 40

    def with_currency(self, currency):
        self._currency = currency
        return self

    def with_decimals(self, decimals):
        self._decimals = decimals
        return self

    def with_width(self, width):
        self._width = width
        return self

    def build(self):
        return FormatterSettings(self._currency, self._decimals, self._width)


class AbstractInvoiceFormatter(ABC):
    @abstractmethod
    def format(self, invoice: Invoice) -> str: ...


class PlainTextInvoiceFormatter(AbstractInvoiceFormatter):
    def __init__(self, settings):
        self.settings = settings

    def format(self, invoice):
        rule = "-" * self.settings.width
        rows = [f"Invoice {invoice.number} for {invoice.customer}", rule]
        total = 0.0
        for line in invoice.lines:
            amount = round(line.quantity * line.unit_price, self.settings.decimals)
            total += amount
            rows.append(self._row(f"{line.quantity} x {line.description}", amount))
        rows.append(rule)
        rows.append(self._row("Total", total))
        return "\n".join(rows)

    def _row(self, label, amount):
        money = f"{amount:,.{self.settings.decimals}f} {self.settings.currency}"
        room = self.settings.width - len(money) - 1
        if len(label) > room:
            label = label[: room - 3] + "..."
        return label.ljust(room) + " " + money


class AbstractFormatterFactory(ABC):
    @abstractmethod
    def create_formatter(self) -> AbstractInvoiceFormatter: ...


class PlainTextFormatterFactory(AbstractFormatterFactory):
    def create_formatter(self):
        settings = (
            FormatterSettingsBuilder().with_currency("EUR").with_decimals(2).with_width(40).build()
        )
        return PlainTextInvoiceFormatter(settings)


class FormatterFactoryFactory:
    """Hands out formatter factories; one instance for the whole app."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def get_factory(self, kind="plain"):
        # Room to grow: HTML, PDF, ... (none so far, in three years)
        return PlainTextFormatterFactory()


def render_invoice(invoice):
    factory = FormatterFactoryFactory().get_factory("plain")
    formatter = factory.create_formatter()
    return formatter.format(invoice)


if __name__ == "__main__":
    print(render_invoice(Invoice("2026-0042", "Ada Lovelace", (
        Line("Desk lamp", 2, 19.90),
        Line("Bulb", 1, 3.50),
    ))))
