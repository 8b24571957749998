"""Products and gift bundles in the shop's catalogue. Prices are in euros.

A composite: a Bundle holds items and answers price() and item_count() by asking each of
them the same question, whether the item is a product, another bundle or a kind of item
added later. Nothing asks what type an item is.
"""

from abc import ABC
from abc import abstractmethod


class Item(ABC):
    """GoF Component: what products and bundles both answer."""

    @abstractmethod
    def price(self) -> float: ...

    @abstractmethod
    def item_count(self) -> int: ...


class Product(Item):
    """A single thing on the shelf."""

    def __init__(self, name: str, list_price: float) -> None:
        self.name = name
        self.list_price = list_price

    def price(self) -> float:
        return self.list_price

    def item_count(self) -> int:
        return 1


class Bundle(Item):
    """Items sold together at a discount (0.10 means 10 % off); items may be bundles too."""

    def __init__(self, name: str, items: list[Item], discount: float = 0.0) -> None:
        self.name = name
        self.items = list(items)
        self.discount = discount

    def add(self, item: Item) -> None:
        self.items.append(item)

    def price(self) -> float:
        return round(sum(item.price() for item in self.items) * (1 - self.discount), 2)

    def item_count(self) -> int:
        return sum(item.item_count() for item in self.items)


if __name__ == "__main__":
    starter_kit = Bundle("Starter kit", [Product("Mug", 12.0), Product("Tea sampler", 9.5)], 0.10)
    gift_box = Bundle("Gift box", [starter_kit, Product("Poster", 8.5)], 0.05)
    for item in (starter_kit, gift_box):
        print(f"{item.name:<12} {item.price():6.2f} euros, {item.item_count()} items")
