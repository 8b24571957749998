"""Shipping costs: methods are an Enum, one pricing function chooses the formula."""

from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class Parcel:
    weight_kg: float
    distance_km: float


class Method(Enum):
    STANDARD = "standard"
    EXPRESS = "express"
    OVERNIGHT = "overnight"


def price(method, parcel):
    if method is Method.STANDARD:
        return 4.00 + 0.50 * parcel.weight_kg
    if method is Method.EXPRESS:
        return 8.00 + 1.00 * parcel.weight_kg + 0.05 * parcel.distance_km
    return 25.00 + 3.00 * max(0, parcel.weight_kg - 5)


class StandardShipping:
    method = Method.STANDARD

    def cost(self, parcel):
        return price(self.method, parcel)


class ExpressShipping(StandardShipping):
    method = Method.EXPRESS


class OvernightShipping(StandardShipping):
    method = Method.OVERNIGHT


class ShippingCalculator:
    def __init__(self, strategy):
        self.strategy = strategy

    def quote(self, parcel):
        if parcel.weight_kg <= 0:
            raise ValueError("a parcel must weigh more than 0 kg")
        return round(self.strategy.cost(parcel), 2)


STRATEGIES = {m.value: cls() for m, cls in zip(Method, (StandardShipping, ExpressShipping, OvernightShipping))}
