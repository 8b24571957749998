"""Drinks on the café's till. Prices are in cents.

Each add-on is a function that wraps a drink: the object it returns answers cost() and
description() by asking the drink it closed over and adding its own part.
"""

from types import SimpleNamespace


class Espresso:
    def cost(self) -> int:
        return 250

    def description(self) -> str:
        return "espresso"


class FilterCoffee:
    def cost(self) -> int:
        return 200

    def description(self) -> str:
        return "filter coffee"


def add_on(price: int, label: str):
    """Make an add-on: a callable that wraps any drink in a drink that costs `price` more."""

    def wrap(drink):
        return SimpleNamespace(
            cost=lambda: drink.cost() + price,
            description=lambda: f"{drink.description()}, {label}",
        )

    return wrap


Milk = add_on(50, "milk")
Caramel = add_on(70, "caramel")
ExtraShot = add_on(90, "extra shot")
