from typing import Protocol


class Item(Protocol):
    def price(self) -> float: ...
    def item_count(self) -> int: ...


class Product:
    def __init__(self, name: str, list_price: float):
        self.name, self.list_price = name, list_price

    def price(self) -> float:
        return self.list_price

    def item_count(self) -> int:
        return 1


class Bundle:
    def __init__(self, name: str, items: list[Item], discount: float = 0.0):
        self.name = name
        self.items = items
        self.discount = discount

    def add(self, item: Item) -> None:
        self.items.append(item)

    def _each(self, call):
        return [call(item) for item in self.items]

    def price(self) -> float:
        total = sum(self._each(lambda item: item.price()))
        return round(total - total * self.discount, 2)

    def item_count(self) -> int:
        return sum(self._each(lambda item: item.item_count()))
