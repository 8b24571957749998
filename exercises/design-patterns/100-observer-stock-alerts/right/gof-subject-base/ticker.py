"""GoF: a Subject base class owns attach/notify; the ticker is a concrete subject."""


class Subject:
    def __init__(self):
        self._observers = []

    def subscribe(self, observer):
        if observer not in self._observers:
            self._observers.append(observer)

    def unsubscribe(self, observer):
        if observer in self._observers:
            self._observers.remove(observer)

    def notify(self):
        for observer in tuple(self._observers):
            observer.update(self)


class StockTicker(Subject):
    def __init__(self, symbol, price):
        super().__init__()
        self.symbol = symbol
        self.price = price

    def set_price(self, price):
        if price != self.price:
            self.price = price
            self.notify()


class PriceLog:
    def __init__(self):
        self.prices = []

    def update(self, ticker):
        self.prices.append(ticker.price)


class PriceAlert:
    def __init__(self, threshold):
        self.threshold = threshold
        self.messages = []

    def update(self, ticker):
        if ticker.price >= self.threshold:
            self.messages.append(f"{ticker.symbol} reached {ticker.price:.2f}")
            ticker.unsubscribe(self)
