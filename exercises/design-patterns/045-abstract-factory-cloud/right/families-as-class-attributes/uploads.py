"""Photo uploads: store the file, then ask the thumbnail worker to make a small copy.

Each place the shop can run is one factory that makes a matching storage and queue.
"""

from __future__ import annotations

from providers import DiskStorage
from providers import GcsStorage
from providers import MemoryQueue
from providers import PubSubQueue
from providers import Queue
from providers import S3Storage
from providers import SqsQueue
from providers import Storage

BUCKET = "shop-photos"
QUEUE = "thumbnails"
LOCAL_FOLDER = "/tmp/shop-photos"


class CloudFactory:
    """Makes every product of one family; a family is its two product classes and a place."""

    storage_class: type[Storage]
    queue_class: type[Queue]
    location = BUCKET

    def create_storage(self) -> Storage:
        return self.storage_class(self.location)

    def create_queue(self) -> Queue:
        return self.queue_class(QUEUE)


class AwsFactory(CloudFactory):
    storage_class = S3Storage
    queue_class = SqsQueue


class GcpFactory(CloudFactory):
    storage_class = GcsStorage
    queue_class = PubSubQueue


class LocalFactory(CloudFactory):
    storage_class = DiskStorage
    queue_class = MemoryQueue
    location = LOCAL_FOLDER


# The deploy picks a family by name here, once; a new cloud is one new class and one entry.
FACTORIES: dict[str, CloudFactory] = {
    "aws": AwsFactory(),
    "gcp": GcpFactory(),
    "local": LocalFactory(),
}


class UploadService:
    """Knows storages and queues only by what they do; the factory decides which ones."""

    def __init__(self, factory: CloudFactory) -> None:
        self.storage = factory.create_storage()
        self.queue = factory.create_queue()

    def upload(self, name: str, data: bytes) -> str:
        url = self.storage.save(name, data)
        self.queue.send({"job": "thumbnail", "url": url})
        return url


if __name__ == "__main__":
    for provider, factory in FACTORIES.items():
        service = UploadService(factory)
        print(f"{provider:>5}: {type(service.storage).__name__} + {type(service.queue).__name__}")
