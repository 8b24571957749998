class StockTicker:
    def __init__(self, symbol, price):
        self.symbol = symbol
        self.price = price
        self._subscribers = []

    def subscribe(self, observer):
        self._subscribers.append(observer)

    def unsubscribe(self, observer):
        if observer in self._subscribers:
            self._subscribers.remove(observer)

    def set_price(self, price):
        if price == self.price:
            return
        self.price = price
        for observer in list(self._subscribers):
            observer.update(self)


class PriceLog:
    def __init__(self):
        self.prices = []

    def update(self, ticker):
        self.prices.append(ticker.price)


class PriceAlert:
    def __init__(self, threshold):
        self.threshold = threshold
        self.messages = []
        self.fired = False

    def update(self, ticker):
        if not self.fired and ticker.price >= self.threshold:
            self.fired = True
            self.messages.append(f"{ticker.symbol} reached {ticker.price:.2f}")
