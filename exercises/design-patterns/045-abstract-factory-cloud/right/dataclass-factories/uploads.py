"""Photo uploads: store the file, then ask the thumbnail worker to make a small copy.

Each place the shop can run is one factory that makes a matching storage and queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

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


class CloudFactory(Protocol):
    """Makes every product of one family, so they always fit together."""

    def create_storage(self) -> Storage: ...

    def create_queue(self) -> Queue: ...


@dataclass(frozen=True)
class AwsFactory:
    bucket: str = BUCKET
    queue: str = QUEUE

    def create_storage(self) -> Storage:
        return S3Storage(self.bucket)

    def create_queue(self) -> Queue:
        return SqsQueue(self.queue)


@dataclass(frozen=True)
class GcpFactory:
    bucket: str = BUCKET
    topic: str = QUEUE

    def create_storage(self) -> Storage:
        return GcsStorage(self.bucket)

    def create_queue(self) -> Queue:
        return PubSubQueue(self.topic)


class LocalFactory:
    def create_storage(self) -> Storage:
        return DiskStorage(LOCAL_FOLDER)

    def create_queue(self) -> Queue:
        return MemoryQueue(QUEUE)


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
