"""Nightly PostgreSQL backup to S3, kept for BACKUP_KEEP runs."""

from datetime import UTC

PREFIX = "db-backups/"
_NEEDED = ["DATABASE_URL", "S3_ENDPOINT", "S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"]


def load_settings(env):
    absent = [n for n in _NEEDED if not (env.get(n) or "").strip()]
    if absent:
        raise ValueError(f"not set: {' '.join(absent)}")
    raw = (env.get("BACKUP_KEEP") or "7").strip()
    try:
        keep = int(raw, 10)
    except ValueError:
        raise ValueError(f"BACKUP_KEEP={raw!r} is not a whole number") from None
    if keep < 1 or raw != str(keep):
        raise ValueError(f"BACKUP_KEEP={raw!r} must be 1 or more")
    return {**{n: env[n] for n in _NEEDED}, "BACKUP_KEEP": keep}


def backup_key(now):
    utc = now.astimezone(UTC)
    return PREFIX + utc.strftime("%Y%m%d%H%M%S%f") + ".sql.gz"


def expired(keys, keep):
    mine = [k for k in keys if k.startswith(PREFIX)]
    mine.sort(reverse=True)  # newest first: fixed-width UTC digits sort like the time
    return mine[keep:]


def run_backup(env, s3, dump, now):
    settings = load_settings(env)
    payload = dump(settings["DATABASE_URL"])
    key = backup_key(now)
    s3.put(settings["S3_BUCKET"], key, payload)
    listing = s3.list(settings["S3_BUCKET"], PREFIX)
    for stale in expired(listing, settings["BACKUP_KEEP"]):
        s3.delete(settings["S3_BUCKET"], stale)
    return key
