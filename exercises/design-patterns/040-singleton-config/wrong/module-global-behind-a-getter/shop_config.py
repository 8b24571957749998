"""The shop's settings: an ordinary class, but everyone reaches the one config through a getter."""

from typing import Any

DEFAULTS = {"maintenance": False, "max_basket_items": 20, "currency": "EUR"}
_current = None


class Config:
    def __init__(self, overrides: dict[str, Any] | None = None) -> None:
        self.values = dict(DEFAULTS)
        self.values.update(overrides or {})

    def get(self, key):
        return self.values[key]

    def set(self, key, value):
        if key not in self.values:
            raise KeyError(f"unknown setting {key!r}")
        self.values[key] = value


def get_config():
    global _current
    if _current is None:
        _current = Config()
    return _current


class Shop:
    def __init__(self, config: Config) -> None:
        self.config = config

    def is_open(self):
        return not get_config().get("maintenance")

    def basket_limit(self):
        return get_config().get("max_basket_items")


def enter_maintenance(config: Config) -> None:
    config.set("maintenance", True)


config = get_config()
shop = Shop(config)
