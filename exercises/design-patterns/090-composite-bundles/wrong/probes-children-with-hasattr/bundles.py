"""Products and gift bundles: one Component interface."""
from abc import ABC, abstractmethod


class CatalogueItem(ABC):
    @abstractmethod
    def price(self): ...

    @abstractmethod
    def item_count(self): ...


class Product(CatalogueItem):
    def __init__(self, name, list_price):
        self.name = name
        self.list_price = list_price

    def price(self):
        return self.list_price

    def item_count(self):
        return 1


class Bundle(CatalogueItem):
    def __init__(self, name, items, discount=0.0):
        self.name = name
        self.items = list(items)
        self.discount = discount

    def add(self, item):
        self.items.append(item)

    def price(self):
        return round(sum(item.price() if hasattr(item, "price") else item.list_price for item in self.items) * (1 - self.discount), 2)

    def item_count(self):
        return sum(getattr(item, "item_count", lambda: 1)() for item in self.items)
