"""Nightly restore drill for the shop's database backups in S3."""

from __future__ import annotations

import re
from datetime import datetime, timezone


class DrillFailed(Exception):
    """The backups cannot be trusted (none, too old, or empty after a restore)."""


_NAME = re.compile(r"pg-dump-(?P<db>.+)-(?P<ts>\d+)\.[A-Za-z0-9]+$")


def _backups_of(keys, database):
    for key in keys:
        match = _NAME.search(key.rsplit("/", 1)[-1])
        if match and database in key:
            yield int(match["ts"]), key


def run_drill(s3, bucket, database, restore, count_rows, now, max_age_hours=26):
    """Restore the newest backup of `database` into a scratch database and check it."""
    candidates = list(_backups_of(s3.list(bucket), database))
    if not candidates:
        raise DrillFailed(f"no backup of {database} in {bucket}")
    stamp, key = max(candidates)
    taken = datetime.fromtimestamp(stamp, tz=timezone.utc)
    age_hours = (now - taken).total_seconds() / 3600
    if age_hours > max_age_hours:
        raise DrillFailed(f"newest backup of {database} is {age_hours:.1f} h old: {key}")
    target = f"drill_{database}"
    restore(s3.get(bucket, key), target)
    rows = count_rows(target, "orders")
    if not rows:
        raise DrillFailed(f"{key} restored into {target} has no orders")
    return {"key": key, "age_hours": age_hours, "rows": rows}
