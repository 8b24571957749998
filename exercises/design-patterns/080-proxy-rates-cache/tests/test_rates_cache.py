"""Checks for the caching proxy: same calls as the real service, far fewer requests."""

from __future__ import annotations

from typing import NoReturn

import pricing
import pytest
import rates_api
import rates_cache
from grading.patterns import structural
from hypothesis import HealthCheck
from hypothesis import Phase
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

TABLE = {("EUR", "USD"): 1.08, ("EUR", "GBP"): 0.86}
CATALOGUE = {"mug": 12.0, "lamp": 89.0, "poster": 8.5}


# ttl and start times drawn at random on every check (the seed is chosen when the check runs),
# so an answer tuned to ttl=60 cannot pass.
FRESH = settings(
    max_examples=20, database=None, deadline=None, derandomize=False, report_multiple_bugs=False,
    phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
)


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


class Clock:
    """A clock the test moves by hand: clock() returns `now`, in seconds."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def proxy(service, ttl=60, clock=None):
    """Build CachingRates(service, ttl=..., clock=...), failing clearly if it cannot."""
    cls = getattr(rates_cache, "CachingRates", None)
    if cls is None:
        fail("rates_cache.py has no class CachingRates: that is the proxy to write")
    try:
        return cls(service, ttl=ttl, clock=clock or Clock())
    except TypeError as exc:
        fail(
            f"CachingRates(service, ttl=60, clock=clock) failed: {exc}. The proxy is handed "
            "the real service, how many seconds an answer stays fresh, and a clock to read"
        )


def ask(rates, method: str, *args):
    """Call rate() or currencies() on the proxy, failing clearly if it does not offer it."""
    found = getattr(rates, method, None)
    if not callable(found):
        fail(
            f"CachingRates has no {method}() method. The code that uses rates was written for "
            f"RemoteRates and calls {method}(): a proxy must answer the same calls as the real "
            "service, or it cannot be dropped in front of it"
        )
    return found(*args)


def requests(count: int) -> str:
    """'1 request', '2 requests'."""
    return f"{count} request" + ("" if count == 1 else "s")


def service(**answers) -> structural.Spy:
    """A stand-in for RemoteRates that records every request the proxy makes."""
    return structural.Spy("rates service", **answers)


def test_the_first_request_goes_to_the_service():
    """rate('EUR', 'USD') asks the real service it was given and returns its answer."""
    real = service(rate=lambda base, quote: 1.08, currencies=lambda: ["EUR", "USD"])
    got = ask(proxy(real), "rate", "EUR", "USD")
    calls = [(name, args) for name, args, _ in real.calls]
    if calls != [("rate", ("EUR", "USD"))] or got != 1.08:
        fail(
            f"the first rate('EUR', 'USD') made these requests to the service it was given: "
            f"{calls}, and returned {got!r}. Expected one request, rate('EUR', 'USD'), and its "
            "answer 1.08: with nothing remembered yet, the proxy passes the call on"
        )


def test_repeated_requests_are_answered_from_the_cache():
    """Within ttl seconds, asking for the same pair again does not reach the service."""
    real = service(rate=lambda base, quote: 1.08)
    clock = Clock()
    rates = proxy(real, ttl=60, clock=clock)
    got = []
    for delay in (0, 10, 59):
        clock.now = 1000.0 + delay
        got.append(ask(rates, "rate", "EUR", "USD"))
    if real.times_called("rate") != 1 or got != [1.08] * 3:
        fail(
            f"asking for EUR/USD at 0, 10 and 59 seconds (ttl=60) returned {got} and reached "
            f"the service {real.times_called('rate')} times; expected 1.08 each time and a "
            "single request: an answer younger than ttl is served from memory"
        )


def test_each_pair_is_remembered_separately():
    """EUR/USD and EUR/GBP are different questions with different answers."""
    real = service(rate=lambda base, quote: TABLE[(base, quote)])
    rates = proxy(real)
    got = [ask(rates, "rate", "EUR", q) for q in ("USD", "GBP", "USD", "GBP")]
    if got != [1.08, 0.86, 1.08, 0.86] or real.times_called("rate") != 2:
        fail(
            f"asking for USD, GBP, USD, GBP returned {got} with "
            f"{requests(real.times_called('rate'))}; expected [1.08, 0.86, 1.08, 0.86] and 2 "
            "requests. Remember each "
            "(base, quote) pair on its own"
        )


CODES = ("EUR", "USD", "GBP", "CHF")


@FRESH
@given(questions=st.lists(st.tuples(st.sampled_from(CODES), st.sampled_from(CODES)),
                          min_size=1, max_size=12))
def test_every_ordered_pair_is_its_own_question(questions):
    """Pairs drawn at random, in both directions: each (base, quote) is remembered on its own."""
    def answer(base, quote):
        return round(1 + CODES.index(base) + CODES.index(quote) / 10, 2)

    real = service(rate=answer)
    rates = proxy(real)
    for number, (base, quote) in enumerate(questions, start=1):
        got = ask(rates, "rate", base, quote)
        if got != answer(base, quote):
            earlier = [q for q in questions[: number - 1] if q != (base, quote)]
            hint = (
                f" It was asked for {quote}/{base} before: {base}/{quote} is the other "
                "direction, a different question with a different answer. Keep the order of "
                "the pair in what you remember it by"
                if (quote, base) in earlier else ""
            )
            fail(
                f"after {number} questions, rate({base!r}, {quote!r}) returned {got}; the "
                f"service says {answer(base, quote)}.{hint}"
            )
    wanted = len(set(questions))
    if real.times_called("rate") != wanted:
        fail(
            f"{len(questions)} questions about {wanted} different (base, quote) pairs cost "
            f"{requests(real.times_called('rate'))}; expected {wanted}, one per pair"
        )


def test_an_answer_older_than_ttl_is_fetched_again():
    """Once an answer is older than ttl seconds, the next request asks the service again."""
    table = dict(TABLE)
    real = service(rate=lambda base, quote: table[(base, quote)])
    clock = Clock()
    rates = proxy(real, ttl=60, clock=clock)
    first = ask(rates, "rate", "EUR", "USD")
    table[("EUR", "USD")] = 1.11  # the market moved
    clock.now += 61
    second = ask(rates, "rate", "EUR", "USD")
    clock.now += 1
    third = ask(rates, "rate", "EUR", "USD")
    if (first, second, third) != (1.08, 1.11, 1.11) or real.times_called("rate") != 2:
        fail(
            f"at 0, 61 and 62 seconds (ttl=60) the proxy answered {first}, {second}, {third} "
            f"with {requests(real.times_called('rate'))}; expected 1.08, 1.11, 1.11 and 2 "
            "requests. An answer older than ttl is stale: fetch it again (read the clock you "
            "were given), then serve the fresh one"
        )


@FRESH
@given(ttl=st.integers(min_value=1, max_value=86_400), start=st.integers(0, 10**7))
def test_freshness_follows_the_ttl_it_is_given(ttl, start):
    """For any ttl: an answer younger than ttl is served from memory; at ttl it is fetched again."""
    answers = iter([1.08, 1.11, 1.25])
    real = service(rate=lambda base, quote: next(answers))
    clock = Clock()
    clock.now = float(start)
    rates = proxy(real, ttl=ttl, clock=clock)
    seen = [ask(rates, "rate", "EUR", "USD")]
    clock.now = start + ttl - 0.5
    seen.append(ask(rates, "rate", "EUR", "USD"))
    if seen != [1.08, 1.08] or real.times_called("rate") != 1:
        fail(
            f"with ttl={ttl}, asking for EUR/USD again {ttl - 0.5} seconds later returned "
            f"{seen[1]} with {requests(real.times_called('rate'))} in all; an answer younger "
            "than ttl should come from memory, with one request to the service"
        )
    clock.now = start + ttl
    seen.append(ask(rates, "rate", "EUR", "USD"))
    if seen[2] != 1.11 or real.times_called("rate") != 2:
        fail(
            f"with ttl={ttl}, an answer exactly {ttl} seconds old was served as {seen[2]} with "
            f"{requests(real.times_called('rate'))} in all; the prompt keeps answers fetched "
            "less than ttl seconds ago, so at ttl seconds it is stale and must be fetched again"
        )


def test_currencies_goes_through_the_proxy_too():
    """currencies() is offered too, and also remembered for ttl seconds."""
    real = service(currencies=lambda: ["EUR", "GBP", "USD"])
    rates = proxy(real)
    got = [ask(rates, "currencies") for _ in range(3)]
    if got != [["EUR", "GBP", "USD"]] * 3 or real.times_called("currencies") != 1:
        fail(
            f"three currencies() calls returned {got} with "
            f"{requests(real.times_called('currencies'))}; expected the service's list each "
            "time and one request"
        )


def test_a_failed_request_is_not_remembered():
    """If the service fails, the error reaches the caller and the next call asks again."""
    outcomes = [rates_api.RatesUnavailable("provider is down"), 1.08]

    def flaky(base, quote):
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    real = service(rate=flaky)
    rates = proxy(real)
    try:
        got = ask(rates, "rate", "EUR", "USD")
        fail(f"the service raised RatesUnavailable, but the proxy returned {got!r}")
    except rates_api.RatesUnavailable:
        pass
    try:
        got = ask(rates, "rate", "EUR", "USD")
    except rates_api.RatesUnavailable:
        fail(
            "after one failed request, the next rate('EUR', 'USD') raised RatesUnavailable "
            f"again with {requests(real.times_called('rate'))} in all: the proxy remembered "
            "the failure and replays it, so the shop shows no prices for ttl seconds even "
            "though the service is back. Remember answers, not failures"
        )
    if got != 1.08:
        fail(
            f"after a failed request, the next rate('EUR', 'USD') returned {got!r} instead of "
            "asking the service again (1.08): remember answers, not failures"
        )


def test_code_written_for_the_service_works_unchanged():
    """price_list() and supported() work with the proxy and cost one request per question."""
    remote = rates_api.RemoteRates(TABLE)
    rates = proxy(remote)
    try:
        lists = [pricing.price_list(rates, CATALOGUE, "USD") for _ in range(3)]
        known = pricing.supported(rates, "GBP")
    except AttributeError as exc:
        fail(
            f"pricing.py failed with the proxy: {exc}. It was written for RemoteRates: a "
            "proxy must answer the same calls, so it can stand in without changing that code"
        )
    expected = {"mug": 12.96, "lamp": 96.12, "poster": 9.18}
    if lists != [expected] * 3 or known is not True:
        fail(f"price_list gave {lists[0]} (expected {expected}) or supported('GBP') was {known}")
    if remote.requests != 2:
        fail(
            f"three price lists and one supported() cost {requests(remote.requests)} to the "
            "service the proxy was given; expected 2 (one rate, one currencies list)"
        )


# Every call RemoteRates offers, with arguments to ask it: each one follows the same rule, so
# each one is checked for freshness, expiry and failures (not only rate()).
CALLS = {"rate": ("EUR", "USD"), "currencies": ()}
# Answers of the service, in the type each call really returns: a proxy may hand out a copy of
# a list it keeps (so a caller cannot change what it remembers), so lists compare by content.
ANSWERS = {
    "rate": [1.08, 1.09, 1.1],
    "currencies": [["EUR", "USD"], ["EUR", "GBP", "USD"], ["CHF", "EUR", "USD"]],
}


def same_answer(method: str, got, expected) -> bool:
    """Whether the proxy handed out the service's answer (a list may come back as a copy)."""
    if method == "currencies":
        try:
            return list(got) == list(expected)
        except TypeError:
            return False
    return got == expected


