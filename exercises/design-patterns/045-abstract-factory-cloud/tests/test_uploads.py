"""Checks for the Abstract Factory refactoring of uploads.py: one factory per family."""

from __future__ import annotations

from typing import NoReturn

import uploads
from hypothesis import HealthCheck
from hypothesis import Phase
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

# Uploads and new families drawn at random on every check (the seed is chosen when the check
# runs), so an answer tuned to the cat.jpg and dog.png of the other tests cannot pass.
FRESH = settings(
    max_examples=20, database=None, deadline=None, derandomize=False, report_multiple_bugs=False,
    phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
)
FILE_NAME = st.tuples(
    st.text("abcdefghijklmnopqrstuvwxyz0123456789_-", min_size=1, max_size=10),
    st.sampled_from([".jpg", ".png", ".webp"]),
).map("".join)
UPLOADS = st.lists(st.tuples(FILE_NAME, st.binary(min_size=1, max_size=16)), min_size=1,
                   max_size=5, unique_by=lambda upload: upload[0])
SCHEMES = {"aws": "s3://shop-photos/", "gcp": "gs://shop-photos/",
           "local": "file:///tmp/shop-photos/"}

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


@FRESH
@given(provider=st.sampled_from(sorted(PROVIDER)), photos=UPLOADS)
def test_uploads_drawn_at_random_stay_in_one_family(provider, photos):
    """Photos drawn at random, on a family drawn at random: one storage, one queue, in order."""
    factories = getattr(uploads, "FACTORIES", None)
    if not isinstance(factories, dict) or provider not in factories:
        fail(f"FACTORIES has no entry {provider!r}: map each provider to its factory object")
    uploader = service(factories[provider])
    urls = []
    for name, data in photos:
        try:
            urls.append(uploader.upload(name, data))
        except ValueError as exc:
            fail(f"uploading {name} on {provider} failed: {exc}")
    wanted = [SCHEMES[provider] + name for name, _ in photos]
    stored = getattr(uploader.storage, "files", None)
    jobs = getattr(uploader.queue, "messages", None)
    if urls != wanted:
        fail(f"uploading {[n for n, _ in photos]} on {provider} returned {urls}; expected {wanted}")
    if stored != dict(photos) or jobs != [{"job": "thumbnail", "url": url} for url in wanted]:
        fail(
            f"after uploading {len(photos)} photos on {provider}, the service's storage holds "
            f"{sorted(stored or {})} and its queue {len(jobs or [])} jobs; expected every photo "
            "in one storage and one thumbnail job per photo, in order. The service keeps the "
            "storage and the queue its factory made, and uses them for every upload"
        )


@FRESH
@given(scheme=st.text("abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=8), photos=UPLOADS)
def test_a_family_drawn_at_random_is_used_as_it_is(scheme, photos):
    """A family invented on the spot, with a scheme drawn at random, works unchanged."""

    class Storage:
        def __init__(self):
            self.files = {}

        def save(self, name, data):
            self.files[name] = data
            return f"{scheme}://bucket/{name}"

    class Queue:
        def __init__(self):
            self.messages = []

        def send(self, job):
            if not job["url"].startswith(f"{scheme}://"):
                raise ValueError(f"the {scheme} worker cannot fetch {job['url']}")
            self.messages.append(job)

    class InventedFactory:
        def __repr__(self):
            return f"a factory for {scheme}"

        def create_storage(self):
            return Storage()

        def create_queue(self):
            return Queue()

    uploader = service(InventedFactory())
    for name, data in photos:
        try:
            url = uploader.upload(name, data)
        except (ValueError, KeyError, AttributeError) as exc:
            fail(
                f"with a new family ({scheme}://), uploading {name} failed: "
                f"{type(exc).__name__}: {exc}. The service should use whatever storage and "
                "queue its factory makes, and nothing else"
            )
        if url != f"{scheme}://bucket/{name}":
            fail(
                f"with a new family ({scheme}://), uploading {name} returned {url!r}; the "
                "storage the factory made answered with its own URL, which upload() returns"
            )
