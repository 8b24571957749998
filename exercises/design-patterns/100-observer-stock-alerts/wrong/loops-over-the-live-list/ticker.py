"""Observer, but the ticker loops over the same list that unsubscribe() shrinks."""


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
        if price == self.price:
            return
        self.price = price
        for observer in self.subscribers:
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

    def update(self, ticker):
        if ticker.price >= self.threshold:
            self.messages.append(f"{ticker.symbol} reached {ticker.price:.2f}")
            ticker.unsubscribe(self)
