"""Photo uploads: store the file, then ask the thumbnail worker to make a small copy."""

from providers import DiskStorage
from providers import GcsStorage
from providers import MemoryQueue
from providers import S3Storage
from providers import SqsQueue

BUCKET = "shop-photos"
QUEUE = "thumbnails"
LOCAL_FOLDER = "/tmp/shop-photos"


def make_storage(provider):
    if provider == "aws":
        return S3Storage(BUCKET)
    if provider == "gcp":
        return GcsStorage(BUCKET)
    if provider == "local":
        return DiskStorage(LOCAL_FOLDER)
    raise ValueError(f"unknown provider {provider!r}")


def make_queue(provider):
    if provider == "aws":
        return SqsQueue(QUEUE)
    if provider == "gcp":
        return SqsQueue(QUEUE)
    if provider == "local":
        return MemoryQueue(QUEUE)
    raise ValueError(f"unknown provider {provider!r}")


class UploadService:
    def __init__(self, provider):
        self.storage = make_storage(provider)
        self.queue = make_queue(provider)

    def upload(self, name, data):
        url = self.storage.save(name, data)
        self.queue.send({"job": "thumbnail", "url": url})
        return url


if __name__ == "__main__":
    for provider in ("aws", "gcp", "local"):
        service = UploadService(provider)
        print(f"{provider:>5}: {type(service.storage).__name__} + {type(service.queue).__name__}")
