"""Shipping costs: the calculator delegates, but the if/elif ladder only moved next door."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Parcel:
    weight_kg: float
    distance_km: float


def price_for(method, parcel):
    if method == "standard":
        return 4.00 + 0.50 * parcel.weight_kg
    elif method == "express":
        return 8.00 + 1.00 * parcel.weight_kg + 0.05 * parcel.distance_km
    elif method == "overnight":
        return 25.00 + 3.00 * max(0, parcel.weight_kg - 5)
    raise ValueError(f"unknown shipping method: {method}")


class StandardShipping:
    def cost(self, parcel):
        return price_for("standard", parcel)


class ExpressShipping:
    def cost(self, parcel):
        return price_for("express", parcel)


class OvernightShipping:
    def cost(self, parcel):
        return price_for("overnight", parcel)


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
