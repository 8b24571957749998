"""Nightly PostgreSQL backup to S3-compatible storage, with retention."""

PREFIX = "db-backups/"
NAMES = ["DATABASE_URL", "S3_ENDPOINT", "S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"]


def load_settings(env):
    """Required settings plus BACKUP_KEEP (default 7)."""
    absent = [n for n in NAMES if not (env.get(n) or "").strip()]
    if absent:
        raise ValueError(f"not set: {', '.join(absent)}")
    raw = (env.get("BACKUP_KEEP") or "7").strip()
    try:
        keep = int(raw)
    except ValueError:
        raise ValueError(f"BACKUP_KEEP is not a whole number: {raw!r}") from None
    if keep < 1:
        raise ValueError("BACKUP_KEEP must be at least 1")
    return {**{n: env[n] for n in NAMES}, "BACKUP_KEEP": keep}


def backup_key(now):
    """Seconds since the epoch, zero-padded: the same for one moment, sorted by time."""
    return f"{PREFIX}{int(now.timestamp()):012d}.sql"


def expired(keys, keep):
    """All backups under PREFIX but the newest `keep`."""
    ours = sorted(k for k in keys if k.startswith(PREFIX))
    drop = len(ours) - keep
    return ours[:drop] if drop > 0 else []


def run_backup(env, s3, dump, now):
    """Store a new dump, and only then remove what retention no longer needs."""
    settings = load_settings(env)
    bucket = settings["S3_BUCKET"]
    key = backup_key(now)
    s3.put(bucket, key, dump(settings["DATABASE_URL"]))
    for old in expired(s3.list(bucket, PREFIX), settings["BACKUP_KEEP"]):
        s3.delete(bucket, old)
    return key
