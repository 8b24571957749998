"""Nightly restore drill."""

from __future__ import annotations


class DrillFailed(Exception):
    """Raised when the backups would not save us."""


def _parse(key: str, database: str) -> int | None:
    name = key.split("/")[-1]
    prefix, suffix = f"pg-dump-{database}-", ".dmp"
    if not (name.startswith(prefix) and name.endswith(suffix)):
        return None
    number = name[len(prefix):-len(suffix)]
    return int(number) if number.isdigit() else None


def run_drill(s3, bucket, database, restore, count_rows, now, max_age_hours=26):
    found = sorted(
        (stamp, key) for key in s3.list(bucket)
        if (stamp := _parse(key, database)) is not None
    )
    if not found:
        raise DrillFailed(f"{bucket} holds no backup of {database}")
    stamp, key = found[-1]
    age_hours = (now.timestamp() - stamp) / 3600
    if age_hours > max_age_hours:
        raise DrillFailed(f"last backup of {database} is {round(age_hours)} hours old")
    target = "drill_" + database
    restore(s3.get(bucket, key), target)
    rows = count_rows(target, "orders")
    if rows == 0:
        raise DrillFailed(f"{target} is empty after restoring {key}")
    return {"key": key, "age_hours": age_hours, "rows": rows}
