"""Live price of one stock; whoever cares subscribes and is told when it moves."""

from collections import deque
from contextlib import suppress
from dataclasses import dataclass
from dataclasses import field
from operator import methodcaller


class StockTicker:
    """The subject: a read-only price, changed through set_price(), which tells subscribers."""

    def __init__(self, symbol: str, price: float) -> None:
        self.symbol = symbol
        self._price = price
        self._subscribers: list = []

    @property
    def price(self) -> float:
        return self._price

    def subscribe(self, observer) -> None:
        if observer not in self._subscribers:
            self._subscribers.append(observer)

    def unsubscribe(self, observer) -> None:
        with suppress(ValueError):
            self._subscribers.remove(observer)

    def set_price(self, price: float) -> None:
        if price != self._price:
            self._price = price
            self._notify()

    def _notify(self) -> None:
        # A snapshot, so an observer leaving now does not make the next one miss the news;
        # the deque only drives the iterator (maxlen=0 keeps nothing).
        deque(map(methodcaller("update", self), tuple(self._subscribers)), maxlen=0)


@dataclass
class PriceLog:
    prices: list[float] = field(default_factory=list)

    def update(self, ticker: StockTicker) -> None:
        self.prices.append(ticker.price)


@dataclass
class PriceAlert:
    threshold: float
    messages: list[str] = field(default_factory=list)

    def update(self, ticker: StockTicker) -> None:
        if ticker.price >= self.threshold:
            self.messages.append(f"{ticker.symbol} reached {ticker.price:.2f}")
            ticker.unsubscribe(self)
