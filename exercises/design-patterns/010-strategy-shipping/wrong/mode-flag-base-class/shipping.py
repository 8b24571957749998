"""Shipping costs: subclasses per method, but the base class switches on a mode string."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Parcel:
    weight_kg: float
    distance_km: float


class Shipping:
    mode = "standard"

    def cost(self, parcel):
        if self.mode == "standard":
            return 4.00 + 0.50 * parcel.weight_kg
        if self.mode == "express":
            return 8.00 + 1.00 * parcel.weight_kg + 0.05 * parcel.distance_km
        return 25.00 + 3.00 * max(0, parcel.weight_kg - 5)


class StandardShipping(Shipping):
    mode = "standard"


class ExpressShipping(Shipping):
    mode = "express"


class OvernightShipping(Shipping):
    mode = "overnight"


class ShippingCalculator:
    def __init__(self, strategy):
        self.strategy = strategy

    def quote(self, parcel):
        if parcel.weight_kg <= 0:
            raise ValueError("a parcel must weigh more than 0 kg")
        return round(self.strategy.cost(parcel), 2)


STRATEGIES = {
    "standard": StandardShipping(),
    "express": ExpressShipping(),
    "overnight": OvernightShipping(),
}
