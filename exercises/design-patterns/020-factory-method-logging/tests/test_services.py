"""Checks for the Factory Method refactoring of services.py: one place chooses the logger."""

from __future__ import annotations

from typing import NoReturn

import services
from hypothesis import HealthCheck
from hypothesis import Phase
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

# Targets, settings and messages drawn at random on every check (the seed is chosen when the
# check runs), so an answer tuned to the values the other tests use cannot pass.
FRESH = settings(
    max_examples=25, database=None, deadline=None, derandomize=False, report_multiple_bugs=False,
    phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
)
WORD = st.text("abcdefghijklmnopqrstuvwxyz-0123456789", min_size=1, max_size=12)
CALLS = st.lists(
    st.one_of(
        st.tuples(st.just("CheckoutService"), st.just("pay"),
                  st.tuples(WORD, st.decimals("0", "9999", places=2).map(float))),
        st.tuples(st.just("SignupService"), st.just("register"),
                  st.tuples(WORD.map(lambda w: w + "@example.com"))),
        st.tuples(st.just("ReportService"), st.just("nightly"),
                  st.tuples(st.lists(st.decimals("0", "500", places=2).map(float),
                                     max_size=4))),
    ),
    min_size=1, max_size=6,
)

LOGGER_CLASSES = ["FileLogger", "CloudLogger", "ConsoleLogger"]
SERVICES = ["CheckoutService", "SignupService", "ReportService"]
EXPECTED_LOGGER = {"file": "FileLogger", "cloud": "CloudLogger", "console": "ConsoleLogger"}


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def service_class(name: str):
    """Fetch a service class, or fail saying the prompt keeps it."""
    cls = getattr(services, name, None)
    if cls is None:
        fail(f"services.py has no class {name} any more: keep the three services and their methods")
    return cls


def make(name: str):
    """Create a service the way the shop does, with no arguments."""
    try:
        return service_class(name)()
    except TypeError as exc:
        fail(
            f"{name}() failed: {exc}. The shop creates its services with no arguments; "
            "each one gets its logger from the factory method"
        )


def logger_of(service):
    """The logger a service holds in self.logger."""
    logger = getattr(service, "logger", None)
    if logger is None:
        fail(
            f"{type(service).__name__} has no self.logger. Each service asks the factory method "
            "for a logger once, when it is created, and keeps it in self.logger"
        )
    return logger


def test_each_service_gets_a_logger_of_its_own():
    """Each new service asks the factory method and gets a new logger, not one shared by all."""
    first, second = make("CheckoutService"), make("SignupService")
    if logger_of(first) is logger_of(second):
        fail(
            "CheckoutService() and SignupService() hold the very same logger object. A logger "
            "made once and kept (on the class or the module) is chosen before a subclass or a "
            "changed LOG_TARGET can have a say: the factory method should make a logger for "
            "each service, in Service.__init__"
        )


def test_every_service_logs_where_log_target_says(monkeypatch):
    """Every service gets the logger LOG_TARGET names: file, cloud or console."""
    for target, expected in EXPECTED_LOGGER.items():
        monkeypatch.setattr(services, "LOG_TARGET", target)
        for name in SERVICES:
            got = type(logger_of(make(name))).__name__
            if got != expected:
                fail(
                    f"with LOG_TARGET = {target!r}, {name}() logs with a {got}; it should get "
                    f"a {expected}. Each service's logger should come from the factory method, "
                    "which reads LOG_TARGET when the service is created"
                )


def test_loggers_get_the_settings(monkeypatch):
    """The file logger writes to LOG_FILE; the cloud logger uses CLOUD_PROJECT and CLOUD_REGION."""
    monkeypatch.setattr(services, "LOG_TARGET", "file")
    logger = logger_of(make("CheckoutService"))
    if getattr(logger, "path", None) != "shop.log":
        fail(f"the FileLogger writes to {getattr(logger, 'path', None)!r}, not LOG_FILE 'shop.log'")
    monkeypatch.setattr(services, "LOG_TARGET", "cloud")
    logger = logger_of(make("ReportService"))
    where = (getattr(logger, "project", None), getattr(logger, "region", None))
    if where != ("shop-prod", "eu-west-1"):
        fail(
            f"the CloudLogger was made for project and region {where}; use CLOUD_PROJECT and "
            "CLOUD_REGION ('shop-prod', 'eu-west-1')"
        )


def test_services_log_the_same_messages(monkeypatch):
    """pay(), register() and nightly() log exactly what they logged before."""
    monkeypatch.setattr(services, "LOG_TARGET", "cloud")
    checkout, signup, report = (make(name) for name in SERVICES)
    checkout.pay("A17", 25)
    checkout.pay("A18", 4.5)
    signup.register("ada@example.com")
    report.nightly([19.9, 5.1, 100])
    expected = {
        "CheckoutService": ["order A17 paid 25.00", "order A18 paid 4.50"],
        "SignupService": ["new account ada@example.com"],
        "ReportService": ["nightly report: 3 orders, 125.00 in total"],
    }
    for service in (checkout, signup, report):
        name = type(service).__name__
        got = logger_of(service).messages
        if got != expected[name]:
            fail(
                f"{name}'s logger holds {got}, expected {expected[name]}. The messages should "
                "not change, and they should all reach the one logger the service keeps"
            )


def test_unknown_log_target_is_refused(monkeypatch):
    """A typo in LOG_TARGET stops the service with a ValueError naming it."""
    monkeypatch.setattr(services, "LOG_TARGET", "clowd")
    try:
        got = type(getattr(service_class("CheckoutService")(), "logger", None)).__name__
    except ValueError as exc:
        if "clowd" not in str(exc):
            fail(f"the ValueError says {str(exc)!r}; name the unknown target 'clowd' in it")
        return
    fail(
        f"with LOG_TARGET = 'clowd', CheckoutService() quietly logs with a {got}. A typo in the "
        "deploy settings should stop the shop at start-up (raise ValueError), not send the "
        "logs somewhere nobody reads them"
    )


