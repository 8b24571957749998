"""Nightly restore drill for the shop's database backups in S3."""

from __future__ import annotations

import calendar


class DrillFailed(Exception):
    """The backups cannot be trusted (none, too old, or empty after a restore)."""


def _timestamp(key, database):
    """Unix seconds of a backup of `database`, or None for any other key."""
    name = key.rpartition("/")[2]
    stem, dot, _ext = name.rpartition(".")
    if not dot:
        return None
    head, dash, seconds = stem.rpartition("-")
    if not dash or not seconds.isdigit() or head != "pg-dump-" + database:
        return None
    return int(seconds)


def run_drill(s3, bucket, database, restore, count_rows, now, max_age_hours=26):
    """Restore the newest backup of `database` into a scratch database and check it."""
    best_key, best_time = None, None
    for key in s3.list(bucket):
        seconds = _timestamp(key, database)
        if seconds is not None and (best_time is None or seconds > best_time):
            best_key, best_time = key, seconds
    if best_key is None:
        raise DrillFailed("no backup found for " + database)
    now_seconds = calendar.timegm(now.utctimetuple()) + now.microsecond / 1e6
    age_hours = (now_seconds - best_time) / 3600.0
    if age_hours > max_age_hours:
        raise DrillFailed(f"the newest backup is older than {max_age_hours} hours")
    scratch = "drill_" + database
    restore(s3.get(bucket, best_key), scratch)
    rows = count_rows(scratch, "orders")
    if rows <= 0:
        raise DrillFailed("restored backup has no orders")
    return {"key": best_key, "age_hours": age_hours, "rows": rows}
