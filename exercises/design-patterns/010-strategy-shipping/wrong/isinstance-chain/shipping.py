"""Shipping costs: strategy classes exist, but the calculator still picks the formula."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Parcel:
    weight_kg: float
    distance_km: float


class StandardShipping:
    """Standard delivery."""


class ExpressShipping:
    """Express delivery."""


class OvernightShipping:
    """Overnight delivery."""


class ShippingCalculator:
    def __init__(self, strategy):
        self.strategy = strategy

    def quote(self, parcel):
        if parcel.weight_kg <= 0:
            raise ValueError("a parcel must weigh more than 0 kg")
        if isinstance(self.strategy, StandardShipping):
            price = 4.00 + 0.50 * parcel.weight_kg
        elif isinstance(self.strategy, ExpressShipping):
            price = 8.00 + 1.00 * parcel.weight_kg + 0.05 * parcel.distance_km
        elif isinstance(self.strategy, OvernightShipping):
            price = 25.00 + 3.00 * max(0, parcel.weight_kg - 5)
        else:
            raise ValueError(f"unknown shipping strategy: {self.strategy!r}")
        return round(price, 2)


STRATEGIES = {
    "standard": StandardShipping(),
    "express": ExpressShipping(),
    "overnight": OvernightShipping(),
}
