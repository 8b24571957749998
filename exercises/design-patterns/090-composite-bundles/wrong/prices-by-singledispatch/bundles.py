"""Products and gift bundles: prices worked out by functions registered per item type."""

from functools import singledispatch


class Product:
    def __init__(self, name: str, list_price: float) -> None:
        self.name = name
        self.list_price = list_price

    def price(self) -> float:
        return price_of(self)

    def item_count(self) -> int:
        return count_of(self)


class Bundle:
    def __init__(self, name: str, items, discount: float = 0.0) -> None:
        self.name = name
        self.items = list(items)
        self.discount = discount

    def add(self, item) -> None:
        self.items.append(item)

    def price(self) -> float:
        return price_of(self)

    def item_count(self) -> int:
        return count_of(self)


@singledispatch
def price_of(item) -> float:
    return item.price()  # any other kind of item answers for itself


@price_of.register
def _(item: Product) -> float:
    return item.list_price


@price_of.register
def _(item: Bundle) -> float:
    return round(sum(price_of(child) for child in item.items) * (1 - item.discount), 2)


@singledispatch
def count_of(item) -> int:
    return item.item_count()


@count_of.register
def _(item: Product) -> int:
    return 1


@count_of.register
def _(item: Bundle) -> int:
    return sum(count_of(child) for child in item.items)
