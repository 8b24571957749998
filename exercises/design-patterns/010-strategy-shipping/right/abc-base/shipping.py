"""Shipping costs: a GoF-style abstract strategy, concrete strategies, and a context."""

from abc import ABC
from abc import abstractmethod
from dataclasses import dataclass


@dataclass(frozen=True)
class Parcel:
    weight_kg: float
    distance_km: float


class ShippingMethod(ABC):
    @abstractmethod
    def cost(self, parcel: Parcel) -> float:
        """The price of shipping this parcel, unrounded."""


_Method = ShippingMethod


class StandardShipping(_Method):
    def cost(self, parcel):
        return 4.00 + 0.50 * parcel.weight_kg


class ExpressShipping(_Method):
    def cost(self, parcel):
        return 8.00 + parcel.weight_kg + 0.05 * parcel.distance_km


class OvernightShipping(_Method):
    FLAT_KG = 5

    def cost(self, parcel):
        extra = parcel.weight_kg - self.FLAT_KG
        return 25.00 + (3.00 * extra if extra > 0 else 0)


class ShippingCalculator:
    def __init__(self, strategy: ShippingMethod):
        self.strategy = strategy

    def quote(self, parcel):
        if not parcel.weight_kg > 0:
            raise ValueError("weight must be positive")
        return round(self.strategy.cost(parcel), 2)


STRATEGIES = {
    cls.__name__.removesuffix("Shipping").lower(): cls()
    for cls in (StandardShipping, ExpressShipping, OvernightShipping)
}
