"""Daily sales reports: one algorithm in the base class, one small subclass per format."""

from abc import ABC
from abc import abstractmethod
from dataclasses import dataclass


@dataclass(frozen=True)
class Sale:
    day: str  # ISO date, e.g. "2025-03-01"
    product: str
    amount: float
    cancelled: bool = False


SALES = [
    Sale("2025-03-02", "Tea", 4.50),
    Sale("2025-03-01", "Coffee", 3.20),
    Sale("2025-03-02", "Cake", 5.00, cancelled=True),
    Sale("2025-03-03", "Coffee", 3.20),
]


class ReportExporter(ABC):
    """Owns the algorithm; subclasses only say how a header, a line and a footer look."""

    def export(self, sales: list[Sale]) -> str:
        """The template method: the same steps, in the same order, for every format."""
        kept = sorted((sale for sale in sales if not sale.cancelled), key=lambda s: s.day)
        return self._render(kept)

    def _render(self, kept: list[Sale]) -> str:
        lines = [self.header()]
        lines += [self.line(sale) for sale in kept]
        footer = self.footer(sum(sale.amount for sale in kept))
        if footer is not None:
            lines.append(footer)
        return "\n".join(lines)

    @abstractmethod
    def header(self) -> str:
        """The first line(s) of the report."""

    @abstractmethod
    def line(self, sale: Sale) -> str:
        """One sale, formatted."""

    def footer(self, total: float) -> str | None:
        """The closing line, given the total of the kept sales; optional (None: no footer)."""
        return None


class CsvReport(ReportExporter):
    def _render(self, kept: list[Sale]) -> str:
        # The CSV team wants full control of its file.
        rows = ["day,product,amount"]
        rows += [f"{sale.day},{sale.product},{sale.amount:.2f}" for sale in kept]
        rows.append(f"total,,{sum(sale.amount for sale in kept):.2f}")
        return "\n".join(rows)

    def header(self) -> str:
        return "day,product,amount"

    def line(self, sale: Sale) -> str:
        return f"{sale.day},{sale.product},{sale.amount:.2f}"

    def footer(self, total: float) -> str:
        return f"total,,{total:.2f}"


class MarkdownReport(ReportExporter):
    def _render(self, kept: list[Sale]) -> str:
        rows = ["| Day | Product | Amount |", "|---|---|---:|"]
        rows += [f"| {sale.day} | {sale.product} | {sale.amount:.2f} |" for sale in kept]
        rows.append(f"| **Total** | | **{sum(sale.amount for sale in kept):.2f}** |")
        return "\n".join(rows)

    def header(self) -> str:
        return "| Day | Product | Amount |\n|---|---|---:|"

    def line(self, sale: Sale) -> str:
        return f"| {sale.day} | {sale.product} | {sale.amount:.2f} |"

    def footer(self, total: float) -> str:
        return f"| **Total** | | **{total:.2f}** |"


if __name__ == "__main__":
    print(CsvReport().export(SALES))
    print()
    print(MarkdownReport().export(SALES))
