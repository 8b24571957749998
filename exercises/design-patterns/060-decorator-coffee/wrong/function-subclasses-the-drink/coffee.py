"""Drinks on the café's till. Prices are in cents. Add-ons are functions (the prompt allows it)."""


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
    """An add-on: makes a new drink class on top of the drink's own class."""

    def make(drink):
        base = type(drink)

        class WithExtra(base):
            def cost(self) -> int:
                return super().cost() + price

            def description(self) -> str:
                return f"{super().description()}, {label}"

        return WithExtra()

    return make


Milk = add_on(50, "milk")
Caramel = add_on(70, "caramel")
ExtraShot = add_on(90, "extra shot")
