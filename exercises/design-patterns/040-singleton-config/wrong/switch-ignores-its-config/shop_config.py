"""The shop settings."""

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
    def __init__(self, config):
        self.config = config

    def is_open(self):
        return not self.config.get("maintenance")

    def basket_limit(self):
        return self.config.get("max_basket_items")


def enter_maintenance(config):
    shop.config.set("maintenance", True)


config = Config()
shop = Shop(config)
