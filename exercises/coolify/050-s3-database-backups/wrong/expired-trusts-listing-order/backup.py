"""Nightly PostgreSQL backup to S3-compatible storage, with retention."""

from __future__ import annotations

from datetime import datetime
from datetime import timezone

REQUIRED = ("DATABASE_URL", "S3_ENDPOINT", "S3_BUCKET", "S3_ACCESS_KEY_ID",
            "S3_SECRET_ACCESS_KEY")
PREFIX = "db-backups/"
DEFAULT_KEEP = 7


def load_settings(env):
    """The settings from the environment; ValueError naming every missing variable."""
    missing = [name for name in REQUIRED if not (env.get(name) or "").strip()]
    if missing:
        raise ValueError("missing environment variables: " + ", ".join(missing))
    settings = {name: env[name] for name in REQUIRED}
    raw = env.get("BACKUP_KEEP")
    if raw is None or raw.strip() == "":
        keep = DEFAULT_KEEP
    else:
        text = raw.strip()
        if not (text.isascii() and text.isdigit()):
            raise ValueError(f"BACKUP_KEEP must be a whole number, got {raw!r}")
        keep = int(text)
        if keep < 1:
            raise ValueError("BACKUP_KEEP must be at least 1")
    settings["BACKUP_KEEP"] = keep
    return settings


def backup_key(now):
    """The object key for a backup taken at `now`: UTC, fixed width, so names sort by time."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("backup_key needs an aware datetime")
    utc = now.astimezone(timezone.utc)
    return f"{PREFIX}{utc:%Y%m%dT%H%M%S}.{utc.microsecond:06d}Z.dump"


def expired(keys, keep):
    """The keys of the backups to delete: all under PREFIX except the `keep` newest."""
    ours = [k for k in keys if k.startswith(PREFIX)]  # S3 lists keys oldest first
    if keep >= len(ours):
        return []
    return ours[: len(ours) - keep]


def run_backup(env, s3, dump, now=None):
    """Dump the database, upload it, delete old backups. Returns the new key."""
    settings = load_settings(env)
    now = now or datetime.now(timezone.utc)
    data = dump(settings["DATABASE_URL"])
    key = backup_key(now)
    bucket = settings["S3_BUCKET"]
    s3.put(bucket, key, data)
    for old in expired(s3.list(bucket, PREFIX), settings["BACKUP_KEEP"]):
        s3.delete(bucket, old)
    return key
