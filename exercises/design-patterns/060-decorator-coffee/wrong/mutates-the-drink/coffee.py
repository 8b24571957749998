"""Add-ons that raise the price of the drink they are given, then just pass it through."""


class Espresso:
    def __init__(self):
        self.price = 250
        self.name = "espresso"

    def cost(self):
        return self.price

    def description(self):
        return self.name


class FilterCoffee:
    def __init__(self):
        self.price = 200
        self.name = "filter coffee"

    def cost(self):
        return self.price

    def description(self):
        return self.name


class AddOn:
    extra = 0
    label = ""

    def __init__(self, drink):
        drink.price += self.extra
        drink.name += f", {self.label}"
        self.drink = drink

    def cost(self):
        return self.drink.cost()

    def description(self):
        return self.drink.description()


class Milk(AddOn):
    extra, label = 50, "milk"


class Caramel(AddOn):
    extra, label = 70, "caramel"


class ExtraShot(AddOn):
    extra, label = 90, "extra shot"
