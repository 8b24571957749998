"""The shop's settings. Support switched on maintenance mode, and the shop stayed open."""

DEFAULTS = {"maintenance": False, "max_basket_items": 20, "currency": "EUR"}


class Config:
    """Settings: the defaults, with some values overridden."""

    def __init__(self, overrides=None):
        self.values = dict(DEFAULTS)
        self.values.update(overrides or {})

    def get(self, key):
        return self.values[key]

    def set(self, key, value):
        if key not in self.values:
            raise KeyError(f"unknown setting {key!r}")
        self.values[key] = value


class Shop:
    def is_open(self):
        return not Config().get("maintenance")

    def basket_limit(self):
        return Config().get("max_basket_items")


def enter_maintenance():
    """What the support team's button calls."""
    Config().set("maintenance", True)


if __name__ == "__main__":
    shop = Shop()
    enter_maintenance()
    print("open" if shop.is_open() else "closed for maintenance")
