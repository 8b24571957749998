"""Live price of one stock; whoever cares subscribes and is told when it moves."""

from typing import Protocol


class Observer(Protocol):
    """Anything with update(ticker) can subscribe to a ticker."""

    def update(self, ticker: "StockTicker") -> None: ...


class StockTicker:
    """The subject: it knows its subscribers only as objects with update(ticker)."""

    def __init__(self, symbol: str, price: float) -> None:
        self.symbol = symbol
        self.price = price
        self._subscribers: list[Observer] = []

    def subscribe(self, observer: Observer) -> None:
        if observer not in self._subscribers:
            self._subscribers.append(observer)

    def unsubscribe(self, observer: Observer) -> None:
        if observer in self._subscribers:
            self._subscribers.remove(observer)

    def set_price(self, price: float) -> None:
        if price == self.price:
            return  # not a change: nobody needs to hear about it
        self.price = price  # change first ...
        for observer in list(self._subscribers):  # ... then notify, from a copy
            observer.update(self)


class PriceLog:
    """Writes down every new price (the chart reads it)."""

    def __init__(self) -> None:
        self.prices: list[float] = []

    def update(self, ticker: StockTicker) -> None:
        self.prices.append(ticker.price)


class PriceAlert:
    """Fires once when the price reaches a threshold, then unsubscribes itself."""

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self.messages: list[str] = []

    def update(self, ticker: StockTicker) -> None:
        if ticker.price > self.threshold:
            self.messages.append(f"{ticker.symbol} reached {ticker.price:.2f}")
            ticker.unsubscribe(self)


if __name__ == "__main__":
    ticker = StockTicker("ACME", 97.0)
    log, alert = PriceLog(), PriceAlert(100)
    ticker.subscribe(alert)
    ticker.subscribe(log)
    for price in (99.0, 101.0, 103.0, 100.0):
        ticker.set_price(price)
    print("alerts:", alert.messages)
    print("history:", log.prices)
