"""Checks for the Template Method refactoring of reports.py: one algorithm, hooks per format."""

from __future__ import annotations

from datetime import date
from typing import NoReturn

import reports
from grading.patterns import behavioral
from hypothesis import HealthCheck
from hypothesis import Phase
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

# Sales drawn at random on every check (the seed is chosen when the check runs).
FRESH = settings(
    max_examples=25, database=None, deadline=None, derandomize=False, report_multiple_bugs=False,
    phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
)
SALE_DATA = st.lists(
    st.tuples(
        st.dates(date(2024, 1, 1), date(2026, 12, 31)).map(lambda d: d.isoformat()),
        st.sampled_from(["Tea", "Coffee", "Cake", "Juice", "Bagel"]),
        st.decimals("0.5", "30", places=2).map(float),
        st.booleans(),
    ),
    max_size=6,
)

CSV = """day,product,amount
2025-03-01,Coffee,3.20
2025-03-02,Tea,4.50
2025-03-03,Coffee,3.20
total,,10.90"""

MARKDOWN = """| Day | Product | Amount |
|---|---|---:|
| 2025-03-01 | Coffee | 3.20 |
| 2025-03-02 | Tea | 4.50 |
| 2025-03-03 | Coffee | 3.20 |
| **Total** | | **10.90** |"""


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def part(name: str, what: str):
    """Fetch a name from reports.py, or fail saying what the prompt expects it to be."""
    value = getattr(reports, name, None)
    if value is None:
        fail(f"reports.py has no {name} yet: {what}")
    return value


def week():
    """Sales out of order, with two cancelled ones, for the formats the tests invent."""
    sale = part("Sale", "keep the Sale dataclass as it is")
    return [
        sale("2025-03-05", "Juice", 2.80),
        sale("2025-03-04", "Bagel", 3.10, cancelled=True),
        sale("2025-03-04", "Coffee", 3.20),
        sale("2025-03-06", "Cake", 5.00, cancelled=True),
    ]


def base():
    """The learner's ReportExporter class."""
    return part("ReportExporter", "the base class whose export() runs the algorithm")


def export(report_cls, sales) -> str:
    """report_cls().export(sales), failing with a useful message if that is impossible."""
    try:
        report = report_cls()
    except TypeError as exc:
        fail(f"{report_cls.__name__}() could not be created: {exc}")
    method = getattr(report, "export", None)
    if not callable(method):
        fail(
            f"{report_cls.__name__} has no export(sales) method. Every format should inherit "
            "export() from ReportExporter, which runs the algorithm for all of them"
        )
    return method(sales)


def compare(name: str, got, expected: str, why: str) -> None:
    """Fail showing both texts when an export differs."""
    if got != expected:
        have, want = str(got).split("\n"), expected.split("\n")
        first = next(
            (i for i, (h, w) in enumerate(zip(have, want, strict=False)) if h != w),
            min(len(have), len(want)),
        )
        seen = repr(have[first]) if first < len(have) else "missing"
        wanted = repr(want[first]) if first < len(want) else "no line at all (the text ends there)"
        fail(
            f"line {first + 1} of what {name} exported is {seen}; expected {wanted}. {why}"
            f"\n{name} exported {got!r}\nexpected {expected!r}"
        )


def test_csv_report_is_unchanged():
    """CsvReport().export(SALES) gives exactly the CSV the accountant gets today."""
    got = export(part("CsvReport", "the CSV format"), reports.SALES)
    compare("CsvReport", got, CSV, "Skip cancelled sales, sort by day, end with the total.")


def test_markdown_report_now_skips_cancelled_sales():
    """MarkdownReport().export(SALES) leaves out the cancelled cake, like the CSV."""
    got = export(part("MarkdownReport", "the Markdown format"), reports.SALES)
    why = "The cancelled Cake must not appear, and the total is 10.90 as in the CSV."
    if isinstance(got, str) and "Cake" in got:
        why = (
            "The Cake sale is cancelled but is still in the report: the copied algorithm lost "
            "a step. Once the steps live in one place (ReportExporter.export), every format "
            "gets them all."
        )
    compare("MarkdownReport", got, MARKDOWN, why)


def test_a_new_format_needs_only_its_hooks():
    """A format the tests invent, defining only header/line/footer, gets the whole algorithm."""

    class Receipt(base()):
        def header(self):
            return "RECEIPT"

        def line(self, sale):
            return f"{sale.product:<8}{sale.amount:>6.2f}"

        def footer(self, total):
            return f"TOTAL   {total:>6.2f}"

    expected = "RECEIPT\nCoffee    3.20\nJuice     2.80\nTOTAL     6.00"
    compare(
        "a Receipt subclass defining only header(), line() and footer()",
        export(Receipt, week()),
        expected,
        "Filtering out cancelled sales, sorting by day and adding up the total belong to "
        "ReportExporter.export, so a new format writes three small methods and nothing else.",
    )


def test_footer_is_an_optional_step():
    """A format without a footer() gets a report with no footer line."""

    class Plain(base()):
        def header(self):
            return "sales"

        def line(self, sale):
            return sale.product

    compare(
        "a Plain subclass defining only header() and line()",
        export(Plain, week()),
        "sales\nCoffee\nJuice",
        "footer(total) is optional: by default it returns None, and export() then adds no "
        "footer line at all (not even an empty one).",
    )


def test_a_forgotten_required_step_fails_loudly():
    """A format that forgets line() fails at once instead of exporting an empty report."""

    class NoLines(base()):
        def header(self):
            return "sales"

    for problem in behavioral.forgotten_hook_is_loud(
        NoLines, lambda report: report.export(week()), "line", "a subclass of ReportExporter"
    ):
        fail(problem)


@FRESH
@given(data=SALE_DATA)
def test_any_sales_export_kept_sorted_and_totalled(data):
    """Sales drawn at random: the CSV keeps the uncancelled ones, sorted by day, with a total."""
    sale = part("Sale", "keep the Sale dataclass as it is")
    sales = [sale(day, product, amount, cancelled=off) for day, product, amount, off in data]
    kept = sorted((s for s in sales if not s.cancelled), key=lambda s: s.day)
    expected = "\n".join(
        ["day,product,amount"]
        + [f"{s.day},{s.product},{s.amount:.2f}" for s in kept]
        + [f"total,,{sum(s.amount for s in kept):.2f}"]
    )
    got = export(part("CsvReport", "the CSV format"), sales)
    compare(
        "CsvReport", got, expected,
        f"for {len(sales)} sales drawn at random ({len(sales) - len(kept)} cancelled), the CSV "
        "should list the kept ones sorted by day and total them, as for SALES:",
    )


def test_sales_in_reverse_order_come_out_sorted():
    """Three kept sales given latest first are listed earliest first."""
    sale = part("Sale", "keep the Sale dataclass as it is")
    sales = [sale("2025-03-09", "Tea", 4.5), sale("2025-03-08", "Cake", 5.0),
             sale("2025-03-07", "Coffee", 3.2)]
    expected = ("day,product,amount\n2025-03-07,Coffee,3.20\n2025-03-08,Cake,5.00\n"
                "2025-03-09,Tea,4.50\ntotal,,12.70")
    compare(
        "CsvReport", export(part("CsvReport", "the CSV format"), sales), expected,
        "sales given latest first should be listed sorted by day, earliest first:",
    )
