"""Shop code that uses exchange rates. Read-only: it was written for RemoteRates."""


def price_list(rates, prices_eur, currency):
    """The catalogue's euro prices converted into `currency`, rounded to cents."""
    return {
        item: round(price * rates.rate("EUR", currency), 2)
        for item, price in prices_eur.items()
    }


def supported(rates, currency):
    """True if the shop can show prices in `currency`."""
    return currency in rates.currencies()
