"""Shipping costs with configurable strategy objects."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Parcel:
    weight_kg: float
    distance_km: float


@dataclass(frozen=True)
class StandardShipping:
    base: float = 4.00
    per_kg: float = 0.50

    def cost(self, parcel: Parcel) -> float:
        return self.base + self.per_kg * parcel.weight_kg


@dataclass(frozen=True)
class ExpressShipping:
    base: float = 8.00
    per_kg: float = 1.00
    per_km: float = 0.05

    def cost(self, parcel: Parcel) -> float:
        return self.base + self.per_kg * parcel.weight_kg + self.per_km * parcel.distance_km


@dataclass(frozen=True)
class OvernightShipping:
    flat: float = 25.00
    covered_kg: float = 5
    per_extra_kg: float = 3.00

    def cost(self, parcel: Parcel) -> float:
        return self.flat + self.per_extra_kg * max(0.0, parcel.weight_kg - self.covered_kg)


@dataclass
class ShippingCalculator:
    strategy: object

    def quote(self, parcel: Parcel) -> float:
        if parcel.weight_kg <= 0:
            raise ValueError(f"cannot ship a parcel of {parcel.weight_kg} kg")
        return round(self.strategy.cost(parcel), 2)


STRATEGIES = dict(
    standard=StandardShipping(), express=ExpressShipping(), overnight=OvernightShipping()
)
