"""Shipping costs for the shop's checkout."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Parcel:
    weight_kg: float
    distance_km: float


class ShippingCalculator:
    """Works out what it costs to ship a parcel."""

    def cost(self, parcel, method):
        if parcel.weight_kg <= 0:
            raise ValueError("a parcel must weigh more than 0 kg")
        if method == "standard":
            price = 4.00 + 0.50 * parcel.weight_kg
        elif method == "express":
            price = 8.00 + 1.00 * parcel.weight_kg + 0.05 * parcel.distance_km
        elif method == "overnight":
            # A flat fee covers the first 5 kg; every kilogram above that costs 3.00.
            price = 25.00 + 3.00 * max(0, parcel.weight_kg - 5)
        else:
            raise ValueError(f"unknown shipping method: {method}")
        return round(price, 2)


if __name__ == "__main__":
    parcel = Parcel(weight_kg=3, distance_km=120)
    calculator = ShippingCalculator()
    for method in ("standard", "express", "overnight"):
        print(f"{method:>10}: {calculator.cost(parcel, method):.2f}")
