"""Restore drill: is last night's backup really usable?"""

import posixpath


class DrillFailed(Exception):
    pass


def _stamp(key, database):
    name = posixpath.basename(key)
    head = f"pg-dump-{database}-"
    if not (name.startswith(head) and name.endswith(".dmp")):
        return None
    digits = name.removeprefix(head).removesuffix(".dmp")
    return int(digits) if digits.isdigit() else None


def run_drill(s3, bucket, database, restore, count_rows, now, max_age_hours=26):
    dated = [(s, k) for k in s3.list(bucket) if (s := _stamp(k, database)) is not None]
    if not dated:
        raise DrillFailed(f"{bucket} holds no backup of {database}")
    newest_stamp, newest = max(dated)
    age = (now.timestamp() - newest_stamp) / 3600
    if age > max_age_hours:
        raise DrillFailed(f"newest backup {newest} is {age:.1f} h old")
    scratch = "drill_" + database
    restore(s3.get(bucket, newest), scratch)
    rows = count_rows(scratch, "orders")
    if rows <= 0:
        raise DrillFailed(f"{scratch}.orders is empty after restoring {newest}")
    return {"key": newest, "age_hours": age, "rows": rows}
