"""Add-ons as subclasses that extend the drink's methods with super()."""


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


class Milk(Espresso):
    def __init__(self, drink=None):
        super().__init__()

    def cost(self):
        return super().cost() + 50

    def description(self):
        return super().description() + ", milk"


class Caramel(Espresso):
    def __init__(self, drink=None):
        super().__init__()

    def cost(self):
        return super().cost() + 70

    def description(self):
        return super().description() + ", caramel"


class ExtraShot(Espresso):
    def __init__(self, drink=None):
        super().__init__()

    def cost(self):
        return super().cost() + 90

    def description(self):
        return super().description() + ", extra shot"
