"""Nightly PostgreSQL backup to S3-compatible storage, with retention.

Coolify runs it on a schedule; the values come from its environment variables.
Fill in the four functions (see the prompt for what each must do).
"""

from __future__ import annotations

from datetime import datetime
from datetime import timezone

REQUIRED = ("DATABASE_URL", "S3_ENDPOINT", "S3_BUCKET", "S3_ACCESS_KEY_ID",
            "S3_SECRET_ACCESS_KEY")
PREFIX = "db-backups/"


def load_settings(env):
    """The settings from the environment; ValueError naming every missing variable."""
    return {name: env.get(name, "") for name in REQUIRED} | {"BACKUP_KEEP": 7}


def backup_key(now):
    """The object key for a backup taken at `now`."""
    return f"{PREFIX}backup.dump"


def expired(keys, keep):
    """The keys of the backups to delete."""
    return []


def run_backup(env, s3, dump, now=None):
    """Dump the database, upload it, delete old backups. Returns the new key."""
    settings = load_settings(env)
    now = now or datetime.now(timezone.utc)
    data = dump(settings["DATABASE_URL"])
    key = backup_key(now)
    s3.put(settings["S3_BUCKET"], key, data)
    return key
