"""One export() in the base class, but it picks the format with a ladder on a format name."""

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
    fmt = "csv"

    def export(self, sales):
        kept = sorted((s for s in sales if not s.cancelled), key=lambda s: s.day)
        total = sum(s.amount for s in kept)
        if self.fmt == "csv":
            lines = ["day,product,amount"]
            lines += [f"{s.day},{s.product},{s.amount:.2f}" for s in kept]
            lines.append(f"total,,{total:.2f}")
        elif self.fmt == "markdown":
            lines = ["| Day | Product | Amount |", "|---|---|---:|"]
            lines += [f"| {s.day} | {s.product} | {s.amount:.2f} |" for s in kept]
            lines.append(f"| **Total** | | **{total:.2f}** |")
        else:
            raise ValueError(f"unknown report format: {self.fmt}")
        return "\n".join(lines)


class CsvReport(ReportExporter):
    fmt = "csv"


class MarkdownReport(ReportExporter):
    fmt = "markdown"
