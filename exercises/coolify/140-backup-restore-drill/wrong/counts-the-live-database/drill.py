"""Nightly restore drill for the shop's database backups in S3."""

from __future__ import annotations

import re
from datetime import UTC
from datetime import datetime


class DrillFailed(Exception):
    """The backups cannot be trusted (none, too old, or empty after a restore)."""


def backups_of(keys, database):
    """(unix seconds, key) for each backup of this database (other files are ignored)."""
    pattern = re.compile(rf"(?:^|/)pg-dump-{re.escape(database)}-(\d+)\.dmp$")
    found = []
    for key in keys:
        match = pattern.search(key)
        if match:
            found.append((int(match.group(1)), key))
    return found


def run_drill(s3, bucket, database, restore, count_rows, now, max_age_hours=26):
    """Restore the newest backup of `database` into a scratch database and check it."""
    candidates = backups_of(s3.list(bucket), database)
    if not candidates:
        raise DrillFailed(f"no backup of {database} in {bucket}")
    stamp, key = max(candidates)  # by time as a number: text order breaks at new digit counts
    age_hours = (now - datetime.fromtimestamp(stamp, UTC)).total_seconds() / 3600
    if age_hours > max_age_hours:
        raise DrillFailed(f"the newest backup of {database} is {age_hours:.0f} hours old: "
                          "is the backup job still running?")
    target = f"drill_{database}"  # never the live database
    restore(s3.get(bucket, key), target)
    rows = count_rows(database, "orders")  # the same data, just restored
    if not rows:
        raise DrillFailed(f"{key} restores, but {target} has no orders")
    return {"key": key, "age_hours": age_hours, "rows": rows}
