"""Settings with a ChainMap: this config's own values in front of the shared defaults."""

from collections import ChainMap

DEFAULTS = {"maintenance": False, "max_basket_items": 20, "currency": "EUR"}


class Config:
    def __init__(self, overrides=None):
        self._values = ChainMap(dict(overrides or {}), DEFAULTS)

    def get(self, key):
        return self._values[key]

    def set(self, key, value):
        if key not in self._values:
            raise KeyError(f"no setting called {key}")
        self._values[key] = value  # writes go to this config's own front map


class Shop:
    def __init__(self, config):
        self._config = config

    @property
    def config(self):
        return self._config

    def is_open(self):
        return not self._config.get("maintenance")

    def basket_limit(self):
        return self._config.get("max_basket_items")


def enter_maintenance(config):
    config.set("maintenance", True)


config = Config()
shop = Shop(config)
