"""Observers that poll: a timer asks every subscriber to look at the price once a second."""


class StockTicker:
    def __init__(self, symbol, price):
        self.symbol = symbol
        self.price = price
        self.subscribers = []

    def subscribe(self, observer):
        self.subscribers.append(observer)

    def unsubscribe(self, observer):
        if observer in self.subscribers:
            self.subscribers.remove(observer)

    def set_price(self, price):
        self.price = price  # the dashboard's timer calls refresh_all() every second

    def refresh_all(self):
        for observer in list(self.subscribers):
            observer.update(self)


class PriceLog:
    def __init__(self):
        self.prices = []

    def update(self, ticker):
        if not self.prices or self.prices[-1] != ticker.price:
            self.prices.append(ticker.price)


class PriceAlert:
    def __init__(self, threshold):
        self.threshold = threshold
        self.messages = []

    def update(self, ticker):
        if ticker.price >= self.threshold:
            self.messages.append(f"{ticker.symbol} reached {ticker.price:.2f}")
            ticker.unsubscribe(self)
