"""Products and gift bundles in the shop's catalogue. Prices are in euros."""

from math import fsum
from operator import methodcaller

ask_price = methodcaller("price")
ask_count = methodcaller("item_count")


class Leaf:
    """Anything sold on its own counts as one item."""

    def item_count(self) -> int:
        return 1


class Product(Leaf):
    def __init__(self, name: str, list_price: float) -> None:
        self.name = name
        self.list_price = list_price

    def _list_price(self) -> float:
        return self.list_price

    price = _list_price  # price() is the list price, bound as a method


class Bundle:
    """Items sold together at a discount; each item is asked, whatever it is."""

    def __init__(self, name: str, items, discount: float = 0.0) -> None:
        self.name = name
        self.items = list(items)
        self.discount = discount

    def add(self, item) -> None:
        self.items.append(item)

    def price(self) -> float:
        return round(fsum(map(ask_price, self.items)) * (1 - self.discount), 2)

    def item_count(self) -> int:
        return sum(map(ask_count, self.items))
