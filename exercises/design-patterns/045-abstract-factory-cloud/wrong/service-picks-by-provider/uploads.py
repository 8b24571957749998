"""Photo uploads: no factories; the service picks both classes itself, consistently."""

from providers import DiskStorage
from providers import GcsStorage
from providers import MemoryQueue
from providers import PubSubQueue
from providers import S3Storage
from providers import SqsQueue

BUCKET = "shop-photos"
QUEUE = "thumbnails"
LOCAL_FOLDER = "/tmp/shop-photos"


class UploadService:
    def __init__(self, provider):
        if provider == "aws":
            self.storage, self.queue = S3Storage(BUCKET), SqsQueue(QUEUE)
        elif provider == "gcp":
            self.storage, self.queue = GcsStorage(BUCKET), PubSubQueue(QUEUE)
        elif provider == "local":
            self.storage, self.queue = DiskStorage(LOCAL_FOLDER), MemoryQueue(QUEUE)
        else:
            raise ValueError(f"unknown provider {provider!r}")

    def upload(self, name, data):
        url = self.storage.save(name, data)
        self.queue.send({"job": "thumbnail", "url": url})
        return url
