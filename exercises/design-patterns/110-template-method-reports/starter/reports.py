"""Daily sales reports for the café's accountant (CSV) and the team wiki (Markdown)."""

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


class CsvReport:
    def export(self, sales):
        kept = [sale for sale in sales if not sale.cancelled]
        kept.sort(key=lambda sale: sale.day)
        lines = ["day,product,amount"]
        for sale in kept:
            lines.append(f"{sale.day},{sale.product},{sale.amount:.2f}")
        total = sum(sale.amount for sale in kept)
        lines.append(f"total,,{total:.2f}")
        return "\n".join(lines)


class MarkdownReport:
    # Copied from CsvReport last spring, then edited. Spot what got lost on the way.
    def export(self, sales):
        rows = sorted(sales, key=lambda sale: sale.day)
        out = ["| Day | Product | Amount |", "|---|---|---:|"]
        for sale in rows:
            out.append(f"| {sale.day} | {sale.product} | {sale.amount:.2f} |")
        out.append(f"| **Total** | | **{sum(sale.amount for sale in rows):.2f}** |")
        return "\n".join(out)


if __name__ == "__main__":
    print(CsvReport().export(SALES))
    print()
    print(MarkdownReport().export(SALES))
