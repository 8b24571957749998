"""A real template method, but every step has a harmless-looking default."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Sale:
    day: str
    product: str
    amount: float
    cancelled: bool = False


SALES = [
    Sale("2025-03-02", "Tea", 4.50),
    Sale("2025-03-01", "Coffee", 3.20),
    Sale("2025-03-02", "Cake", 5.00, cancelled=True),
    Sale("2025-03-03", "Coffee", 3.20),
]


class ReportExporter:
    def export(self, sales):
        kept = sorted((s for s in sales if not s.cancelled), key=lambda s: s.day)
        lines = [self.header()] + [self.line(s) for s in kept]
        footer = self.footer(sum(s.amount for s in kept))
        if footer is not None:
            lines.append(footer)
        return "\n".join(line for line in lines if line)

    def header(self):
        return ""

    def line(self, sale):
        return ""

    def footer(self, total):
        return None


class CsvReport(ReportExporter):
    def header(self):
        return "day,product,amount"

    def line(self, sale):
        return f"{sale.day},{sale.product},{sale.amount:.2f}"

    def footer(self, total):
        return f"total,,{total:.2f}"


class MarkdownReport(ReportExporter):
    def header(self):
        return "| Day | Product | Amount |\n|---|---|---:|"

    def line(self, sale):
        return f"| {sale.day} | {sale.product} | {sale.amount:.2f} |"

    def footer(self, total):
        return f"| **Total** | | **{total:.2f}** |"
