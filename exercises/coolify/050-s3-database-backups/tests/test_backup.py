"""backup.py run night after night against the deploy model's S3 bucket and PostgreSQL server.

The model keeps what a real bucket keeps (objects listed by name, credentials checked on every
call, an endpoint that can be down) and what pg_dump and pg_restore do (a dump holds the rows
written before it was taken; a restore brings back exactly those). The tests then ask it what a
team asks the morning after: does the newest backup in the listing restore the latest data?
"""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from typing import NoReturn

import backup
from grading.deploy import backup as model

ENV = {
    "DATABASE_URL": "postgresql://shop:pw@db:5432/shop",
    "S3_ENDPOINT": "https://s3.eu-central-1.example.com",
    "S3_BUCKET": "shop-backups",
    "S3_ACCESS_KEY_ID": "AKIAEXAMPLE",
    "S3_SECRET_ACCESS_KEY": "example-secret",
    "BACKUP_KEEP": "3",
}
TOKYO = timezone(timedelta(hours=9))
# Five backups across a month and a year boundary; the fourth is written in the server's own
# time zone (Tokyo), the fifth is an extra backup taken by hand before an upgrade.
NIGHTS = [
    datetime(2026, 12, 30, 3, 15, tzinfo=UTC),
    datetime(2026, 12, 31, 3, 15, tzinfo=UTC),
    datetime(2027, 1, 1, 3, 15, tzinfo=UTC),
    datetime(2027, 1, 2, 3, 15, tzinfo=UTC).astimezone(TOKYO),
    datetime(2027, 1, 2, 7, 0, tzinfo=UTC),
]
# Other files in the shared bucket, one of them in a folder whose name only begins like PREFIX.
FOREIGN = {"assets/logo.png": b"\x89PNG", "contracts/2026-01.pdf": b"%PDF-1.7",
           "db-backups-old/2025-06-01.sql": b"-- the previous team's last dump"}
# Moments in time order where a field of the date goes from one digit to two (month 9 -> 10,
# day 9 -> 10, hour 9 -> 10, minute and second 9 -> 10).
DIGIT_BOUNDARIES = [
    datetime(2026, 9, 9, 9, 9, 9, tzinfo=UTC),
    datetime(2026, 9, 9, 9, 9, 10, tzinfo=UTC),
    datetime(2026, 9, 9, 9, 10, 0, tzinfo=UTC),
    datetime(2026, 9, 9, 10, 0, 0, tzinfo=UTC),
    datetime(2026, 9, 10, 3, 15, tzinfo=UTC),
    datetime(2026, 10, 1, 3, 15, tzinfo=UTC),
]


def fail(message: str) -> NoReturn:
    """Fail with exactly this message (the learner reads it)."""
    raise AssertionError(message)


def world(**bucket_options):
    """A bucket that already holds other files, and the shop's live database."""
    bucket = model.Bucket(ENV["S3_BUCKET"], endpoint=ENV["S3_ENDPOINT"],
                          access_key=ENV["S3_ACCESS_KEY_ID"],
                          secret_key=ENV["S3_SECRET_ACCESS_KEY"], **bucket_options)
    bucket.objects.update(FOREIGN)
    return bucket, model.Postgres({"shop": {"orders": 40}}, since=NIGHTS[0] - timedelta(days=30))


def run_nights(bucket, db, nights=NIGHTS, env=ENV):
    """Each night the shop takes orders, then the job runs; returns the keys it reported."""
    keys = []
    client = bucket.client(env["S3_ACCESS_KEY_ID"], env["S3_SECRET_ACCESS_KEY"],
                           env["S3_ENDPOINT"])
    for night in nights:
        db.write("shop", "orders", 7, at=night - timedelta(hours=5))
        keys.append(backup.run_backup(env, client, lambda url, at=night: db.dump_url(url, at),
                                      now=night))
    return keys


