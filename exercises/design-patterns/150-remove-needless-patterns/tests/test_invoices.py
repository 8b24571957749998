"""Checks for invoices.py: the same invoices, without the layers nobody needed."""

from __future__ import annotations

import dataclasses
from typing import NoReturn

import invoices
from hypothesis import HealthCheck
from hypothesis import Phase
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

# Invoices drawn at random on every check (the seed is chosen when the check runs).
FRESH = settings(
    max_examples=25, database=None, deadline=None, derandomize=False, report_multiple_bugs=False,
    phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
)
LINES = st.lists(
    st.tuples(
        st.text("abcdefghij XYZ-", min_size=1, max_size=45).map(str.strip).filter(bool),
        st.integers(1, 50),
        st.decimals("0.01", "2500", places=3).map(float),
    ),
    max_size=5,
)

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


def money(amount: float) -> str:
    return f"{amount:,.2f} EUR"


def row(label: str, amount: float) -> str:
    """The old layout of one line: label left, amount right, 40 characters."""
    text = money(amount)
    room = 40 - len(text) - 1
    if len(label) > room:
        label = label[: room - 3] + "..."
    return label.ljust(room) + " " + text


@FRESH
@given(lines=LINES)
def test_invoices_drawn_at_random_read_as_before(lines):
    """Invoices drawn at random on every check read exactly as the old code made them."""
    invoice = invoices.Invoice("2026-9999", "Mary Jackson",
                               tuple(invoices.Line(*line) for line in lines))
    expected, total = ["Invoice 2026-9999 for Mary Jackson", RULE], 0.0
    for description, quantity, unit_price in lines:
        amount = round(quantity * unit_price, 2)
        total += amount
        expected.append(row(f"{quantity} x {description}", amount))
    expected += [RULE, row("Total", total)]
    got = invoices.render_invoice(invoice).split("\n")
    if got != expected:
        first = next(
            (i for i, (w, h) in enumerate(zip(expected, got, strict=False)) if w != h),
            min(len(got), len(expected)),
        )
        want = expected[first] if first < len(expected) else "(no line)"
        have = got[first] if first < len(got) else "(no line)"
        fail(
            f"for an invoice drawn at random, line {first + 1} changed:\n  before: {want!r}\n"
            f"  now:    {have!r}\nSimplifying is a refactoring: it must not change what "
            "customers receive"
        )


@FRESH
@given(
    amount=st.decimals("0.01", "99999", places=2).map(float),
    spare=st.sampled_from([-2, -1, 0, 1, 2]),
)
def test_labels_at_the_edge_of_their_room_read_as_before(amount, spare):
    """A label one character shorter than its room, exactly as long, or longer: as before."""
    room = 40 - len(money(amount)) - 1
    description = ("Lamp shade in linen " * 3)[: room - len("1 x ") + spare]
    invoice = invoices.Invoice("2026-0400", "Dorothy Vaughan",
                               (invoices.Line(description, 1, amount),))
    want = row(f"1 x {description}", round(amount, 2))
    have = invoices.render_invoice(invoice).split("\n")[2]
    if have != want:
        label = len(f"1 x {description}")
        fail(
            f"a line whose label is {label} characters long, with {room} characters of room "
            f"before the amount, changed:\n  before: {want!r}\n  now:    {have!r}\n"
            "Only a label longer than its room was shortened with '...'; one that fits "
            "exactly was printed whole. Simplifying must not change what customers receive"
        )
