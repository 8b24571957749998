DEFAULTS = {"maintenance": False, "max_basket_items": 20, "currency": "EUR"}


class Config:
    def __init__(self, overrides={}):
        self.values = overrides
        for key, value in DEFAULTS.items():
            self.values.setdefault(key, value)

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
    config.set("maintenance", True)


config = Config()
shop = Shop(config)
