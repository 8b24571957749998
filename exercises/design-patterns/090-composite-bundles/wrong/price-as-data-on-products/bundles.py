"""A product's price is plain data; only a bundle works its price out, so the bundle checks."""

from dataclasses import dataclass


@dataclass
class Product:
    name: str
    price: float
    item_count: int = 1


class Bundle:
    def __init__(self, name, items, discount=0.0):
        self.name = name
        self.items = list(items)
        self.discount = discount

    def add(self, item):
        self.items.append(item)

    def price(self):
        total = sum(i.price() if callable(i.price) else i.price for i in self.items)
        return round(total * (1 - self.discount), 2)

    def item_count(self):
        return sum(i.item_count() if callable(i.item_count) else i.item_count for i in self.items)