def describe_call(method: str) -> str:
    """rate('EUR', 'USD') or currencies(), as the learner would write the call."""
    return f"{method}({', '.join(repr(a) for a in CALLS[method])})"


def test_every_call_of_the_service_is_checked():
    """The calls checked below are every public call RemoteRates offers (a guard for this file)."""
    offered = {
        name for name in vars(rates_api.RemoteRates)
        if not name.startswith("_") and callable(getattr(rates_api.RemoteRates, name))
    }
    assert offered == set(CALLS), f"RemoteRates offers {sorted(offered)}; checked {sorted(CALLS)}"


@pytest.mark.parametrize("method", sorted(CALLS))
@FRESH
@given(ttl=st.integers(min_value=1, max_value=86_400), start=st.integers(0, 10**7))
def test_every_call_expires_after_ttl(method, ttl, start):
    """{method}(): an answer younger than ttl comes from memory; at ttl it is fetched again."""
    first, second, _ = ANSWERS[method]
    answers = iter(ANSWERS[method])
    real = service(**{method: lambda *args: next(answers)})
    clock = Clock()
    clock.now = float(start)
    rates = proxy(real, ttl=ttl, clock=clock)
    call = describe_call(method)
    seen = [ask(rates, method, *CALLS[method])]
    clock.now = start + ttl - 0.5
    seen.append(ask(rates, method, *CALLS[method]))
    fresh = all(same_answer(method, answer, first) for answer in seen)
    if not fresh or real.times_called(method) != 1:
        fail(
            f"with ttl={ttl}, calling {call} again {ttl - 0.5} seconds later cost "
            f"{requests(real.times_called(method))} in all and returned {seen[1]!r} after "
            f"{seen[0]!r}; an answer younger than ttl comes from memory, with one request"
        )
    clock.now = start + ttl + 1000
    seen.append(ask(rates, method, *CALLS[method]))
    if not same_answer(method, seen[2], second) or real.times_called(method) != 2:
        fail(
            f"with ttl={ttl}, {call} was called again {ttl + 1000} seconds after its first "
            f"answer and returned {seen[2]!r} with {requests(real.times_called(method))} in "
            f"all: the old answer was served although it is stale, so the shop keeps showing "
            f"it for good. The prompt says every call follows the same rule: an answer older "
            "than ttl is fetched again"
        )


@pytest.mark.parametrize("method", sorted(CALLS))
def test_no_call_remembers_a_failure(method):
    """{method}(): a failure reaches the caller, and the next call asks the service again."""
    answer = ANSWERS[method][0]
    outcomes = [rates_api.RatesUnavailable("provider is down"), answer]

    def flaky(*args):
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    real = service(**{method: flaky})
    rates = proxy(real)
    call = describe_call(method)
    try:
        got = ask(rates, method, *CALLS[method])
    except rates_api.RatesUnavailable:
        pass
    else:
        fail(f"the service raised RatesUnavailable on {call}, but the proxy returned {got!r}: "
             "a failure must reach the caller")
    try:
        got = ask(rates, method, *CALLS[method])
    except rates_api.RatesUnavailable:
        fail(
            f"after one failed request, the next {call} raised RatesUnavailable again with "
            f"{requests(real.times_called(method))} in all: the proxy replays the failure "
            "although the service is back. Remember answers, not failures"
        )
    if not same_answer(method, got, answer):
        fail(f"after a failed request, the next {call} returned {got!r} instead of asking the "
             "service again: remember answers, not failures")
