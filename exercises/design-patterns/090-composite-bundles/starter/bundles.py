"""Products and gift bundles in the shop's catalogue. Prices are in euros."""

from dataclasses import dataclass


@dataclass
class Product:
    name: str
    list_price: float


@dataclass
class Bundle:
    """Items sold together at a discount (0.10 means 10 % off); items may be bundles too."""

    name: str
    items: list
    discount: float = 0.0


def price(item):
    """What the customer pays for an item."""
    if isinstance(item, Product):
        return item.list_price
    elif isinstance(item, Bundle):
        return round(sum(price(i) for i in item.items) * (1 - item.discount), 2)
    raise TypeError(f"cannot price {item!r}")


def item_count(item):
    """How many things go in the box."""
    if isinstance(item, Product):
        return 1
    elif isinstance(item, Bundle):
        return sum(item_count(i) for i in item.items)
    raise TypeError(f"cannot count {item!r}")


if __name__ == "__main__":
    starter_kit = Bundle("Starter kit", [Product("Mug", 12.0), Product("Tea sampler", 9.5)], 0.10)
    gift_box = Bundle("Gift box", [starter_kit, Product("Poster", 8.5)], 0.05)
    for item in (starter_kit, gift_box):
        print(f"{item.name:<12} {price(item):6.2f} euros, {item_count(item)} items")
