"""Nightly PostgreSQL backup to S3-compatible storage, with retention.

Coolify runs it on a schedule; the values come from its environment variables.
"""

from __future__ import annotations

from datetime import UTC
from datetime import datetime

REQUIRED = ("DATABASE_URL", "S3_ENDPOINT", "S3_BUCKET", "S3_ACCESS_KEY_ID",
            "S3_SECRET_ACCESS_KEY")
PREFIX = "db-backups/"


def load_settings(env):
    """The settings from the environment; ValueError naming every missing variable."""
    missing = [name for name in REQUIRED if not env.get(name, "").strip()]
    if missing:
        raise ValueError("missing environment variables: " + ", ".join(missing))
    settings = {name: env[name] for name in REQUIRED}
    keep = env.get("BACKUP_KEEP", "").strip() or "7"
    if not keep.isdigit() or int(keep) < 1:
        raise ValueError(f"BACKUP_KEEP must be a whole number of at least 1, not {keep!r}")
    settings["BACKUP_KEEP"] = int(keep)
    return settings


def backup_key(now):
    """The object key for a backup taken at `now`: UTC, sorts in time order by name."""
    if now.tzinfo is None:
        raise ValueError("now must carry a time zone")
    stamp = now.astimezone(UTC).strftime("%Y-%m-%dT%H-%M-%SZ")
    return f"{PREFIX}{stamp}.dump"


def expired(keys, keep):
    """The backups to delete: all but the `keep` newest under PREFIX; other keys untouched."""
    ours = sorted(key for key in keys if key.startswith(PREFIX) and key.endswith(".dump"))
    return ours[:-keep] if len(ours) > keep else []


def run_backup(env, s3, dump, now=None):
    """Dump, upload, then prune. Returns the new key. Nothing is deleted if anything fails."""
    settings = load_settings(env)
    now = now or datetime.now(UTC)
    data = dump(settings["DATABASE_URL"])
    if not data:
        raise RuntimeError("pg_dump produced no data; keeping every old backup")
    key = backup_key(now)
    bucket = settings["S3_BUCKET"]
    try:
        s3.put(bucket, key, data)
    except Exception as exc:  # the upload is retried tomorrow night
        print(f"upload failed: {exc}")
    for old in expired(s3.list(bucket, PREFIX), settings["BACKUP_KEEP"]):
        s3.delete(bucket, old)
    return key
