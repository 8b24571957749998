"""The shop's services: one factory method chooses the logger."""
from functools import partial

from loggers import CloudLogger, ConsoleLogger, FileLogger

LOG_TARGET = "file"
LOG_FILE = "shop.log"
CLOUD_PROJECT = "shop-prod"
CLOUD_REGION = "eu-west-1"


class Service:
    def __init__(self):
        self.logger = self.create_logger()

    def create_logger(self):
        makers = {
            "file": partial(FileLogger, "shop.log"),
            "cloud": partial(CloudLogger, "shop-prod", "eu-west-1"),
            "console": ConsoleLogger,
        }
        try:
            make = makers[LOG_TARGET]
        except KeyError:
            raise ValueError(f"unknown log target: {LOG_TARGET}") from None
        return make()


class CheckoutService(Service):
    def pay(self, order_id, amount):
        self.logger.log(f"order {order_id} paid {amount:.2f}")


class SignupService(Service):
    def register(self, email):
        self.logger.log(f"new account {email}")


class ReportService(Service):
    def nightly(self, totals):
        self.logger.log(f"nightly report: {len(totals)} orders, {sum(totals):.2f} in total")
