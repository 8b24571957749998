"""Each service chooses its own logger: it works, and every move means editing all of them."""

from loggers import CloudLogger
from loggers import ConsoleLogger
from loggers import FileLogger

LOG_TARGET = "file"
LOG_FILE = "shop.log"
CLOUD_PROJECT = "shop-prod"
CLOUD_REGION = "eu-west-1"


def pick_error():
    return ValueError(f"unknown LOG_TARGET {LOG_TARGET!r}")


class CheckoutService:
    def __init__(self):
        if LOG_TARGET == "file":
            self.logger = FileLogger(LOG_FILE)
        elif LOG_TARGET == "cloud":
            self.logger = CloudLogger(CLOUD_PROJECT, CLOUD_REGION)
        elif LOG_TARGET == "console":
            self.logger = ConsoleLogger()
        else:
            raise pick_error()

    def pay(self, order_id, amount):
        self.logger.log(f"order {order_id} paid {amount:.2f}")


class SignupService:
    def __init__(self):
        if LOG_TARGET == "file":
            self.logger = FileLogger(LOG_FILE)
        elif LOG_TARGET == "cloud":
            self.logger = CloudLogger(CLOUD_PROJECT, CLOUD_REGION)
        elif LOG_TARGET == "console":
            self.logger = ConsoleLogger()
        else:
            raise pick_error()

    def register(self, email):
        self.logger.log(f"new account {email}")


class ReportService:
    def __init__(self):
        if LOG_TARGET == "file":
            self.logger = FileLogger(LOG_FILE)
        elif LOG_TARGET == "cloud":
            self.logger = CloudLogger(CLOUD_PROJECT, CLOUD_REGION)
        elif LOG_TARGET == "console":
            self.logger = ConsoleLogger()
        else:
            raise pick_error()

    def nightly(self, totals):
        self.logger.log(f"nightly report: {len(totals)} orders, {sum(totals):.2f} in total")
