"""Checks for invoices.py: the same invoices, without the layers nobody needed."""

from __future__ import annotations

import dataclasses
from typing import NoReturn

import invoices

RULE = "-" * 40
EXPECTED = {
    "a small order": (
        ("2026-0042", "Ada Lovelace", [("Desk lamp", 2, 19.90), ("Bulb", 1, 3.50)]),
        [
            "Invoice 2026-0042 for Ada Lovelace",
            RULE,
            "2 x Desk lamp                  39.80 EUR",
            "1 x Bulb                        3.50 EUR",
            RULE,
            "Total                          43.30 EUR",
        ],
    ),
    "an order over a thousand euros": (
        (
            "2026-0107",
            "Grace Hopper",
            [("Standing desk", 3, 649.00), ("Monitor arm", 12, 89.95), ("Cable tray", 40, 0.335)],
        ),
        [
            "Invoice 2026-0107 for Grace Hopper",
            RULE,
            "3 x Standing desk           1,947.00 EUR",
            "12 x Monitor arm            1,079.40 EUR",
            "40 x Cable tray                13.40 EUR",
            RULE,
            "Total                       3,039.80 EUR",
        ],
    ),
    "a description too long for the line": (
        ("2026-0200", "Alan Turing", [("Ergonomic mesh office chair with headrest", 1, 1249.5)]),
        [
            "Invoice 2026-0200 for Alan Turing",
            RULE,
            "1 x Ergonomic mesh offic... 1,249.50 EUR",
            RULE,
            "Total                       1,249.50 EUR",
        ],
    ),
    "an invoice with no lines": (
        ("2026-0300", "Katherine Johnson", []),
        [
            "Invoice 2026-0300 for Katherine Johnson",
            RULE,
            RULE,
            "Total                           0.00 EUR",
        ],
    ),
}


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def show(problems: list[str], why: str) -> None:
    """Fail with the first problem a check found, and why it matters."""
    if problems:
        more = f" ({len(problems) - 1} more like this.)" if len(problems) > 1 else ""
        fail(f"In invoices.py, {problems[0]}{more} {why}")


def test_every_invoice_reads_exactly_as_before():
    """render_invoice() gives exactly the same text as before, for every kind of invoice."""
    for case, ((number, customer, lines), expected) in EXPECTED.items():
        invoice = invoices.Invoice(
            number, customer, tuple(invoices.Line(*line) for line in lines)
        )
        got = invoices.render_invoice(invoice).split("\n")
        for index, (want, have) in enumerate(zip(expected, got, strict=False), start=1):
            if want != have:
                fail(
                    f"for {case}, line {index} of the invoice changed:\n  before: {want!r}\n"
                    f"  now:    {have!r}\nSimplifying is a refactoring: it must not change what "
                    "customers receive"
                )
        if len(got) != len(expected):
            fail(
                f"for {case}, the invoice had {len(expected)} lines and now has {len(got)}. "
                "Simplifying is a refactoring: it must not change what customers receive"
            )


def test_the_data_classes_are_unchanged():
    """Invoice and Line keep their fields: other modules create them."""
    for name, fields in (
        ("Line", ["description", "quantity", "unit_price"]),
        ("Invoice", ["number", "customer", "lines"]),
    ):
        cls = getattr(invoices, name, None)
        got = [f.name for f in dataclasses.fields(cls)] if dataclasses.is_dataclass(cls) else None
        if got != fields:
            fail(
                f"{name} should stay a dataclass with the fields {fields} (the order module "
                f"creates it), but it has {got}"
            )
