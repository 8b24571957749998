"""Checks for the Observer refactoring of ticker.py: the ticker tells, subscribers react."""

from __future__ import annotations

from typing import NoReturn

import ticker
from grading.patterns import behavioral
from hypothesis import HealthCheck
from hypothesis import Phase
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

# Thresholds drawn at random on every check (the seed is chosen when the check runs).
FRESH = settings(
    max_examples=20, database=None, deadline=None, derandomize=False, report_multiple_bugs=False,
    phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
)


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def part(name: str, what: str):
    """Fetch a name from ticker.py, or fail saying what the prompt expects it to be."""
    value = getattr(ticker, name, None)
    if value is None:
        fail(f"ticker.py has no {name} yet: {what}")
    return value


def new_ticker(price: float = 97.0):
    """A StockTicker for ACME at this price."""
    cls = part("StockTicker", "the subject that holds the price")
    return cls("ACME", price)


def call(obj, method: str, *args):
    """Call obj.method(*args), failing with the prompt's wording if it is missing."""
    found = getattr(obj, method, None)
    if not callable(found):
        fail(f"{type(obj).__name__} has no {method}() method; see 'What to build'")
    return found(*args)


def test_log_records_every_change():
    """A subscribed PriceLog records each new price; setting the same price is no change."""
    t = new_ticker()
    log = part("PriceLog", "an observer that records every new price in .prices")()
    call(t, "subscribe", log)
    for price in (99.0, 99.0, 101.0, 96.5):
        call(t, "set_price", price)
    got = getattr(log, "prices", None)
    expected = [99.0, 101.0, 96.5]
    if got == expected:
        return
    story = (
        "after set_price(99.0), set_price(99.0), set_price(101.0), set_price(96.5) the log's "
        f"prices are {got!r}; expected {expected!r}. "
    )
    if not got:
        fail(
            story + "The log heard nothing: set_price() itself must call update(ticker) on "
            "every subscriber, at the moment the price changes"
        )
    if got[0] == 97.0:
        fail(
            story + "The log wrote down the price from before each change (97.0 was the "
            "starting price): it was told before the ticker stored the new price"
        )
    fail(
        story + "The ticker tells its subscribers about every change, once, and setting "
        "the price it already has is not a change"
    )


def test_alert_fires_once_and_then_leaves():
    """A PriceAlert fires once when the price reaches its threshold, then unsubscribes."""
    t = new_ticker()
    alert = part("PriceAlert", "an observer that fires once at a threshold")(100)
    call(t, "subscribe", alert)
    for price in (99.0, 101.0, 103.0, 100.0):
        call(t, "set_price", price)
    got = getattr(alert, "messages", None)
    if got == ["ACME reached 101.00"]:
        return
    story = f"an alert at 100 saw the prices 99, 101, 103, 100 and holds {got!r}; "
    if isinstance(got, list) and len(got) > 1:
        fail(
            story + "it should fire only once. It is still called after it fired: it either "
            "never leaves the ticker, or unsubscribe() does not really remove it"
        )
    fail(
        story + "expected ['ACME reached 101.00']: it fires at the first price at or above "
        "100 (symbol, then the price with two decimals), then unsubscribes itself"
    )


def test_a_fired_alert_is_no_longer_subscribed():
    """Once it has fired, the alert unsubscribes itself: the ticker never calls it again."""
    alert_class = part("PriceAlert", "an observer that fires once at a threshold")

    class CountedAlert(alert_class):
        """The learner's PriceAlert, counting how often the ticker calls it."""

        calls = 0

        def update(self, subject):
            type(self).calls += 1
            return super().update(subject)

    t = new_ticker()
    alert = CountedAlert(100)
    call(t, "subscribe", alert)
    call(t, "set_price", 101.0)
    before = CountedAlert.calls
    for price in (102.0, 99.0, 104.0):
        call(t, "set_price", price)
    if CountedAlert.calls != before:
        fail(
            f"after the alert at 100 fired at 101.00, the ticker still called its update() "
            f"{CountedAlert.calls - before} more times for 102, 99 and 104. The alert stays "
            "subscribed, so every spent alert costs a call on every price change from then on"
        )


def test_observers_see_the_new_price():
    """When an observer is told, the ticker already shows the new price."""
    t = new_ticker()
    for problem in behavioral.notified_after_change(
        t,
        lambda: t.set_price(101.0),
        lambda subject: subject.price,
        subject_name="StockTicker",
        state_name="the price",
    ):
        fail(problem)


def test_unsubscribed_observers_hear_nothing():
    """After unsubscribe(observer), that observer is never called again."""
    t = new_ticker()
    for problem in behavioral.unsubscribe_stops_notifications(
        t, lambda: t.set_price(101.0), subject_name="StockTicker"
    ):
        fail(problem)


def test_unsubscribing_during_a_notification_is_safe():
    """An observer leaving during update() does not make the next one miss the news."""
    t = new_ticker()
    for problem in behavioral.safe_to_unsubscribe_while_notified(
        t, lambda: t.set_price(t.price + 1), subject_name="StockTicker"
    ):
        fail(problem)


def test_two_live_tickers_keep_their_own_subscribers():
    """A log subscribed to one ticker hears nothing when another ticker's price moves."""
    acme, other = new_ticker(97.0), new_ticker(50.0)
    log = part("PriceLog", "the observer that records every price")()
    call(acme, "subscribe", log)
    call(other, "set_price", 55.0)
    call(acme, "set_price", 98.0)
    if log.prices != [98.0]:
        fail(
            f"a PriceLog subscribed only to the first ticker recorded {log.prices} after the "
            "second ticker moved to 55.0 and the first to 98.0; expected [98.0]. Each ticker "
            "needs its own list of subscribers (made in __init__): a list shared by the class "
            "sends every ticker's news to everyone"
        )


@FRESH
@given(threshold=st.decimals(min_value="1", max_value="1000", places=2).map(float))
def test_an_alert_fires_at_its_threshold_not_before(threshold):
    """For any threshold: just below it nothing fires; exactly at it the alert fires once."""
    t = new_ticker(threshold - 5)
    alert = part("PriceAlert", "the observer that fires once at a threshold")(threshold)
    call(t, "subscribe", alert)
    call(t, "set_price", threshold - 0.01)
    if alert.messages:
        fail(
            f"PriceAlert({threshold}) fired at {threshold - 0.01:.2f}, below its threshold: "
            f"{alert.messages}"
        )
    call(t, "set_price", threshold)
    call(t, "set_price", threshold + 1)
    if alert.messages != [f"ACME reached {threshold:.2f}"]:
        fail(
            f"PriceAlert({threshold}) saw the price reach exactly {threshold:.2f} and then "
            f"{threshold + 1:.2f}, and wrote {alert.messages}; expected one message, "
            f"'ACME reached {threshold:.2f}': the prompt says at or above the threshold, once"
        )
