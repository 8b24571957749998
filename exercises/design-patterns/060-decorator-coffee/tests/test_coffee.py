"""Checks for the café's add-ons: decorators that wrap any drink and stack."""

from __future__ import annotations

import traceback
from typing import NoReturn

import coffee
from grading.patterns import structural
from hypothesis import HealthCheck
from hypothesis import Phase
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

ADD_ONS = {"Milk": (50, "milk"), "Caramel": (70, "caramel"), "ExtraShot": (90, "extra shot")}


# Orders drawn at random on every check (the seed is chosen when the check runs).
FRESH = settings(
    max_examples=25, database=None, deadline=None, derandomize=False, report_multiple_bugs=False,
    phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
)
DRINKS = {"Espresso": (250, "espresso"), "FilterCoffee": (200, "filter coffee")}


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def part(name: str, what: str):
    """Fetch a class from coffee.py, or fail saying what it should be."""
    value = getattr(coffee, name, None)
    if value is None:
        fail(f"coffee.py has no {name} yet: {what}")
    return value


def wrap(add_on: str, drink):
    """Build AddOn(drink), failing with a useful message if the add-on cannot take a drink."""
    cls = part(add_on, "each add-on is a class that wraps a drink, as in Milk(Espresso())")
    try:
        return cls(drink)
    except TypeError as exc:
        # The drink's own class was called again inside the add-on (it needs arguments).
        made_again = f"{type(drink).__name__}.__init__()" in str(exc) and len(
            traceback.extract_tb(exc.__traceback__)
        ) > 1
        if made_again:
            line = traceback.extract_tb(exc.__traceback__)[-1].lineno
            fail(
                f"coffee.py line {line}: {add_on}(drink), given a drink it has never seen, "
                "tried to make a new drink "
                f"of that drink's class, which failed ({exc}). An add-on that builds a new "
                "drink instead of keeping the one it is handed drops that drink, and only "
                "works for drinks that can be made again from nothing"
            )
        fail(
            f"{add_on}(drink) failed: {exc}. An add-on is given the drink it goes on when it "
            "is created, and keeps it"
        )


def answers(drink) -> tuple:
    """(cost(), description()) of a drink or a decorated drink."""
    return drink.cost(), drink.description()


def test_plain_drinks_keep_their_prices():
    """Espresso and FilterCoffee still cost 250 and 200 cents, with their names."""
    plain = {"Espresso": (250, "espresso"), "FilterCoffee": (200, "filter coffee")}
    for name, expected in plain.items():
        got = answers(part(name, "the plain drinks stay as they are")())
        if got != expected:
            fail(f"{name}() answers cost, description = {got}; it should stay {expected}")


def test_each_add_on_adds_its_price_and_name():
    """Milk, Caramel and ExtraShot each add their price and their name to the drink they wrap."""
    for add_on, (price, name) in ADD_ONS.items():
        for base, (base_cost, base_name) in ((coffee.Espresso, (250, "espresso")),
                                             (coffee.FilterCoffee, (200, "filter coffee"))):
            got = answers(wrap(add_on, base()))
            expected = (base_cost + price, f"{base_name}, {name}")
            if got != expected:
                fail(
                    f"{add_on}({base.__name__}()) answers cost, description = {got}; expected "
                    f"{expected}: the drink's own answer plus {price} cents and ', {name}'"
                )


def test_add_ons_stack_in_any_order_and_repeat():
    """Add-ons wrap each other: Caramel(Milk(Milk(Espresso()))) costs 420 cents."""
    cases = [
        (("Caramel", "Milk", "Milk"), coffee.Espresso, (420, "espresso, milk, milk, caramel")),
        (("Milk", "ExtraShot"), coffee.FilterCoffee, (340, "filter coffee, extra shot, milk")),
        (("ExtraShot", "ExtraShot"), coffee.Espresso, (430, "espresso, extra shot, extra shot")),
    ]
    for outer_first, base, expected in cases:
        drink = base()
        for add_on in reversed(outer_first):
            drink = wrap(add_on, drink)
        written = "(".join(outer_first) + f"({base.__name__}()" + ")" * len(outer_first)
        got = answers(drink)
        if got != expected:
            fail(
                f"{written} answers cost, description = {got}; expected {expected}. Each "
                "layer asks the drink inside it and adds its own part, so layers stack and "
                "repeat freely"
            )


def test_an_add_on_fits_any_drink_it_is_given():
    """An add-on asks the drink it wraps, so it works on a drink it has never heard of."""
    for add_on, (price, name) in ADD_ONS.items():
        drink = structural.Spy("drink", cost=100, description="house blend")
        decorated = wrap(add_on, drink)
        got = answers(decorated)
        if drink.times_called("cost") != 1 or drink.times_called("description") != 1:
            fail(
                f"{add_on}(drink) did not ask the drink it wraps: cost() was asked "
                f"{drink.times_called('cost')} times and description() "
                f"{drink.times_called('description')} times (once each expected). A decorator "
                "builds on the answer of the object it holds"
            )
        if got != (100 + price, f"house blend, {name}"):
            fail(
                f"on a new drink (cost 100, 'house blend') {add_on} answered {got}; expected "
                f"{(100 + price, f'house blend, {name}')}"
            )


def test_wrapping_leaves_the_drink_inside_unchanged():
    """Making two lattes from the same espresso does not change the espresso."""
    espresso = coffee.Espresso()
    first, second = wrap("Milk", espresso), wrap("Milk", espresso)
    got = (answers(espresso), answers(first), answers(second))
    expected = ((250, "espresso"), (300, "espresso, milk"), (300, "espresso, milk"))
    if got != expected:
        fail(
            f"after Milk(espresso) twice, the espresso answers {got[0]} and the two lattes "
            f"{got[1]} and {got[2]}; expected {expected}. A decorator never changes the drink "
            "inside: it adds its part in its own cost() and description(), on the way out"
        )


@FRESH
@given(
    base=st.sampled_from(sorted(DRINKS)),
    extras=st.lists(st.sampled_from(sorted(ADD_ONS)), max_size=6),
)
def test_any_order_drawn_at_random_adds_up(base, extras):
    """Any drink with any add-ons, in any order and number: each one adds its price and name."""
    drink = part(base, "keep the drink classes as they are")()
    price, words = DRINKS[base]
    for extra in extras:
        drink = wrap(extra, drink)
        price += ADD_ONS[extra][0]
        words += ", " + ADD_ONS[extra][1]
    got = answers(drink)
    if got != (price, words):
        order = " then ".join(extras) or "nothing"
        fail(
            f"{base} with {order} answered cost, description = {got}; expected "
            f"({price}, {words!r}). Each add-on asks what it wraps and adds its own part, "
            "however many are stacked"
        )
