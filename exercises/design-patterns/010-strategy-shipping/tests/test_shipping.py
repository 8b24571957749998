"""Checks for the Strategy refactoring of shipping.py: same prices, new shape."""

from __future__ import annotations

from typing import NoReturn

import pytest
import shipping
from grading.patterns import behavioral
from hypothesis import HealthCheck
from hypothesis import Phase
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

# (weight_kg, distance_km) -> prices worked out with the original if/elif formulas.
PARCELS = [(0.5, 10), (3, 120), (5, 800), (12.4, 55)]
EXPECTED = {
    "standard": [4.25, 5.50, 6.50, 10.20],
    "express": [9.00, 17.00, 53.00, 23.15],
    "overnight": [25.00, 25.00, 25.00, 47.20],
}
# The old formulas, for parcels drawn at random on every check (below): the seed is chosen when
# the check runs, so an answer tuned to the parcels listed here cannot pass.
FORMULAS = {
    "standard": lambda w, d: 4.00 + 0.50 * w,
    "express": lambda w, d: 8.00 + 1.00 * w + 0.05 * d,
    "overnight": lambda w, d: 25.00 + 3.00 * max(0, w - 5),
}
FRESH = settings(
    max_examples=15, database=None, deadline=None, derandomize=False, report_multiple_bugs=False,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: the first failure is explained
    suppress_health_check=list(HealthCheck),
)
WEIGHTS = st.decimals(min_value="0.01", max_value="80", places=2).map(float)
DISTANCES = st.integers(min_value=1, max_value=3000)
# The prompt's boundaries: the overnight flat fee covers exactly 5 kg; the lightest parcel.
BOUNDARY_PARCELS = [(5, 40), (5.01, 40), (4.99, 40), (0.01, 1)]
CLASSES = {
    "standard": "StandardShipping",
    "express": "ExpressShipping",
    "overnight": "OvernightShipping",
}


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it; no assert rewriting noise)."""
    raise AssertionError(message)


def part(name: str, what: str):
    """Fetch a name from shipping.py, or fail saying what the prompt expects it to be."""
    value = getattr(shipping, name, None)
    if value is None:
        fail(f"shipping.py has no {name} yet: {what}")
    return value


def calculator(strategy):
    """Build ShippingCalculator(strategy), failing with a useful message if it cannot."""
    cls = part("ShippingCalculator", "the class that prices a parcel with a strategy")
    try:
        return cls(strategy)
    except TypeError as exc:
        fail(
            f"ShippingCalculator(strategy) failed: {exc}. The calculator receives its "
            "strategy when it is created and keeps it in self.strategy"
        )


def quote(calc, parcel) -> float:
    """Call calc.quote(parcel), failing with a useful message if the method is missing."""
    method = getattr(calc, "quote", None)
    if not callable(method):
        fail(
            "ShippingCalculator has no quote(parcel) method: the checkout calls "
            "ShippingCalculator(strategy).quote(parcel)"
        )
    return method(parcel)


def test_each_method_is_a_strategy_with_a_cost():
    """Each shipping method is its own class with cost(parcel), giving the old prices."""
    for method, class_name in CLASSES.items():
        cls = part(class_name, f"one class per shipping method; this one prices '{method}'")
        strategy = cls()
        if not callable(getattr(strategy, "cost", None)):
            fail(
                f"{class_name} has no cost(parcel) method. A strategy carries its own "
                f"algorithm: the '{method}' formula belongs in {class_name}.cost, not in the "
                "calculator"
            )
        for (weight, distance), price in zip(PARCELS, EXPECTED[method], strict=True):
            parcel = shipping.Parcel(weight_kg=weight, distance_km=distance)
            got = strategy.cost(parcel)
            if got != pytest.approx(price, abs=0.005):
                fail(
                    f"{class_name}().cost(Parcel({weight}, {distance})) returned {got}, but "
                    f"the '{method}' branch of the old code gave {price:.2f}. The formula "
                    "should move unchanged"
                )


def test_calculator_quotes_with_the_strategy_it_is_given():
    """ShippingCalculator(STRATEGIES[name]).quote(parcel) gives the same prices as before."""
    strategies = part("STRATEGIES", "a dict from method name to its strategy object")
    if not isinstance(strategies, dict) or set(strategies) != set(CLASSES):
        keys = sorted(strategies) if isinstance(strategies, dict) else strategies
        fail(f"STRATEGIES should be a dict with the keys {sorted(CLASSES)}, not {keys!r}")
    for method, class_name in CLASSES.items():
        if type(strategies[method]).__name__ != class_name:
            fail(
                f"STRATEGIES['{method}'] is {strategies[method]!r}; it should be a "
                f"{class_name} object (an instance, ready to use)"
            )
        for (weight, distance), price in zip(PARCELS, EXPECTED[method], strict=True):
            parcel = shipping.Parcel(weight_kg=weight, distance_km=distance)
            got = quote(calculator(strategies[method]), parcel)
            if got != pytest.approx(price, abs=0.001):
                fail(
                    f"the quote for '{method}', Parcel({weight}, {distance}) is {got}; the old "
                    f"code gave {price:.2f} (rounded to cents)"
                )


class FlatRate:
    """A shipping method the tests invent: the calculator has never heard of it."""

    def cost(self, parcel):
        return 2.5


def test_quote_still_rejects_a_weightless_parcel():
    """The calculator refuses parcels of 0 kg or less, whatever the strategy, even a new one."""
    strategies = [part(name, "one class per shipping method")() for name in CLASSES.values()]
    for strategy in [*strategies, FlatRate()]:
        for weight in (0, -1.5):
            try:
                got = quote(calculator(strategy), shipping.Parcel(weight_kg=weight, distance_km=10))
            except ValueError:
                continue
            fail(
                f"quote() priced a {weight} kg parcel at {got} with {type(strategy).__name__}; "
                "it should raise ValueError as the old cost() did. That check is the same for "
                "every method, including ones the calculator has never seen, so it belongs in "
                "the calculator"
            )


def check_prices(weight: float, distance: float) -> None:
    """Each strategy and the calculator give the old price for this parcel."""
    parcel = shipping.Parcel(weight_kg=weight, distance_km=distance)
    for method, class_name in CLASSES.items():
        strategy = part(class_name, f"one class per shipping method; this one prices '{method}'")()
        price = FORMULAS[method](weight, distance)
        got = strategy.cost(parcel)
        if got != pytest.approx(price, abs=0.005):
            fail(
                f"{class_name}().cost(Parcel({weight}, {distance})) returned {got}, but the "
                f"'{method}' branch of the old code gives {price:.2f} for that parcel. The "
                "formula should move unchanged, for every parcel, not only the ones in the tests"
            )
        quoted = quote(calculator(strategy), parcel)
        if quoted != pytest.approx(round(price, 2), abs=0.001):
            fail(
                f"the quote with {class_name} for Parcel({weight}, {distance}) is {quoted}; the "
                f"old code gave {price:.2f} (rounded to cents)"
            )


def test_prices_hold_at_the_boundaries():
    """At exactly 5 kg overnight costs the flat fee; just above, each extra kilo is charged."""
    for weight, distance in BOUNDARY_PARCELS:
        check_prices(weight, distance)


@FRESH
@given(weight=WEIGHTS, distance=DISTANCES)
def test_prices_hold_for_parcels_drawn_at_random(weight, distance):
    """Parcels chosen at random on every check get the same prices as the old code."""
    check_prices(weight, distance)


def test_strategy_can_be_swapped_at_run_time():
    """Giving the calculator another strategy changes the price it quotes."""
    calc = calculator(part("StandardShipping", "one class per shipping method")())
    parcel = shipping.Parcel(weight_kg=3, distance_km=120)
    first = quote(calc, parcel)
    calc.strategy = part("ExpressShipping", "one class per shipping method")()
    got = quote(calc, parcel)
    if first != pytest.approx(5.50, abs=0.001) or got != pytest.approx(17.00, abs=0.001):
        fail(
            f"a calculator made with StandardShipping quoted {first} (expected 5.50); after "
            f"calc.strategy = ExpressShipping() it quoted {got} (expected 17.00). The "
            "calculator should ask whatever strategy self.strategy holds at that moment"
        )


def test_new_strategy_needs_no_change_to_the_calculator():
    """A shipping method the calculator has never seen works without editing it."""

    class PickupPointShipping:
        """Flat price: the customer collects the parcel from a locker."""

        def cost(self, parcel):
            return 2.5

    parcel = shipping.Parcel(weight_kg=3, distance_km=120)
    try:
        got = quote(calculator(PickupPointShipping()), parcel)
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        fail(
            f"ShippingCalculator could not price a new strategy (PickupPointShipping): "
            f"{type(exc).__name__}: {exc}. If the calculator has to know every strategy "
            "(by type or by name), each new method means editing it; it should just ask "
            "self.strategy.cost(parcel)"
        )
    if got != pytest.approx(2.5):
        fail(
            f"with PickupPointShipping (cost 2.50) the calculator quoted {got}: it should use "
            "the price its strategy computes"
        )


@FRESH
@given(weight=WEIGHTS, distance=DISTANCES)
def test_a_strategy_prices_by_what_it_is_not_what_it_is_called(weight, distance):
    """A strategy whose labels read differently still prices with its own formula."""
    parcel = shipping.Parcel(weight_kg=weight, distance_km=distance)
    for method, class_name in CLASSES.items():
        strategy = part(class_name, f"one class per shipping method; this one prices '{method}'")()
        with behavioral.relabelled(strategy) as changed:
            if not changed:
                continue
            got = strategy.cost(parcel)
        price = FORMULAS[method](weight, distance)
        if got != pytest.approx(price, abs=0.005):
            labels = ", ".join(changed)
            fail(
                f"{class_name} priced Parcel({weight}, {distance}) at {got} once its "
                f"{labels} read {behavioral.RELABEL!r}, instead of {price:.2f}. Something still "
                "chooses the formula by comparing that label, so the old ladder is there in "
                "another shape and a new method means editing it: each strategy should carry "
                "its own formula"
            )
