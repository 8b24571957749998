"""Checks for the catalogue composite: products and bundles answer the same calls."""

from __future__ import annotations

from typing import NoReturn

import bundles
import pytest
from grading.patterns import structural
from hypothesis import HealthCheck
from hypothesis import Phase
from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

METHODS = ["price", "item_count"]
# Catalogues drawn at random on every check (the seed is chosen when the check runs).
FRESH = settings(
    max_examples=25, database=None, deadline=None, derandomize=False, report_multiple_bugs=False,
    phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
)
# A tree of items as plain data: ("product", price) or ("bundle", discount, [children]).
TREES = st.recursive(
    st.tuples(st.just("product"), st.decimals("0.5", "120", places=2).map(float)),
    lambda children: st.tuples(
        st.just("bundle"), st.sampled_from([0.0, 0.05, 0.1, 0.2, 0.25]),
        st.lists(children, min_size=1, max_size=4),
    ),
    max_leaves=10,
)


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def product(name: str, list_price: float):
    """Product(name, list_price), failing clearly if it cannot be made."""
    try:
        return bundles.Product(name, list_price)
    except TypeError as exc:
        fail(f"Product(name, list_price) failed: {exc}")


def bundle(name: str, items: list, discount: float = 0.0):
    """Bundle(name, items, discount), failing clearly if it cannot be made."""
    try:
        return bundles.Bundle(name, items, discount)
    except TypeError as exc:
        fail(f"Bundle(name, items, discount) failed: {exc}")


def ask(item, method: str):
    """item.price() or item.item_count(), failing with a message if the item cannot answer."""
    found = getattr(item, method, None)
    kind = type(item).__name__
    if found is None:
        fail(
            f"a {kind} has no {method}() method. Every kind of item answers {method}(), so a "
            "caller (or a bundle) can ask any item without checking what it is"
        )
    if not callable(found):
        fail(
            f"a {kind} keeps {method} as data ({found!r}), so it cannot be asked {method}(). "
            "Products and bundles must answer the same call, so that callers never need to "
            "know which of the two they hold"
        )
    return found()


def starter_kit():
    return bundle("Starter kit", [product("Mug", 12.0), product("Tea sampler", 9.5)], 0.10)


def gift_box():
    return bundle("Gift box", [starter_kit(), product("Poster", 8.5)], 0.05)


class GiftCard:
    """A kind of item the shop adds later: Bundle has never heard of it."""

    def __init__(self, amount: float) -> None:
        self.amount = amount

    def price(self) -> float:
        return self.amount

    def item_count(self) -> int:
        return 1


def test_a_product_answers_for_itself():
    """A product's price() is its list price, and its item_count() is 1."""
    got = (ask(product("Mug", 12.0), "price"), ask(product("Mug", 12.0), "item_count"))
    if got != (12.0, 1):
        fail(f"Product('Mug', 12.0) answered price, item_count = {got}; expected (12.0, 1)")


def test_a_bundle_discounts_the_sum_of_its_items():
    """The starter kit (12.00 + 9.50, 10 % off) costs 19.35 and holds 2 items."""
    got = (ask(starter_kit(), "price"), ask(starter_kit(), "item_count"))
    if got[0] != pytest.approx(19.35) or got[1] != 2:
        fail(
            f"the starter kit answered price, item_count = {got}; expected (19.35, 2): the "
            "sum of its items' prices, 10 % off, rounded to cents"
        )


def test_bundles_nest_and_each_keeps_its_own_discount():
    """A bundle inside a bundle applies its own discount first; the outer one then applies its."""
    desk_set = bundle("Desk set", [product("Lamp", 89.0), product("Pen", 2.5)], 0.20)
    crate = bundle("Office crate", [gift_box(), desk_set, product("Notebook", 4.0)])
    for label, item, price, count in (("gift box", gift_box(), 26.46, 3),
                                      ("office crate", crate, 103.66, 6)):
        got = (ask(item, "price"), ask(item, "item_count"))
        if got[0] != pytest.approx(price):
            fail(
                f"the {label} answered price() = {got[0]}; expected {price}. Each bundle "
                "applies its own discount to its own items: the inner starter kit is 19.35, "
                "then the gift box takes 5 % off 19.35 + 8.50. Ask each child its price() and "
                "let a child bundle work out its own"
            )
        if got[1] != count:
            fail(
                f"the {label} answered item_count() = {got[1]}; it holds {count} products in "
                "all. A bundle's count is the sum of its children's counts, so a bundle inside "
                "it counts as the products it holds, not as one"
            )


