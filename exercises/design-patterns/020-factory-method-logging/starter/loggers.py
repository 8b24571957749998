"""The loggers the platform team provides. Read-only: your work is in services.py.

Every logger has log(message) and keeps what it logged in `messages`, so tests can look.
"""


class FileLogger:
    """Appends lines to a log file on the server's own disk (kept in memory here)."""

    def __init__(self, path):
        self.path = path
        self.messages = []

    def log(self, message):
        self.messages.append(message)


class CloudLogger:
    """Ships each message to the cloud log service (a fake client: messages stay in memory)."""

    def __init__(self, project, region):
        self.project = project
        self.region = region
        self.messages = []

    def log(self, message):
        self.messages.append(message)


class ConsoleLogger:
    """Prints each message: for running the shop on a laptop."""

    def __init__(self):
        self.messages = []

    def log(self, message):
        self.messages.append(message)
        print(message)
