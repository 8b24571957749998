"""Structural checks, run on the learner's source before any of it is imported."""

from __future__ import annotations

from typing import NoReturn

from grading import pyast
from grading.patterns import structural

SUBSYSTEMS = ["Inventory", "Payments", "Courier", "Mailer"]


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def test_shop_coordinates_the_subsystems():
    """Shop.place_order() itself calls the four subsystems it holds."""
    tree = pyast.parse_submission("shop.py")
    problems = structural.facade_coordinates(tree, "Shop", "place_order", min_parts=4)
    if problems:
        fail(f"shop.py {problems[0]}")


def test_clients_know_only_the_facade():
    """web_checkout and phone_order use the shop's one call, never its parts or steps."""
    tree = pyast.parse_submission("shop.py")
    problems = structural.clients_use_only_the_facade(
        tree, ["web_checkout", "phone_order"], ["place_order"], SUBSYSTEMS
    )
    if problems:
        fail(f"shop.py {problems[0]}")
