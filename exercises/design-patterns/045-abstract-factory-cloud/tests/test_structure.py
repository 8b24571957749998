"""Structural checks, run on the learner's source before any of it is imported."""

from __future__ import annotations

from typing import NoReturn

from grading import pyast
from grading.patterns import creational
from grading.patterns import dispatch

FAMILIES = {
    "AwsFactory": ["S3Storage", "SqsQueue"],
    "GcpFactory": ["GcsStorage", "PubSubQueue"],
    "LocalFactory": ["DiskStorage", "MemoryQueue"],
}


PRODUCTS = [product for products in FAMILIES.values() for product in products]


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def test_only_the_factories_name_the_products():
    """Storage and queue classes are named only inside the factory classes."""
    tree = pyast.parse_submission("uploads.py")
    problems = creational.concrete_classes_named_outside(
        tree, factory=list(FAMILIES), classes=PRODUCTS
    )
    if problems:
        more = f" ({len(problems) - 1} more like this.)" if len(problems) > 1 else ""
        fail(
            f"In uploads.py, {problems[0]}{more} The service should ask its factory for the "
            "storage and the queue, so that adding a cloud never touches it"
        )


def test_each_factory_keeps_to_its_own_family():
    """A factory makes only the products of its own family."""
    tree = pyast.parse_submission("uploads.py")
    problems = creational.family_mixups(tree, FAMILIES)
    if problems:
        fail(f"In uploads.py, {problems[0]}")


def test_nothing_chooses_by_provider_name():
    """No if/elif or match on 'aws', 'gcp' or 'local' is left in uploads.py."""
    tree = pyast.parse_submission("uploads.py")
    for switch in pyast.string_switches(tree):
        values = ", ".join(repr(v) for v in switch.values)
        fail(
            f"uploads.py line {switch.line}: code here still chooses by comparing "
            f"{switch.subject} with {values}. Choosing the family is done once, by picking a "
            "factory object (FACTORIES[name]); after that, each factory class simply makes its "
            "own products, and a new cloud never means editing a chain"
        )
    for problem in dispatch.problems(tree, "uploads.py"):
        fail(
            f"{problem}. The family is chosen once, by handing over a factory object; the "
            "service then asks that factory for its products without asking which one it is"
        )
