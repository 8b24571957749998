"""Photo uploads: store the file, then ask the thumbnail worker to make a small copy.

Each place the shop can run is one factory that makes a matching storage and queue.
"""

from __future__ import annotations

from abc import ABC
from abc import abstractmethod

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


class CloudFactory(ABC):
    """The GoF abstract factory: one creation method per product."""

    @abstractmethod
    def create_storage(self) -> Storage: ...

    @abstractmethod
    def create_queue(self) -> Queue: ...


class AwsFactory(CloudFactory):
    def create_storage(self) -> Storage:
        return S3Storage(BUCKET)

    def create_queue(self) -> Queue:
        return SqsQueue(QUEUE)


class GcpFactory(CloudFactory):
    def create_storage(self) -> Storage:
        return GcsStorage(BUCKET)

    def create_queue(self) -> Queue:
        return PubSubQueue(QUEUE)


class LocalFactory(CloudFactory):
    def create_storage(self) -> Storage:
        return DiskStorage(LOCAL_FOLDER)

    def create_queue(self) -> Queue:
        return MemoryQueue(QUEUE)


# The deploy picks a family by name here, once; a new cloud is one new class and one entry.
FACTORIES: dict[str, CloudFactory] = {
    name: cls() for name, cls in (("aws", AwsFactory), ("gcp", GcpFactory), ("local", LocalFactory))
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
