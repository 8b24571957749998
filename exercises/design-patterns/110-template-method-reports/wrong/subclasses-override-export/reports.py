"""A base class with the template, but each format overrides export() with its own copy."""

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
        return "\n".join(lines)

    def header(self):
        raise NotImplementedError

    def line(self, sale):
        raise NotImplementedError

    def footer(self, total):
        return None


class CsvReport(ReportExporter):
    def export(self, sales):
        kept = sorted((s for s in sales if not s.cancelled), key=lambda s: s.day)
        lines = ["day,product,amount"]
        lines += [f"{s.day},{s.product},{s.amount:.2f}" for s in kept]
        lines.append(f"total,,{sum(s.amount for s in kept):.2f}")
        return "\n".join(lines)


class MarkdownReport(ReportExporter):
    def export(self, sales):
        kept = sorted((s for s in sales if not s.cancelled), key=lambda s: s.day)
        lines = ["| Day | Product | Amount |", "|---|---|---:|"]
        lines += [f"| {s.day} | {s.product} | {s.amount:.2f} |" for s in kept]
        lines.append(f"| **Total** | | **{sum(s.amount for s in kept):.2f}** |")
        return "\n".join(lines)
