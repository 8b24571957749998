"""Checks for the Chain of Responsibility refactoring of support.py."""

from __future__ import annotations

from typing import NoReturn

import support
from grading.patterns import behavioral
from hypothesis import HealthCheck
from hypothesis import Phase
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

# Refund amounts drawn at random on every check (the seed is chosen when the check runs).
FRESH = settings(
    max_examples=25, database=None, deadline=None, derandomize=False, report_multiple_bugs=False,
    phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
)

HANDLERS = ("PasswordBot", "RefundDesk", "Manager", "Engineering")
# For each handler: a ticket it answers (and its answer) and a ticket it must pass on.
ANSWERS = {
    "PasswordBot": (("password", 0), "bot: password reset link sent", ("refund", 20)),
    "RefundDesk": (("refund", 50), "desk: refund of 50.00 approved", ("refund", 50.01)),
    "Manager": (("refund", 500), "manager: refund of 500.00 approved", ("refund", 501)),
    "Engineering": (("bug", 0), "engineering: bug report filed", ("password", 0)),
}
WEB_FORM = [
    (("password", 0), "bot: password reset link sent"),
    (("refund", 30), "desk: refund of 30.00 approved"),
    (("refund", 120), "manager: refund of 120.00 approved"),
    (("refund", 900), None),
    (("bug", 0), "engineering: bug report filed"),
    (("invoice", 0), None),
]


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def part(name: str, what: str):
    """Fetch a name from support.py, or fail saying what the prompt expects it to be."""
    value = getattr(support, name, None)
    if value is None:
        fail(f"support.py has no {name} yet: {what}")
    return value


def ticket(topic: str, amount: float = 0):
    """A Ticket."""
    return part("Ticket", "keep the Ticket dataclass as it is")(topic, float(amount))


def handler(name: str):
    """A fresh, unlinked handler of this class."""
    cls = part(name, "one handler class per team; see 'What to build'")
    try:
        return cls()
    except TypeError as exc:
        fail(f"{name}() failed: {exc}. A handler is created without arguments and linked later "
             "with set_next()")


def link(*names: str):
    """Handlers linked in this order with set_next(); returns the first."""
    made = [handler(name) for name in names]
    for current, following in zip(made, made[1:], strict=False):
        method = getattr(current, "set_next", None)
        if not callable(method):
            fail(f"{type(current).__name__} has no set_next(handler) method")
        method(following)
    return made[0]


def ask(first, t):
    """first.handle(t), failing with a useful message when that crashes."""
    try:
        return first.handle(t)
    except Exception as exc:
        fail(f"handling {t!r} raised {type(exc).__name__}: {exc}")


def test_web_form_chain_answers_like_before():
    """build_chain() gives the web form's chain, answering every ticket as route() did."""
    first = part("build_chain", "a function returning the first handler of the web chain")()
    for (topic, amount), expected in WEB_FORM:
        t = ticket(topic, amount)
        got = ask(first, t)
        if got != expected:
            fail(f"the web chain answered {t!r} with {got!r}; route() answered {expected!r}")


def test_each_handler_passes_on_what_it_cannot_do():
    """A handler given a ticket it cannot deal with hands it to the next handler."""
    for name, (_, _, other) in ANSWERS.items():
        for problem in behavioral.passes_on(handler(name), ticket(*other), handler_name=name):
            fail(problem)


def test_each_handler_decides_alone():
    """A handler that answers a ticket does not also pass it on."""
    for name, (mine, answer, _) in ANSWERS.items():
        t = ticket(*mine)
        for problem in behavioral.decides_alone(handler(name), t, handler_name=name):
            fail(problem)
        got = ask(handler(name), t)
        if got != answer:
            fail(f"{name} answered {t!r} with {got!r}; expected {answer!r}")


def test_the_end_of_a_chain_answers_none():
    """A handler with nobody after it answers None for a ticket it cannot deal with."""
    for name, (_, _, other) in ANSWERS.items():
        for problem in behavioral.end_of_chain(handler(name), ticket(*other), handler_name=name):
            fail(problem)


def test_set_next_returns_the_next_handler():
    """a.set_next(b) links b after a and returns b, so links can be chained."""
    first, second = handler("PasswordBot"), handler("Engineering")
    method = getattr(first, "set_next", None)
    if not callable(method):
        fail("PasswordBot has no set_next(handler) method")
    returned = method(second)
    if returned is not second:
        fail(
            f"bot.set_next(engineering) returned {returned!r}; it should return the handler it "
            "was given, so a chain can be written a.set_next(b).set_next(c)"
        )


def test_chains_can_be_rearranged():
    """Other channels link the same handlers differently, and the order decides who answers."""
    phone = link("RefundDesk", "Manager", "Engineering")
    for (topic, amount), expected in [(("password", 0), None),
                                      (("refund", 30), "desk: refund of 30.00 approved"),
                                      (("bug", 0), "engineering: bug report filed")]:
        got = ask(phone, ticket(topic, amount))
        if got != expected:
            fail(
                f"the phone line's chain (desk, manager, engineering: no bot) answered "
                f"{ticket(topic, amount)!r} with {got!r}, expected {expected!r}. The chain is "
                "whatever set_next() linked, nothing more"
            )
    vip = link("Manager", "RefundDesk")
    got = ask(vip, ticket("refund", 30))
    if got != "manager: refund of 30.00 approved":
        fail(
            f"with the manager linked before the desk, a 30.00 refund was answered with "
            f"{got!r}; the first handler that can deal with a ticket answers it"
        )


@FRESH
@given(amount=st.decimals(min_value="0.01", max_value="1200", places=2).map(float))
def test_any_refund_reaches_the_first_handler_allowed_to_pay_it(amount):
    """A refund drawn at random: the desk pays up to 50.00, the manager up to 500.00, else None."""
    first = link(*HANDLERS)
    got = ask(first, ticket("refund", amount))
    if amount <= 50:
        want = f"desk: refund of {amount:.2f} approved"
    elif amount <= 500:
        want = f"manager: refund of {amount:.2f} approved"
    else:
        want = None
    if got != want:
        fail(
            f"a refund of {amount:.2f} through the web form's chain was answered {got!r}; "
            f"expected {want!r}. The desk pays refunds up to 50.00, the manager up to 500.00 "
            "(both limits included), and nobody answers a larger one"
        )
