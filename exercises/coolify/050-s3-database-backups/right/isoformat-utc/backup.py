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
    """UTC ISO-8601 in the name; ':' is avoided because some S3 tools dislike it."""
    return PREFIX + now.astimezone(UTC).replace(microsecond=0).isoformat().replace(
        "+00:00", "Z").replace(":", "") + ".dump"


def expired(keys, keep):
    """Everything under PREFIX except the `keep` newest."""
    ours = sorted(k for k in keys if k.startswith(PREFIX))
    return ours[: max(0, len(ours) - keep)]


def run_backup(env, s3, dump, now=None):
    """Dump, upload, then prune. Returns the new key. Nothing is deleted if anything fails."""
    settings = load_settings(env)
    now = now or datetime.now(UTC)
    data = dump(settings["DATABASE_URL"])
    if not data:
        raise RuntimeError("pg_dump produced no data; keeping every old backup")
    key = backup_key(now)
    bucket = settings["S3_BUCKET"]
    s3.put(bucket, key, data)
    for old in expired(s3.list(bucket, PREFIX), settings["BACKUP_KEEP"]):
        s3.delete(bucket, old)
    return key
