"""The shop's services. Which logger they use is decided in one place: Service.create_logger."""

from typing import Protocol

from loggers import CloudLogger
from loggers import ConsoleLogger
from loggers import FileLogger

# The deploy script sets this: "file" today, "cloud" from next month, "console" on a laptop.
LOG_TARGET = "file"
LOG_FILE = "shop.log"
CLOUD_PROJECT = "shop-prod"
CLOUD_REGION = "eu-west-1"


class Logger(Protocol):
    def log(self, message: str) -> None: ...


class Service:
    """What every service shares: it gets its logger from the factory method, once."""

    def __init__(self) -> None:
        self.logger = Service.create_logger(self)

    def create_logger(self) -> Logger:
        """The factory method: the only code that knows the concrete logger classes.

        A subclass may override it to choose differently; nothing else needs to change.
        """
        makers = {
            "file": lambda: FileLogger(LOG_FILE),
            "cloud": lambda: CloudLogger(CLOUD_PROJECT, CLOUD_REGION),
            "console": lambda: ConsoleLogger(),
        }
        if LOG_TARGET not in makers:
            raise ValueError(f"unknown LOG_TARGET {LOG_TARGET!r}: use one of {sorted(makers)}")
        return makers[LOG_TARGET]()


class CheckoutService(Service):
    def pay(self, order_id: str, amount: float) -> None:
        self.logger.log(f"order {order_id} paid {amount:.2f}")


class SignupService(Service):
    def register(self, email: str) -> None:
        self.logger.log(f"new account {email}")


class ReportService(Service):
    def nightly(self, totals: list[float]) -> None:
        self.logger.log(f"nightly report: {len(totals)} orders, {sum(totals):.2f} in total")


if __name__ == "__main__":
    for service in (CheckoutService(), SignupService(), ReportService()):
        print(f"{type(service).__name__} logs with {type(service.logger).__name__}")
