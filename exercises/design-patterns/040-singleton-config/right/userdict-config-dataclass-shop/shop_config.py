"""The shop's settings: one shared Config made at import, handed to the shop that uses it."""

from __future__ import annotations

from collections import UserDict
from dataclasses import dataclass
from typing import Any

DEFAULTS = {"maintenance": False, "max_basket_items": 20, "currency": "EUR"}


class Config(UserDict):
    """Settings as a mapping of their own: the defaults, then the overrides."""

    def __init__(self, overrides: dict[str, Any] | None = None) -> None:
        super().__init__(DEFAULTS)
        self.update(overrides or {})

    def get(self, key: str) -> Any:
        return self.data[key]

    def set(self, key: str, value: Any) -> None:
        if key not in self.data:
            raise KeyError(f"unknown setting {key!r}")
        self.data[key] = value


@dataclass
class Shop:
    config: Config

    def is_open(self) -> bool:
        return not self.config.get("maintenance")

    def basket_limit(self) -> int:
        return self.config.get("max_basket_items")


def enter_maintenance(config: Config) -> None:
    config.set("maintenance", True)


config = Config()
shop = Shop(config)
