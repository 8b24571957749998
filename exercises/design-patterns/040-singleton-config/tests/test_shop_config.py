"""Checks for shop_config.py: one shared Config, made the Pythonic way, not a Singleton class."""

from __future__ import annotations

from typing import NoReturn

import pytest
import shop_config


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def part(name: str, what: str):
    """Fetch a name from shop_config.py, or fail saying what the prompt expects it to be."""
    value = getattr(shop_config, name, None)
    if value is None:
        fail(f"shop_config.py has no {name} yet: {what}")
    return value


def new_config(overrides=None):
    """Config() or Config(overrides), failing with a useful message if that is not possible."""
    cls = part("Config", "the settings class")
    return cls() if overrides is None else cls(overrides)


def new_shop(config):
    """Shop(config), failing with a useful message if Shop does not take one."""
    cls = part("Shop", "the class that reads the settings")
    try:
        return cls(config)
    except TypeError as exc:
        fail(
            f"Shop(config) failed: {exc}. The shop should be given the config it reads "
            "(dependency injection) and keep it in self.config, instead of making its own"
        )


@pytest.fixture(autouse=True)
def restore_shared_config():
    """Put the shared config's values back after each test, whatever the test changed."""
    shared = getattr(shop_config, "config", None)
    values = getattr(shared, "values", None)
    saved = dict(values) if isinstance(values, dict) else None
    yield
    if saved is not None:
        values.clear()
        values.update(saved)


def test_one_shared_config_lives_in_the_module():
    """shop_config.config is the shared Config, and shop_config.shop is a Shop that holds it."""
    config = part("config", "the one shared Config object, created at module level")
    if type(config).__name__ != "Config":
        fail(f"shop_config.config is {config!r}; it should be a Config object")
    shop = part("shop", "the Shop the app uses, created at module level with the shared config")
    if getattr(shop, "config", None) is not config:
        fail(
            "shop_config.shop.config is not shop_config.config. Create the shop with the shared "
            "config (shop = Shop(config)) so both talk about the same settings"
        )


def test_the_maintenance_switch_reaches_the_shop():
    """enter_maintenance(config) closes the shop that uses that config."""
    config = part("config", "the one shared Config object, created at module level")
    shop = part("shop", "the Shop the app uses")
    switch = part("enter_maintenance", "the function support's button calls")
    try:
        switch(config)
    except TypeError as exc:
        fail(
            f"enter_maintenance(config) failed: {exc}. It should switch on maintenance in the "
            "config it is given, not in a Config of its own"
        )
    if shop.is_open():
        fail(
            "after enter_maintenance(shop_config.config) the shop still says it is open. The "
            "switch and the shop must use the same Config object"
        )


def test_creating_a_config_leaves_the_others_alone():
    """A new Config() neither resets an existing one nor sees its changes."""
    first = new_config()
    first.set("maintenance", True)
    second = new_config()
    if not first.get("maintenance"):
        if first is second:
            fail(
                "creating another Config() switched maintenance off again on the first one. "
                "Config() hands back the same object every time, and Python runs __init__ on "
                "it again at each call, resetting every value: a Singleton built on __new__ "
                "re-initialises the one object it was meant to protect"
            )
        fail("creating another Config() switched maintenance off on the first one")
    if second.get("maintenance"):
        if first is second:
            fail(
                "a brand-new Config() already has maintenance on, because Config() returned "
                "the object made earlier. Then a config made for a test or a preview changes "
                "the live one; an ordinary class gives each caller its own object"
            )
        fail(
            "a brand-new Config() already has maintenance on, though it is a different object: "
            "the two share one dict of values. State kept on the class is shared by every "
            "object, a Singleton in disguise"
        )


def test_overrides_apply_to_each_new_config():
    """Config(overrides) always uses its overrides, and does not change an earlier Config."""
    small = new_config({"max_basket_items": 3})
    swiss = new_config({"currency": "CHF"})
    if swiss.get("currency") != "CHF":
        fail(
            f"Config({{'currency': 'CHF'}}) holds currency={swiss.get('currency')!r}. "
            + (
                "The call returned the object made earlier and ignored its arguments: a "
                "Singleton guarded against re-initialising silently drops what later callers "
                "ask for"
                if swiss is small
                else "Each Config should start from the defaults plus its own overrides"
            )
        )
    if small.get("max_basket_items") != 3 or small.get("currency") != "EUR":
        held = (
            f"max_basket_items={small.get('max_basket_items')!r}, "
            f"currency={small.get('currency')!r}"
        )
        fail(
            "making Config({'currency': 'CHF'}) changed an earlier Config({'max_basket_items': 3})"
            f", which now holds {held}. "
            + (
                "Both calls returned the same object, and Python runs __init__ on it again at "
                "each call"
                if swiss is small
                else "Separate Config objects must not affect each other"
            )
        )


def test_the_shop_uses_the_config_it_is_given():
    """Shop(config) reads its settings from that config, not from the shared one."""
    closed_config = new_config({"maintenance": True})
    small_config = new_config({"max_basket_items": 5})
    if not closed_config.get("maintenance") or small_config.get("max_basket_items") != 5:
        fail(
            "Config({'maintenance': True}) and Config({'max_basket_items': 5}) do not hold "
            "those values themselves, so this test cannot check the shop yet: fix Config first "
            "(the test about overrides says what goes wrong)"
        )
    closed = new_shop(closed_config)
    small = new_shop(small_config)
    if closed.is_open() or small.basket_limit() != 5:
        fail(
            "a Shop given Config({'maintenance': True}) says open="
            f"{closed.is_open()!r}, and one given Config({{'max_basket_items': 5}}) has a "
            f"basket limit of {small.basket_limit()!r}. The shop ignores the config it is given "
            "and reads another one: its methods should use self.config, so a test (or a "
            "second shop) can hand it different settings"
        )
