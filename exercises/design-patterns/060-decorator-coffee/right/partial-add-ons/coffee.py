"""Drinks on the café's till, in cents. One add-on class; each add-on is a partial of it."""

from functools import partial


class Espresso:
    def cost(self):
        return 250

    def description(self):
        return "espresso"


class FilterCoffee:
    def cost(self):
        return 200

    def description(self):
        return "filter coffee"


class AddOn:
    """Wraps any drink and adds a fixed price and a word."""

    def __init__(self, drink, *, price, name):
        self.drink = drink
        self.price = price
        self.name = name

    def cost(self):
        return self.drink.cost() + self.price

    def description(self):
        return f"{self.drink.description()}, {self.name}"


Milk = partial(AddOn, price=50, name="milk")
Caramel = partial(AddOn, price=70, name="caramel")
ExtraShot = partial(AddOn, price=90, name="extra shot")
