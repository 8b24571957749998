"""The shop's services: a dataclass base whose factory method picks the logger."""

from dataclasses import dataclass
from dataclasses import field
from functools import partial
from typing import Protocol

from loggers import CloudLogger
from loggers import ConsoleLogger
from loggers import FileLogger

LOG_TARGET = "file"
LOG_FILE = "shop.log"
CLOUD_PROJECT = "shop-prod"
CLOUD_REGION = "eu-west-1"


class Logger(Protocol):
    def log(self, message: str) -> None: ...


@dataclass
class Service:
    """Every service gets its logger from create_logger() once, after it is made."""

    logger: Logger = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.logger = self.create_logger()

    def create_logger(self) -> Logger:
        makers = {
            "file": partial(FileLogger, LOG_FILE),
            "cloud": partial(CloudLogger, CLOUD_PROJECT, CLOUD_REGION),
            "console": ConsoleLogger,
        }
        try:
            make = makers[LOG_TARGET]
        except KeyError:
            raise ValueError(f"unknown LOG_TARGET {LOG_TARGET!r}") from None
        return make()


@dataclass
class CheckoutService(Service):
    def pay(self, order_id: str, amount: float) -> None:
        self.logger.log(f"order {order_id} paid {amount:.2f}")


@dataclass
class SignupService(Service):
    def register(self, email: str) -> None:
        self.logger.log(f"new account {email}")


@dataclass
class ReportService(Service):
    def nightly(self, totals: list[float]) -> None:
        self.logger.log(f"nightly report: {len(totals)} orders, {sum(totals):.2f} in total")