def test_a_bundle_takes_any_item_that_answers_the_same_calls():
    """A bundle prices a gift card, a kind of item it has never heard of, by asking it."""
    birthday = bundle("Birthday", [GiftCard(25.0), product("Card", 3.0)])
    try:
        got = (ask(birthday, "price"), ask(birthday, "item_count"))
    except (TypeError, AttributeError) as exc:
        fail(
            f"a bundle holding a GiftCard failed: {type(exc).__name__}: {exc}. The bundle "
            "should ask each item its price() and item_count(), whatever kind of item it is"
        )
    if got != (pytest.approx(28.0), 2):
        fail(
            f"a bundle of a GiftCard (25.00) and a card (3.00) answered price, item_count = "
            f"{got}; expected (28.0, 2). Did it skip an item it did not recognise? A bundle "
            "asks every child the same question, without checking what the child is"
        )
    child = structural.Spy("item", price=10.0, item_count=4)
    got = (ask(bundle("Mystery", [child]), "price"), ask(bundle("Mystery", [child]), "item_count"))
    if got != (pytest.approx(10.0), 4) or child.times_called("price") != 1:
        fail(
            f"a bundle holding one item (price 10.0, item_count 4) answered {got} and asked "
            f"the item's price() {child.times_called('price')} times; expected (10.0, 4) and once"
        )


def test_add_puts_an_item_in_the_bundle():
    """bundle.add(item) adds a product or a bundle after the bundle was made."""
    box = bundle("Box", [])
    for item in (product("Mug", 12.0), bundle("Inner", [product("Tea", 9.5)], 0.5)):
        adder = getattr(box, "add", None)
        if not callable(adder):
            fail("Bundle has no add(item) method: the shop builds bundles up item by item")
        adder(item)
    got = (ask(box, "price"), ask(box, "item_count"))
    if got != (pytest.approx(16.75), 2):
        fail(
            f"after add(Mug 12.00) and add(a bundle of Tea 9.50, 50 % off), the box answered "
            f"{got}; expected (16.75, 2)"
        )


def build_tree(tree, counter=[0]):  # noqa: B006 (a counter for unique names)
    """The learner's objects for a tree of plain data."""
    counter[0] += 1
    if tree[0] == "product":
        return product(f"Item {counter[0]}", tree[1])
    return bundle(f"Bundle {counter[0]}", [build_tree(t) for t in tree[2]], tree[1])


def expected_of(tree) -> tuple[float, int]:
    """Price (each bundle rounded to cents) and product count of a tree."""
    if tree[0] == "product":
        return tree[1], 1
    parts = [expected_of(t) for t in tree[2]]
    return round(sum(p for p, _ in parts) * (1 - tree[1]), 2), sum(c for _, c in parts)


def describe(tree) -> str:
    """A tree in words, for a message."""
    if tree[0] == "product":
        return f"{tree[1]:.2f}"
    inner = ", ".join(describe(t) for t in tree[2])
    return f"bundle {int(tree[1] * 100)} % off [{inner}]"


@FRESH
@given(tree=TREES.filter(lambda t: t[0] == "bundle"))
@example(tree=("bundle", 0.1, [("bundle", 0.0, [("product", 3.0), ("product", 4.0)]),
                               ("product", 5.0)]))
def test_any_catalogue_prices_and_counts_itself(tree):
    """Bundles nested at random: each price and count is worked out by asking the children."""
    item = build_tree(tree)
    price, count = expected_of(tree)
    got = (ask(item, "price"), ask(item, "item_count"))
    if got[0] != pytest.approx(price, abs=0.011):
        fail(
            f"{describe(tree)} answered price() = {got[0]}; expected {price:.2f}: each bundle "
            "takes its own discount off the sum of its children's prices, at any depth"
        )
    if got[1] != count:
        fail(
            f"{describe(tree)} answered item_count() = {got[1]}; it holds {count} products. A "
            "bundle's count is the sum of its children's counts, at any depth"
        )
