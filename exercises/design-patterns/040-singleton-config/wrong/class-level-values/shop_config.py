"""The shop's settings: no Singleton, but the values live on the class."""

from __future__ import annotations

from typing import Any

DEFAULTS = {"maintenance": False, "max_basket_items": 20, "currency": "EUR"}


class Config:
    """Settings kept on the class, so every Config sees the same values."""

    values = dict(DEFAULTS)

    def __init__(self, overrides: dict[str, Any] | None = None) -> None:
        self.values.update(overrides or {})

    def get(self, key: str) -> Any:
        return self.values[key]

    def set(self, key: str, value: Any) -> None:
        if key not in self.values:
            raise KeyError(f"unknown setting {key!r}")
        self.values[key] = value


class Shop:
    """Reads its settings from the Config it is given: a test can give it another one."""

    def __init__(self, config: Config) -> None:
        self.config = config

    def is_open(self) -> bool:
        return not self.config.get("maintenance")

    def basket_limit(self) -> int:
        return self.config.get("max_basket_items")


def enter_maintenance(config: Config) -> None:
    """What the support team's button calls, with the shared config."""
    config.set("maintenance", True)


# A module is imported once, so these are made once: the whole app shares them.
config = Config()
shop = Shop(config)


if __name__ == "__main__":
    enter_maintenance(config)
    print("open" if shop.is_open() else "closed for maintenance")
