"""Photo uploads: factory subclasses, but the base class still switches on a provider name."""

from providers import DiskStorage
from providers import GcsStorage
from providers import MemoryQueue
from providers import PubSubQueue
from providers import S3Storage
from providers import SqsQueue

BUCKET = "shop-photos"
QUEUE = "thumbnails"
LOCAL_FOLDER = "/tmp/shop-photos"


class CloudFactory:
    provider = "local"

    def create_storage(self):
        if self.provider == "aws":
            return S3Storage(BUCKET)
        if self.provider == "gcp":
            return GcsStorage(BUCKET)
        return DiskStorage(LOCAL_FOLDER)

    def create_queue(self):
        if self.provider == "aws":
            return SqsQueue(QUEUE)
        if self.provider == "gcp":
            return PubSubQueue(QUEUE)
        return MemoryQueue(QUEUE)


class AwsFactory(CloudFactory):
    provider = "aws"


class GcpFactory(CloudFactory):
    provider = "gcp"


class LocalFactory(CloudFactory):
    provider = "local"


FACTORIES = {"aws": AwsFactory(), "gcp": GcpFactory(), "local": LocalFactory()}


class UploadService:
    def __init__(self, factory):
        self.storage = factory.create_storage()
        self.queue = factory.create_queue()

    def upload(self, name, data):
        url = self.storage.save(name, data)
        self.queue.send({"job": "thumbnail", "url": url})
        return url
