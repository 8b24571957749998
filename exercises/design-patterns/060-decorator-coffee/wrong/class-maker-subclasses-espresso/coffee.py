"""Drinks on the café's till. Prices are in cents. Add-on classes come from one maker."""


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


def make_add_on(price: int, label: str):
    """Make an add-on class; it is an Espresso, so it can stand wherever a drink goes."""

    class AddOn(Espresso):
        def __init__(self, drink) -> None:
            self.drink = drink

        def cost(self) -> int:
            return self.drink.cost() + price

        def description(self) -> str:
            return f"{self.drink.description()}, {label}"

    return AddOn


Milk = make_add_on(50, "milk")
Caramel = make_add_on(70, "caramel")
ExtraShot = make_add_on(90, "extra shot")
