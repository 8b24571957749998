"""Behaviour of backup.py with a fake S3 bucket and a fake pg_dump (no network, no database)."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from typing import NoReturn

import backup

ENV = {
    "DATABASE_URL": "postgresql://shop:pw@db:5432/shop",
    "S3_ENDPOINT": "https://s3.eu-central-1.example.com",
    "S3_BUCKET": "shop-backups",
    "S3_ACCESS_KEY_ID": "AKIAEXAMPLE",
    "S3_SECRET_ACCESS_KEY": "example-secret",
    "BACKUP_KEEP": "3",
}
NIGHT = datetime(2026, 11, 27, 3, 15, tzinfo=UTC)


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


class FakeS3:
    """A bucket in memory: put, list (by prefix), delete; put can be made to fail."""

    def __init__(self, keys=(), broken=False):
        self.objects = {key: b"old" for key in keys}
        self.broken = broken
        self.deleted = []

    def put(self, bucket, key, data):
        if self.broken:
            raise ConnectionError("S3 endpoint unreachable")
        self.objects[key] = data

    def list(self, bucket, prefix=""):
        return [key for key in self.objects if key.startswith(prefix)]

    def delete(self, bucket, key):
        self.deleted.append(key)
        self.objects.pop(key, None)


def dump(url):
    return b"PGDMP fake dump"


def nightly_keys(count, start=NIGHT):
    """The keys of `count` earlier nightly backups, oldest first (written by the test itself)."""
    return [
        backup.PREFIX + (start - timedelta(days=count - i)).strftime("%Y-%m-%dT%H-%M-%SZ.dump")
        for i in range(count)
    ]


def test_settings_name_every_missing_variable():
    """A missing variable stops the backup with a message naming every missing one."""
    env = {k: v for k, v in ENV.items() if k not in ("S3_BUCKET", "S3_SECRET_ACCESS_KEY")}
    try:
        settings = backup.load_settings(env)
    except ValueError as exc:
        text = str(exc)
        for name in ("S3_BUCKET", "S3_SECRET_ACCESS_KEY"):
            if name not in text:
                fail(
                    f"load_settings raised ValueError({text!r}), which does not mention {name}. "
                    "Name every missing variable at once: whoever reads the log fixes them all "
                    "in one go instead of one redeploy per variable"
                )
        return
    fail(
        "load_settings accepted an environment without S3_BUCKET and S3_SECRET_ACCESS_KEY "
        f"and returned {settings!r}. An empty bucket name fails only later, deep in the "
        "upload, with a confusing error, or the job 'succeeds' with nothing stored. Raise "
        "ValueError that names every missing variable"
    )


def test_retention_setting_has_a_default():
    """BACKUP_KEEP defaults to 7 and must be a number of at least 1."""
    env = {k: v for k, v in ENV.items() if k != "BACKUP_KEEP"}
    keep = backup.load_settings(env).get("BACKUP_KEEP")
    if keep != 7:
        fail(f"without BACKUP_KEEP, load_settings gives BACKUP_KEEP={keep!r}; the default is 7")
    for bad in ("0", "-1", "seven"):
        try:
            backup.load_settings({**ENV, "BACKUP_KEEP": bad})
        except ValueError:
            continue
        fail(
            f"BACKUP_KEEP={bad!r} was accepted. Keeping 0 backups (or a negative number) "
            "would delete every backup, including the one just made. Raise ValueError"
        )


def test_keys_sort_in_time_order():
    """Backup names sort in time order (UTC), so the newest is last by name."""
    times = [NIGHT - timedelta(days=40), NIGHT - timedelta(days=3), NIGHT,
             NIGHT + timedelta(days=400)]
    keys = [backup.backup_key(t) for t in times]
    if len(set(keys)) != len(keys):
        fail(f"backup_key gives the same name to different nights: {keys}; each backup "
             "would overwrite the previous one")
    if sorted(keys) != keys:
        fail(
            f"backup names do not sort in time order: {keys}. S3 lists objects by name, and "
            "retention keeps the last names in that order: with day-first names it would "
            "keep the wrong backups and delete recent ones. Use year-month-day-hour, e.g. "
            "db-backups/2026-11-27T03-15-00Z.dump"
        )
    if not all(k.startswith(backup.PREFIX) for k in keys):
        fail(f"backup names must start with {backup.PREFIX!r}: {keys[0]!r}")
    paris = NIGHT.astimezone(timezone(timedelta(hours=1)))
    if backup.backup_key(paris) != backup.backup_key(NIGHT):
        fail(
            "the same moment written in another time zone gets another name: "
            f"{backup.backup_key(paris)!r} and {backup.backup_key(NIGHT)!r}. Convert to UTC "
            "first, or a daylight-saving change breaks the order"
        )


def test_retention_keeps_the_newest():
    """Retention deletes all but the newest BACKUP_KEEP backups, oldest first."""
    keys = nightly_keys(5)
    doomed = backup.expired(list(reversed(keys)), 3)
    if sorted(doomed) != keys[:2]:
        fail(
            f"with 5 backups and keep=3, expired() returned {doomed}; it should return the "
            f"2 oldest, {keys[:2]}. Sort the names (they sort in time order) before choosing"
        )
    if backup.expired(keys[:2], 3):
        fail("with fewer backups than keep, nothing should expire")


def test_retention_only_touches_its_own_prefix():
    """Retention never deletes objects outside db-backups/ (other files in the bucket)."""
    keys = ["assets/logo.png", "contracts/2024-01.pdf", *nightly_keys(4)]
    doomed = backup.expired(keys, 3)
    foreign = [k for k in doomed if not k.startswith(backup.PREFIX)]
    if foreign:
        fail(
            f"expired() would delete {foreign}, which are not backups. Buckets are often "
            f"shared; only consider keys under the prefix {backup.PREFIX!r}"
        )


def test_run_uploads_then_prunes():
    """run_backup uploads the dump under a new name, then deletes the expired ones."""
    # The bucket holds the three earlier nights, named the way this backup.py names them.
    s3 = FakeS3([backup.backup_key(NIGHT - timedelta(days=3 - i)) for i in range(3)])
    key = backup.run_backup(ENV, s3, dump, now=NIGHT)
    if s3.objects.get(key) != b"PGDMP fake dump":
        fail(f"run_backup returned {key!r}, but the dump is not stored under that key")
    left = sorted(s3.list("shop-backups", backup.PREFIX))
    if len(left) != 3 or key not in left:
        fail(f"with BACKUP_KEEP=3, the bucket should hold the 3 newest backups; it holds {left}")


def test_failed_upload_deletes_nothing():
    """If the upload fails, no old backup is deleted."""
    s3 = FakeS3(nightly_keys(3), broken=True)
    try:
        backup.run_backup(ENV, s3, dump, now=NIGHT)
    except ConnectionError:
        pass
    else:
        fail("run_backup hid the failed upload; let the error through so the job shows as failed")
    if s3.deleted:
        fail(
            f"the upload failed, but run_backup had already deleted {s3.deleted}. Deleting "
            "before the new backup is safely stored means a night with a network error "
            "leaves you with fewer backups than you think. Upload first, prune after"
        )
