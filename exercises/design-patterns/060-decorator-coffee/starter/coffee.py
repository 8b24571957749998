"""Drinks on the café's till. Prices are in cents."""


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


# One class per combination: every new add-on or drink multiplies these.
class EspressoWithMilk(Espresso):
    def cost(self):
        return super().cost() + 50

    def description(self):
        return super().description() + ", milk"


class EspressoWithMilkAndCaramel(EspressoWithMilk):
    def cost(self):
        return super().cost() + 70

    def description(self):
        return super().description() + ", caramel"


class FilterCoffeeWithMilk(FilterCoffee):
    def cost(self):
        return super().cost() + 50

    def description(self):
        return super().description() + ", milk"


class FilterCoffeeWithExtraShot(FilterCoffee):
    def cost(self):
        return super().cost() + 90

    def description(self):
        return super().description() + ", extra shot"


if __name__ == "__main__":
    for drink in (Espresso(), EspressoWithMilk(), EspressoWithMilkAndCaramel(),
                  FilterCoffeeWithExtraShot()):
        print(f"{drink.description():<30} {drink.cost():>4} cents")
