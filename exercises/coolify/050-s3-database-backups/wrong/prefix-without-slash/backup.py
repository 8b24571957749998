"""Nightly PostgreSQL backup to S3-compatible storage, with retention."""

from __future__ import annotations

from datetime import datetime
from datetime import timezone

REQUIRED = ("DATABASE_URL", "S3_ENDPOINT", "S3_BUCKET", "S3_ACCESS_KEY_ID",
            "S3_SECRET_ACCESS_KEY")
PREFIX = "db-backups/"


def load_settings(env):
    missing = [name for name in REQUIRED if not env.get(name)]
    if missing:
        raise ValueError("missing environment variables: " + ", ".join(missing))
    settings = {name: env[name] for name in REQUIRED}
    raw = env.get("BACKUP_KEEP")
    if raw is None:
        keep = 7
    else:
        try:
            keep = int(raw)
        except ValueError:
            raise ValueError(f"BACKUP_KEEP must be a whole number, got {raw!r}") from None
        if keep < 1:
            raise ValueError("BACKUP_KEEP must be at least 1")
    settings["BACKUP_KEEP"] = keep
    return settings


def backup_key(now):
    return PREFIX + now.astimezone(timezone.utc).strftime("%Y-%m-%dT%H-%M-%SZ") + ".dump"


def expired(keys, keep):
    ours = sorted(k for k in keys if k.startswith(PREFIX.rstrip("/")))
    return ours[:-keep]


def run_backup(env, s3, dump, now=None):
    settings = load_settings(env)
    now = now or datetime.now(timezone.utc)
    bucket = settings["S3_BUCKET"]
    data = dump(settings["DATABASE_URL"])
    key = backup_key(now)
    s3.put(bucket, key, data)
    for old in expired(s3.list(bucket, PREFIX), settings["BACKUP_KEEP"]):
        s3.delete(bucket, old)
    return key
