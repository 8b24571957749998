"""Drinks on the café's till. Prices are in cents.

Add-ons are decorators: each one wraps a drink, answers the same two questions, and adds its
own part to the wrapped drink's answers. They stack in any order, any number of times.
"""

from typing import Protocol


class Drink(Protocol):
    def cost(self) -> int: ...

    def description(self) -> str: ...


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


class AddOn:
    """Wraps any drink; subclasses say what they add."""

    price = 0
    name = ""

    def __init__(self, drink: Drink) -> None:
        self.drink = drink

    def cost(self) -> int:
        return self.drink.cost() + self.price

    def description(self) -> str:
        return f"{self.drink.description()}, {self.name}"


class Milk(AddOn):
    price = 50
    name = "milk"


class Caramel(AddOn):
    price = 70
    name = "caramel"


class ExtraShot(AddOn):
    price = 90
    name = "extra shot"


if __name__ == "__main__":
    for drink in (Espresso(), Milk(Espresso()), Caramel(Milk(Espresso())),
                  ExtraShot(FilterCoffee()), Milk(Milk(FilterCoffee()))):
        print(f"{drink.description():<30} {drink.cost():>4} cents")
