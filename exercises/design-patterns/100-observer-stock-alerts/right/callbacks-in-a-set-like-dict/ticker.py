"""Live price of one stock; subscribers kept in an insertion-ordered dict."""

from dataclasses import dataclass
from dataclasses import field


@dataclass
class StockTicker:
    symbol: str
    price: float
    _subscribers: dict = field(default_factory=dict, repr=False)

    def subscribe(self, observer):
        self._subscribers[id(observer)] = observer

    def unsubscribe(self, observer):
        self._subscribers.pop(id(observer), None)

    def set_price(self, price):
        if price == self.price:
            return
        self.price = price
        for observer in list(self._subscribers.values()):
            observer.update(self)


@dataclass
class PriceLog:
    prices: list = field(default_factory=list)

    def update(self, ticker):
        self.prices.append(ticker.price)


class PriceAlert:
    def __init__(self, threshold):
        self.threshold = threshold
        self.messages = []

    def update(self, ticker):
        if ticker.price < self.threshold:
            return
        self.messages.append(f"{ticker.symbol} reached {ticker.price:.2f}")
        ticker.unsubscribe(self)