def test_a_subclass_can_choose_its_own_logger():
    """A subclass that overrides create_logger() changes the logger, with no other edit."""
    base = getattr(services, "Service", None)
    if base is None or not callable(getattr(base, "create_logger", None)):
        fail(
            "services.py has no class Service with a create_logger() method. The factory "
            "method lives in a base class that the three services share"
        )
    for name in SERVICES:
        if not issubclass(service_class(name), base):
            fail(f"{name} is not a subclass of Service, so it does not share the factory method")

    class SpyLogger:
        def __init__(self):
            self.messages = []

        def log(self, message):
            self.messages.append(message)

    spy = SpyLogger()

    class CheckoutWithSpy(service_class("CheckoutService")):
        def create_logger(self):
            return spy

    CheckoutWithSpy().pay("B2", 10)
    if spy.messages != ["order B2 paid 10.00"]:
        fail(
            f"a subclass whose create_logger() returns a test logger got {spy.messages} in it, "
            "not ['order B2 paid 10.00']. CheckoutService should get its logger by calling "
            "self.create_logger(), so that a subclass can decide what it makes"
        )


def test_the_factory_method_runs_once_per_service(monkeypatch):
    """Each service asks for its logger once and keeps it, however much it logs."""
    monkeypatch.setattr(services, "LOG_TARGET", "cloud")
    calls = []

    class CountingCheckout(service_class("CheckoutService")):
        def create_logger(self):
            calls.append(1)
            return super().create_logger()

    checkout = CountingCheckout()
    for number in range(3):
        checkout.pay(f"C{number}", 1)
    if not calls:
        fail(
            "CheckoutService never called create_logger(): it still makes its logger itself. "
            "Service.__init__ should get the logger from self.create_logger() and keep it"
        )
    if len(calls) != 1:
        fail(
            f"one CheckoutService that paid 3 orders called create_logger() {len(calls)} times: "
            "it makes a new logger for every message. A cloud logger opens a connection, and "
            "each fresh one starts empty. Call the factory once, in __init__, and keep the "
            "logger in self.logger"
        )


def logged(method: str, args: tuple) -> str:
    """The message the starter logged for one call."""
    if method == "pay":
        return f"order {args[0]} paid {args[1]:.2f}"
    if method == "register":
        return f"new account {args[0]}"
    return f"nightly report: {len(args[0])} orders, {sum(args[0]):.2f} in total"


@FRESH
@given(
    target=st.one_of(st.sampled_from(sorted(EXPECTED_LOGGER)), WORD),
    where=st.tuples(WORD.map(lambda w: w + ".log"), WORD, WORD),
    calls=CALLS,
)
def test_services_drawn_at_random_log_where_the_settings_say(target, where, calls):
    """Targets, settings and calls drawn at random: each service's logger follows them."""
    names = ("LOG_TARGET", "LOG_FILE", "CLOUD_PROJECT", "CLOUD_REGION")
    saved = {name: getattr(services, name, None) for name in names}
    for name, value in zip(names, (target, *where), strict=True):
        setattr(services, name, value)
    try:
        check_drawn_services(target, where, calls)
    finally:
        for name, value in saved.items():
            setattr(services, name, value)


def check_drawn_services(target: str, where: tuple[str, str, str], calls) -> None:
    """The body of the drawn test, with the module's settings already set."""
    expected = EXPECTED_LOGGER.get(target)
    made: dict[int, object] = {}
    messages: dict[int, list[str]] = {}
    for number, (name, method, args) in enumerate(calls):
        try:
            service = make(name)
        except ValueError as exc:
            if expected is None and target in str(exc):
                return
            fail(
                f"with LOG_TARGET = {target!r}, {name}() raised ValueError({str(exc)!r})"
                + ("; the message should name the unknown target" if expected is None else
                   f"; {target!r} is a known target and should give a {expected}")
            )
        if expected is None:
            fail(
                f"with LOG_TARGET = {target!r}, {name}() was created with a "
                f"{type(logger_of(service)).__name__}; an unknown target should raise ValueError "
                "naming it"
            )
        logger = logger_of(service)
        got = type(logger).__name__
        settings_seen = {
            "FileLogger": (getattr(logger, "path", None),),
            "CloudLogger": (getattr(logger, "project", None), getattr(logger, "region", None)),
            "ConsoleLogger": (),
        }.get(got)
        wanted = {"FileLogger": (where[0],), "CloudLogger": where[1:], "ConsoleLogger": ()}
        if got != expected or settings_seen != wanted[expected]:
            fail(
                f"with LOG_TARGET = {target!r}, LOG_FILE = {where[0]!r}, CLOUD_PROJECT = "
                f"{where[1]!r} and CLOUD_REGION = {where[2]!r}, {name}() got a {got} with "
                f"{settings_seen}; expected a {expected} with {wanted[expected]}. The factory "
                "method reads the settings each time it makes a logger, not once at import"
            )
        if any(logger is other for other in made.values()):
            fail(
                f"service {number + 1} ({name}) holds the same logger object as an earlier "
                "service: each service should get a new logger from the factory method"
            )
        made[number] = logger
        getattr(service, method)(*args)
        messages[number] = [logged(method, args)]
        if list(logger.messages) != messages[number]:
            fail(
                f"{name}.{method}{args!r} logged {logger.messages}; expected "
                f"{messages[number]}. The messages should not change"
            )
