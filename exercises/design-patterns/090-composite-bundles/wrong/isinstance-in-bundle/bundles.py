"""Products and bundles have methods, but the bundle still checks what each item is."""


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
        self.items = list(items)
        self.discount = discount

    def add(self, item):
        self.items.append(item)

    def price(self):
        total = 0.0
        for item in self.items:
            if isinstance(item, Product):
                total += item.list_price
            elif isinstance(item, Bundle):
                total += item.price()
        return round(total * (1 - self.discount), 2)

    def item_count(self):
        count = 0
        for item in self.items:
            if isinstance(item, Product):
                count += 1
            elif isinstance(item, Bundle):
                count += item.item_count()
        return count
