"""Storage and queue clients for each place the shop can run. Read-only: your work is uploads.py.

Each family has a storage (save a file, get its URL back) and a queue (send a job to the
thumbnail worker). A worker can only fetch files from storage of its own family.
"""


class Storage:
    provider = ""
    scheme = ""

    def __init__(self, location):
        self.location = location
        self.files = {}

    def save(self, name, data):
        self.files[name] = data
        return f"{self.scheme}://{self.location}/{name}"


class Queue:
    provider = ""
    scheme = ""

    def __init__(self, name):
        self.name = name
        self.messages = []

    def send(self, job):
        if not job["url"].startswith(f"{self.scheme}://"):
            raise ValueError(
                f"the {self.provider} thumbnail worker cannot fetch {job['url']}: "
                f"it only reads {self.scheme}:// storage"
            )
        self.messages.append(job)


class S3Storage(Storage):
    provider, scheme = "aws", "s3"


class SqsQueue(Queue):
    provider, scheme = "aws", "s3"


class GcsStorage(Storage):
    provider, scheme = "gcp", "gs"


class PubSubQueue(Queue):
    provider, scheme = "gcp", "gs"


class DiskStorage(Storage):
    provider, scheme = "local", "file"


class MemoryQueue(Queue):
    provider, scheme = "local", "file"
