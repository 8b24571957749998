"""Drinks on the café's till, in cents: a GoF component base class and dataclass decorators."""

from abc import ABC
from abc import abstractmethod
from dataclasses import dataclass


class Drink(ABC):
    @abstractmethod
    def cost(self) -> int: ...

    @abstractmethod
    def description(self) -> str: ...


class Espresso(Drink):
    def cost(self):
        return 250

    def description(self):
        return "espresso"


class FilterCoffee(Drink):
    def cost(self):
        return 200

    def description(self):
        return "filter coffee"


@dataclass(frozen=True)
class Milk(Drink):
    inner: Drink

    def cost(self):
        return self.inner.cost() + 50

    def description(self):
        return self.inner.description() + ", milk"


@dataclass(frozen=True)
class Caramel(Drink):
    inner: Drink

    def cost(self):
        return self.inner.cost() + 70

    def description(self):
        return self.inner.description() + ", caramel"


@dataclass(frozen=True)
class ExtraShot(Drink):
    inner: Drink

    def cost(self):
        return self.inner.cost() + 90

    def description(self):
        return self.inner.description() + ", extra shot"
