"""Shipping costs for the shop's checkout: one strategy object per shipping method."""

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Parcel:
    weight_kg: float
    distance_km: float


class ShippingStrategy(Protocol):
    """Anything that can price a parcel is a shipping method."""

    def cost(self, parcel: Parcel) -> float: ...


class StandardShipping:
    def cost(self, parcel: Parcel) -> float:
        return 4.00 + 0.50 * parcel.weight_kg


class ExpressShipping:
    def cost(self, parcel: Parcel) -> float:
        return 8.00 + 1.00 * parcel.weight_kg + 0.05 * parcel.distance_km


class OvernightShipping:
    def cost(self, parcel: Parcel) -> float:
        # A flat fee covers the first 5 kg; every kilogram above that costs 3.00.
        return 25.00 + 3.00 * max(0, parcel.weight_kg - 5)


class ShippingCalculator:
    """Prices a parcel with whichever strategy it holds; knows none of them by name."""

    def __init__(self, strategy: ShippingStrategy) -> None:
        self.strategy = strategy

    def quote(self, parcel: Parcel) -> float:
        if parcel.weight_kg <= 0:
            raise ValueError("a parcel must weigh more than 0 kg")
        return round(self.strategy.cost(parcel), 2)


# The checkout turns the customer's choice into a strategy here; a new method is a new entry.
STRATEGIES: dict[str, ShippingStrategy] = {
    "standard": StandardShipping(),
    "express": ExpressShipping(),
    "overnight": OvernightShipping(),
}


if __name__ == "__main__":
    parcel = Parcel(weight_kg=3, distance_km=120)
    for name, strategy in STRATEGIES.items():
        print(f"{name:>10}: {ShippingCalculator(strategy).quote(parcel):.2f}")
