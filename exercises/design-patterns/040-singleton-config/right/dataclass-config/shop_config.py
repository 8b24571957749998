"""The shop's settings as dataclasses; the shared instances live at module level."""

from dataclasses import dataclass
from dataclasses import field
from typing import Any

DEFAULTS = {"maintenance": False, "max_basket_items": 20, "currency": "EUR"}


@dataclass
class Config:
    overrides: dict[str, Any] | None = None
    values: dict[str, Any] = field(init=False)

    def __post_init__(self):
        self.values = {**DEFAULTS, **(self.overrides or {})}

    def get(self, key):
        return self.values[key]

    def set(self, key, value):
        if key not in self.values:
            raise KeyError(key)
        self.values[key] = value


@dataclass
class Shop:
    config: Config

    def is_open(self):
        return not self.config.get("maintenance")

    def basket_limit(self):
        return self.config.get("max_basket_items")


def enter_maintenance(config):
    config.set("maintenance", True)


config = Config()
shop = Shop(config)
