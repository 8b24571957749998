"""Checks for the Abstract Factory refactoring of uploads.py: one factory per family."""

from __future__ import annotations

from typing import NoReturn

import uploads

FAMILIES = {
    "AwsFactory": ["S3Storage", "SqsQueue"],
    "GcpFactory": ["GcsStorage", "PubSubQueue"],
    "LocalFactory": ["DiskStorage", "MemoryQueue"],
}
PROVIDER = {"aws": "AwsFactory", "gcp": "GcpFactory", "local": "LocalFactory"}
URLS = {
    "aws": "s3://shop-photos/cat.jpg",
    "gcp": "gs://shop-photos/cat.jpg",
    "local": "file:///tmp/shop-photos/cat.jpg",
}
PRODUCTS = [product for products in FAMILIES.values() for product in products]


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def factory(name: str):
    """A new object of one of the factory classes, or a failure naming what is missing."""
    cls = getattr(uploads, name, None)
    if cls is None:
        fail(
            f"uploads.py has no class {name} yet: one factory class per family, each with "
            "create_storage() and create_queue()"
        )
    return cls()


def make(factory_object, what: str):
    """Call create_storage() or create_queue() on a factory."""
    method = getattr(factory_object, f"create_{what}", None)
    if method is None:
        fail(f"{type(factory_object).__name__} has no create_{what}() method")
    return method()


def service(factory_object):
    """UploadService(factory), failing with a useful message if it does not take one."""
    cls = getattr(uploads, "UploadService", None)
    if cls is None:
        fail("uploads.py has no class UploadService any more: keep it, with upload(name, data)")
    try:
        return cls(factory_object)
    except (TypeError, ValueError, KeyError) as exc:
        fail(
            f"UploadService({type(factory_object).__name__}()) failed: {type(exc).__name__}: "
            f"{exc}. The service is given a factory and asks it for its storage and its queue"
        )


def test_each_factory_makes_a_matching_pair():
    """Each factory makes the storage and the queue of one family, with the shop's settings."""
    for name, (storage_class, queue_class) in FAMILIES.items():
        made = factory(name)
        storage, queue = make(made, "storage"), make(made, "queue")
        got = (type(storage).__name__, type(queue).__name__)
        if got != (storage_class, queue_class):
            fail(
                f"{name} makes a {got[0]} and a {got[1]}; it should make a {storage_class} and "
                f"a {queue_class}. Storage from {storage.provider} with a queue from "
                f"{queue.provider} cannot work: that queue's worker cannot fetch those files. "
                "Keeping each family in one factory is what stops such pairs"
            )
        if storage.location not in ("shop-photos", "/tmp/shop-photos") or queue.name != (
            "thumbnails"
        ):
            fail(
                f"{name} made its storage for {storage.location!r} and its queue named "
                f"{queue.name!r}; use BUCKET (LOCAL_FOLDER for local storage) and QUEUE"
            )


def test_factories_maps_each_provider_to_its_factory():
    """FACTORIES maps 'aws', 'gcp' and 'local' to a factory object each."""
    factories = getattr(uploads, "FACTORIES", None)
    if not isinstance(factories, dict) or set(factories) != set(PROVIDER):
        fail(
            f"FACTORIES should be a dict with the keys {sorted(PROVIDER)}, each mapped to a "
            f"factory object; it is {factories!r}"
        )
    for provider, class_name in PROVIDER.items():
        if type(factories[provider]).__name__ != class_name:
            fail(
                f"FACTORIES[{provider!r}] is {factories[provider]!r}; it should be a factory "
                f"object, {class_name}() (an instance, ready to use)"
            )


def test_uploads_store_the_photo_and_queue_a_thumbnail():
    """upload() stores the photo and sends one thumbnail job, for every family."""
    for provider, class_name in PROVIDER.items():
        uploader = service(factory(class_name))
        try:
            url = uploader.upload("cat.jpg", b"\xff\xd8 a cat")
        except ValueError as exc:
            fail(f"uploading on {provider} failed: {exc}")
        if url != URLS[provider]:
            fail(f"uploading cat.jpg on {provider} returned {url!r}, not {URLS[provider]!r}")
        jobs = uploader.queue.messages
        if jobs != [{"job": "thumbnail", "url": url}]:
            fail(f"after one upload on {provider}, the queue holds {jobs}; expected one job")


def test_a_new_family_needs_no_change_to_the_service():
    """A factory the service has never seen (a new cloud) works without editing it."""

    class BlobStorage:
        def __init__(self):
            self.files = {}

        def save(self, name, data):
            self.files[name] = data
            return f"azure://photos/{name}"

    class BusQueue:
        def __init__(self):
            self.messages = []

        def send(self, job):
            self.messages.append(job)

    class AzureFactory:
        def __repr__(self):
            return "AzureFactory()"

        def create_storage(self):
            return BlobStorage()

        def create_queue(self):
            return BusQueue()

    uploader = service(AzureFactory())
    url = uploader.upload("dog.png", b"a dog")
    if url != "azure://photos/dog.png" or uploader.queue.messages != [
        {"job": "thumbnail", "url": url}
    ]:
        fail(
            f"with a new AzureFactory the upload returned {url!r} and queued "
            f"{getattr(uploader.queue, 'messages', None)}. The service should use whatever "
            "storage and queue its factory makes"
        )
