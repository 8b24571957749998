"""A bundle inside a bundle is unpacked: its products are copied into the outer bundle."""


class Product:
    def __init__(self, name, list_price):
        self.name = name
        self.list_price = list_price

    def price(self):
        return self.list_price

    def item_count(self):
        return 1


class Bundle:
    def __init__(self, name, items, discount=0.0):
        self.name = name
        self.items = []
        self.discount = discount
        for item in items:
            self.add(item)

    def add(self, item):
        if hasattr(item, "items"):  # a bundle: keep its products, one flat list is simpler
            self.items.extend(item.items)
        else:
            self.items.append(item)

    def price(self):
        return round(sum(item.price() for item in self.items) * (1 - self.discount), 2)

    def item_count(self):
        return sum(item.item_count() for item in self.items)
