"""The base class is a toolbox of steps; each format still writes export() and calls them."""

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
    def kept(self, sales):
        return sorted((s for s in sales if not s.cancelled), key=lambda s: s.day)

    def total(self, sales):
        return sum(s.amount for s in sales)


class CsvReport(ReportExporter):
    def export(self, sales):
        kept = self.kept(sales)
        lines = ["day,product,amount"]
        lines += [f"{s.day},{s.product},{s.amount:.2f}" for s in kept]
        lines.append(f"total,,{self.total(kept):.2f}")
        return "\n".join(lines)


class MarkdownReport(ReportExporter):
    def export(self, sales):
        kept = self.kept(sales)
        lines = ["| Day | Product | Amount |", "|---|---|---:|"]
        lines += [f"| {s.day} | {s.product} | {s.amount:.2f} |" for s in kept]
        lines.append(f"| **Total** | | **{self.total(kept):.2f}** |")
        return "\n".join(lines)
