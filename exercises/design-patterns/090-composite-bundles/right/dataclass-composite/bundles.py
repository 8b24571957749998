"""Products and bundles as dataclasses; a bundle asks its children."""

from dataclasses import dataclass
from dataclasses import field


@dataclass
class Product:
    name: str
    list_price: float

    def price(self):
        return self.list_price

    def item_count(self):
        return 1


@dataclass
class Bundle:
    name: str
    items: list = field(default_factory=list)
    discount: float = 0.0

    def __post_init__(self):
        self.items = list(self.items)

    def add(self, item):
        self.items.append(item)

    def price(self):
        total = 0.0
        for item in self.items:
            total += item.price()
        return round(total * (1 - self.discount), 2)

    def item_count(self):
        return sum(map(lambda item: item.item_count(), self.items))
