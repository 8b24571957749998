"""Shipping costs: three strategy classes, but one shared cost() that reads each one's label."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Parcel:
    weight_kg: float
    distance_km: float


class ShippingMethod:
    """The strategy interface; every method shares one formula that reads its kind."""

    kind = "standard"

    def cost(self, parcel: Parcel) -> float:
        if self.kind != "standard":
            if self.kind == "express":
                return 8.00 + 1.00 * parcel.weight_kg + 0.05 * parcel.distance_km
            return 25.00 + 3.00 * max(0, parcel.weight_kg - 5)
        return 4.00 + 0.50 * parcel.weight_kg


class StandardShipping(ShippingMethod):
    kind = "standard"


class ExpressShipping(ShippingMethod):
    kind = "express"


class OvernightShipping(ShippingMethod):
    kind = "overnight"


class ShippingCalculator:
    def __init__(self, strategy: ShippingMethod) -> None:
        self.strategy = strategy

    def quote(self, parcel: Parcel) -> float:
        if parcel.weight_kg <= 0:
            raise ValueError("a parcel must weigh more than 0 kg")
        return round(self.strategy.cost(parcel), 2)


STRATEGIES = {
    "standard": StandardShipping(),
    "express": ExpressShipping(),
    "overnight": OvernightShipping(),
}
