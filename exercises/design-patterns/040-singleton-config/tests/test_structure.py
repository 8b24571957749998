"""Structural checks, run on the learner's source before any of it is imported."""

from __future__ import annotations

from typing import NoReturn

from grading import pyast
from grading.patterns import creational


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def test_config_is_an_ordinary_class():
    """Config has no Singleton machinery and no state shared through the class."""
    tree = pyast.parse_submission("shop_config.py")
    problems = creational.singleton_machinery(tree, "Config") + creational.shared_state(
        tree, "Config"
    )
    if problems:
        fail(
            f"In shop_config.py, {problems[0]} In Python a module is already made once: create "
            "one Config at module level and pass it to the code that needs it"
        )


def test_config_is_created_only_at_module_level():
    """Nothing but the module-level code creates a Config; the rest is given one."""
    tree = pyast.parse_submission("shop_config.py")
    problems = creational.instantiated_outside(tree, classes=["Config"], allowed="<module>")
    if problems:
        more = f" ({len(problems) - 1} more like this.)" if len(problems) > 1 else ""
        fail(
            f"In shop_config.py, {problems[0]}{more} A fresh Config starts from the defaults and "
            "knows nothing of the switch support flipped. Give the code the shared config "
            "(Shop(config), enter_maintenance(config)) instead"
        )
