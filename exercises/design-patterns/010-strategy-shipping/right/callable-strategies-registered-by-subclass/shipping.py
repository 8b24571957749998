"""Shipping costs: each method is a callable object; subclasses register themselves."""

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class Parcel:
    weight_kg: float
    distance_km: float


class ShippingStrategy:
    """A strategy is called with a parcel; cost() is the name the calculator uses for that."""

    registry: ClassVar[dict[str, "ShippingStrategy"]] = {}

    def __init_subclass__(cls, *, key: str, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        ShippingStrategy.registry[key] = cls()

    def __call__(self, parcel: Parcel) -> float:
        raise NotImplementedError

    def cost(self, parcel: Parcel) -> float:
        return self(parcel)


class StandardShipping(ShippingStrategy, key="standard"):
    def __call__(self, parcel: Parcel) -> float:
        return 4.00 + 0.50 * parcel.weight_kg


class ExpressShipping(ShippingStrategy, key="express"):
    def __call__(self, parcel: Parcel) -> float:
        return 8.00 + 1.00 * parcel.weight_kg + 0.05 * parcel.distance_km


class OvernightShipping(ShippingStrategy, key="overnight"):
    def __call__(self, parcel: Parcel) -> float:
        return 25.00 + 3.00 * max(0, parcel.weight_kg - 5)


@dataclass
class ShippingCalculator:
    strategy: ShippingStrategy

    def quote(self, parcel: Parcel) -> float:
        if parcel.weight_kg <= 0:
            raise ValueError("a parcel must weigh more than 0 kg")
        return round(self.strategy.cost(parcel), 2)


# The names the checkout uses come from the classes themselves (key=...).
STRATEGIES = ShippingStrategy.registry
