"""Observer, but the ticker stores bound methods, so unsubscribe never finds the observer."""


class StockTicker:
    def __init__(self, symbol, price):
        self.symbol = symbol
        self.price = price
        self.callbacks = []

    def subscribe(self, observer):
        self.callbacks.append(observer.update)

    def unsubscribe(self, observer):
        try:
            self.callbacks.remove(observer)
        except ValueError:
            pass  # not subscribed: nothing to do

    def set_price(self, price):
        if price == self.price:
            return
        self.price = price
        for callback in list(self.callbacks):
            callback(self)


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
