"""Every drink carries a list of extras; the add-ons just append to a copy of it."""

PRICES = {"milk": 50, "caramel": 70, "extra shot": 90}


class Drink:
    def __init__(self, name, base_price, extras=()):
        self.name = name
        self.base_price = base_price
        self.extras = tuple(extras)

    def cost(self):
        return self.base_price + sum(PRICES[extra] for extra in self.extras)

    def description(self):
        return ", ".join([self.name, *self.extras])

    def with_extra(self, extra):
        return Drink(self.name, self.base_price, (*self.extras, extra))


class Espresso(Drink):
    def __init__(self):
        super().__init__("espresso", 250)


class FilterCoffee(Drink):
    def __init__(self):
        super().__init__("filter coffee", 200)


def Milk(drink):  # noqa: N802  (named like the class the till expects)
    return drink.with_extra("milk")


def Caramel(drink):  # noqa: N802
    return drink.with_extra("caramel")


def ExtraShot(drink):  # noqa: N802
    return drink.with_extra("extra shot")