def dumps_in(bucket):
    """(time the dump was taken, key) of every backup in the bucket, oldest first."""
    found = []
    for key, data in bucket.objects.items():
        try:
            found.append((model.dump_time(data), key))
        except ValueError:
            continue
    return sorted(found)


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
    storage = model.S3Storage(str(settings.get("S3_ENDPOINT", "")),
                              str(settings.get("S3_BUCKET", "")),
                              str(settings.get("S3_ACCESS_KEY_ID", "")),
                              str(settings.get("S3_SECRET_ACCESS_KEY", "")))
    reached = storage.validate([world()[0]])
    fail(
        "load_settings accepted an environment without S3_BUCKET and S3_SECRET_ACCESS_KEY "
        f"and returned {settings!r}. With those settings the job would fail only later, deep "
        f"in the upload ({reached.reason}), or 'succeed' with nothing stored. Raise ValueError "
        "that names every missing variable"
    )


def test_the_settings_reach_the_bucket():
    """The settings loaded from a complete environment can list the bucket."""
    settings = backup.load_settings(ENV)
    storage = model.S3Storage(str(settings.get("S3_ENDPOINT")), str(settings.get("S3_BUCKET")),
                              str(settings.get("S3_ACCESS_KEY_ID")),
                              str(settings.get("S3_SECRET_ACCESS_KEY")))
    reached = storage.validate([world()[0]])
    if not reached.ok:
        fail(f"with the settings load_settings returns, {reached.reason}; every upload would "
             "be refused")


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


def test_the_same_moment_gets_the_same_name():
    """A moment written in another time zone is named as in UTC (one clock for the names)."""
    night = NIGHTS[2]
    if backup.backup_key(night.astimezone(TOKYO)) != backup.backup_key(night):
        fail(
            "the same moment written in another time zone gets another name: "
            f"{backup.backup_key(night.astimezone(TOKYO))!r} and {backup.backup_key(night)!r}. "
            "The server's clock decides which one you get, and names from two clocks do not "
            "sort in time order"
        )


def test_names_sort_in_time_order_when_a_field_gains_a_digit():
    """Names of backups on both sides of September/October, the 9th/10th, 09:00/10:00 sort in
    time order."""
    for older, newer in zip(DIGIT_BOUNDARIES, DIGIT_BOUNDARIES[1:], strict=False):
        first, second = backup.backup_key(older), backup.backup_key(newer)
        if not first < second:
            fail(
                f"backup_key gives {first!r} for {older:%Y-%m-%d %H:%M:%S} UTC and {second!r} "
                f"for {newer:%Y-%m-%d %H:%M:%S} UTC: compared as text, the newer name sorts "
                "first. S3 lists by name, so retention deletes the newer backup and keeps the "
                "older one, and a restore picks an old dump"
            )


def test_the_newest_backup_in_the_listing_restores_the_latest_orders():
    """After five backups, the last name in the bucket's listing is the newest dump."""
    bucket, db = world()
    keys = run_nights(bucket, db)
    if len(set(keys)) != len(keys):
        fail(f"run_backup gave the same name to different backups: {keys}; each one "
             "overwrites the one before")
    if not all(isinstance(k, str) and k.startswith(backup.PREFIX) for k in keys):
        fail(f"backup names must start with {backup.PREFIX!r}: {keys[0]!r}")
    restored = model.restore_newest(bucket, backup.PREFIX, db, "drill_shop")
    newest = max(model.dump_time(bucket.objects[k]) for k in keys if k in bucket.objects) \
        if any(k in bucket.objects for k in keys) else None
    if newest is None or newest < NIGHTS[-1]:
        fail(
            f"after the backup of {NIGHTS[-1]:%Y-%m-%d %H:%M} UTC the bucket no longer holds "
            f"it: the names do not sort in time order, so retention deleted the newest backup "
            f"as if it were the oldest. Bucket: {sorted(bucket.objects)}"
        )
    if not restored.ok:
        zones = " (one of them was written in another time zone)" if \
            backup.backup_key(NIGHTS[3]) != backup.backup_key(NIGHTS[3].astimezone(UTC)) else ""
        fail(
            f"the backup names do not sort in time order{zones}: {restored.reason}. S3 lists "
            "objects by name, and whoever restores picks the last one in the listing\n"
            + restored.trace.text()
        )


