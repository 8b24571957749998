"""Live price of one stock, and everything that reacts when it moves."""


class StockTicker:
    """Holds the latest price of a stock, and keeps the price log and the alert itself."""

    def __init__(self, symbol, price):
        self.symbol = symbol
        self.price = price
        self.history = []  # every new price, for the chart
        self.alert_at = None  # one price alert; it fires once, then switches itself off
        self.alerts = []

    def set_alert(self, threshold):
        self.alert_at = threshold

    def set_price(self, price):
        if price == self.price:
            return  # not a change
        self.price = price
        self.history.append(price)
        if self.alert_at is not None and price >= self.alert_at:
            self.alerts.append(f"{self.symbol} reached {price:.2f}")
            print(f"ALERT: {self.symbol} reached {price:.2f}")
            self.alert_at = None


if __name__ == "__main__":
    ticker = StockTicker("ACME", 97.0)
    ticker.set_alert(100)
    for price in (99.0, 101.0, 103.0, 100.0):
        ticker.set_price(price)
    print("history:", ticker.history)
