"""Drinks on the café's till, in cents. One wrapper class looks its part up by class name."""

EXTRAS = {"Milk": (50, "milk"), "Caramel": (70, "caramel"), "ExtraShot": (90, "extra shot")}


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
    def __init__(self, drink):
        self.drink = drink

    def cost(self):
        return self.drink.cost() + EXTRAS[type(self).__name__][0]

    def description(self):
        return f"{self.drink.description()}, {EXTRAS[type(self).__name__][1]}"


class Milk(AddOn):
    pass


class Caramel(AddOn):
    pass


class ExtraShot(AddOn):
    pass