def test_retention_keeps_the_newest_and_only_touches_backups():
    """With BACKUP_KEEP=3 the bucket ends with the 3 newest dumps and every other file."""
    bucket, db = world()
    run_nights(bucket, db)
    # expired() may be handed a listing of the whole bucket (no prefix), as the prompt allows.
    listing = bucket.client().list(ENV["S3_BUCKET"])
    gone = [k for k in FOREIGN if k not in bucket.objects] + [
        k for k in backup.expired(listing, 3) if k in FOREIGN]
    if gone:
        fail(
            f"the backup job deleted {gone}, which are not backups. Buckets are often "
            f"shared; only consider keys under the prefix {backup.PREFIX!r}"
        )
    # The keys in another order (a listing merged from pages, or a store that lists by upload
    # time): the newest are still the ones whose names sort last.
    names = sorted(backup.backup_key(night) for night in NIGHTS)
    shuffled = [names[2], *FOREIGN, names[4], names[0], names[3], names[1]]
    got = backup.expired(shuffled, 3)
    if sorted(got) != names[:2]:
        fail(
            f"expired() was handed these keys in this order: {shuffled}, with keep=3, and "
            f"returned {got}. Which backups are the newest is decided by their names, not by "
            "where they stand in the list: with another listing order the wrong backups are "
            "deleted"
        )
    kept = [when for when, _ in dumps_in(bucket)]
    wanted = sorted(n.astimezone(UTC) for n in NIGHTS)[-3:]
    if kept != wanted:
        fail(
            "with BACKUP_KEEP=3, after five backups the bucket should hold the three newest "
            f"({', '.join(f'{w:%Y-%m-%d %H:%M}' for w in wanted)} UTC); it holds dumps of "
            f"{', '.join(f'{k:%Y-%m-%d %H:%M}' for k in kept) or 'nothing'}"
        )


def test_a_failed_upload_deletes_nothing():
    """An upload cut off, an endpoint down, a rotated key: the error goes through and no old
    backup is deleted."""
    for problem in ("timeout", "down", "rotated"):
        bucket, db = world()
        run_nights(bucket, db, NIGHTS[:3])
        before = dict(bucket.objects)
        bucket.uploads_time_out = problem == "timeout"
        bucket.reachable = problem != "down"
        if problem == "rotated":
            bucket.secret_key = "rotated-at-the-provider"
        what = {"timeout": "the upload of the dump timed out",
                "down": "the S3 endpoint does not answer",
                "rotated": "the secret key was rotated at the provider but not in Coolify",
                }[problem]
        try:
            # The admin lowered BACKUP_KEEP to 2 that day: retention would now delete one of the
            # three backups, so a job that deletes after a failed upload shows.
            run_nights(bucket, db, NIGHTS[3:4], env={**ENV, "BACKUP_KEEP": "2"})
        except (ConnectionError, model.S3Error):
            pass
        else:
            fail(f"{what}, and run_backup returned as if it had worked: the scheduled task "
                 "shows as succeeded, so nobody learns that this night has no backup")
        bucket.reachable, bucket.uploads_time_out = True, False
        bucket.secret_key = ENV["S3_SECRET_ACCESS_KEY"]
        deleted = [k for k in before if k not in bucket.objects]
        if deleted:
            fail(
                f"{what}: the upload failed, and the job deleted {deleted} all the same. "
                "Deleting old backups when the new one is not safely stored means a night "
                "with a network error leaves you with fewer backups than you think"
            )
