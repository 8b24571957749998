"""The shop's services. Logging is moving from a file on the server to the cloud."""

from loggers import CloudLogger
from loggers import FileLogger

# The deploy script sets this: "file" today, "cloud" from next month, "console" on a laptop.
LOG_TARGET = "file"
LOG_FILE = "shop.log"
CLOUD_PROJECT = "shop-prod"
CLOUD_REGION = "eu-west-1"


class CheckoutService:
    def __init__(self):
        self.logger = FileLogger(LOG_FILE)

    def pay(self, order_id, amount):
        self.logger.log(f"order {order_id} paid {amount:.2f}")


class SignupService:
    def __init__(self):
        self.logger = FileLogger(LOG_FILE)

    def register(self, email):
        self.logger.log(f"new account {email}")


class ReportService:
    def __init__(self):
        # Someone started the move here, and only here.
        if LOG_TARGET == "cloud":
            self.logger = CloudLogger(CLOUD_PROJECT, CLOUD_REGION)
        else:
            self.logger = FileLogger(LOG_FILE)

    def nightly(self, totals):
        self.logger.log(f"nightly report: {len(totals)} orders, {sum(totals):.2f} in total")


if __name__ == "__main__":
    for service in (CheckoutService(), SignupService(), ReportService()):
        print(f"{type(service).__name__} logs with {type(service.logger).__name__}")
