"""A factory method, but every subclass overrides it with the same choice, copied three times."""

from loggers import CloudLogger
from loggers import ConsoleLogger
from loggers import FileLogger

LOG_TARGET = "file"
LOG_FILE = "shop.log"
CLOUD_PROJECT = "shop-prod"
CLOUD_REGION = "eu-west-1"


class Service:
    def __init__(self):
        self.logger = self.create_logger()

    def create_logger(self):
        raise NotImplementedError


class CheckoutService(Service):
    def create_logger(self):
        if LOG_TARGET == "file":
            return FileLogger(LOG_FILE)
        if LOG_TARGET == "cloud":
            return CloudLogger(CLOUD_PROJECT, CLOUD_REGION)
        if LOG_TARGET == "console":
            return ConsoleLogger()
        raise ValueError(f"unknown LOG_TARGET {LOG_TARGET!r}")

    def pay(self, order_id, amount):
        self.logger.log(f"order {order_id} paid {amount:.2f}")


class SignupService(Service):
    def create_logger(self):
        if LOG_TARGET == "file":
            return FileLogger(LOG_FILE)
        if LOG_TARGET == "cloud":
            return CloudLogger(CLOUD_PROJECT, CLOUD_REGION)
        if LOG_TARGET == "console":
            return ConsoleLogger()
        raise ValueError(f"unknown LOG_TARGET {LOG_TARGET!r}")

    def register(self, email):
        self.logger.log(f"new account {email}")


class ReportService(Service):
    def create_logger(self):
        if LOG_TARGET == "file":
            return FileLogger(LOG_FILE)
        if LOG_TARGET == "cloud":
            return CloudLogger(CLOUD_PROJECT, CLOUD_REGION)
        if LOG_TARGET == "console":
            return ConsoleLogger()
        raise ValueError(f"unknown LOG_TARGET {LOG_TARGET!r}")

    def nightly(self, totals):
        self.logger.log(f"nightly report: {len(totals)} orders, {sum(totals):.2f} in total")
