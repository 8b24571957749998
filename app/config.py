"""Configuration: the only module that reads os.environ. Defaults are safe for a laptop."""

from __future__ import annotations

import logging
import os
import secrets
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger(__name__)


def env_int(name: str, default: int) -> int:
    """Read a whole number from the environment, with a clear error for anything else."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {raw!r}") from None


def dev_secret_key(instance_path: Path) -> str:
    """Return a generated secret kept in instance/, so sessions survive restarts on a laptop."""
    key_file = instance_path / "dev-secret-key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    log.warning(
        "SECRET_KEY is not set: using a generated development key from %s. "
        "Set SECRET_KEY in the environment for any shared or public server.",
        key_file,
    )
    return key_file.read_text().strip()


def normalise_database_url(url: str) -> str:
    """Accept the postgres:// URLs that hosting panels hand out; use the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


RECHECK_MODES = ("thread", "worker", "off")


def recheck_mode(value: str) -> str:
    """thread | worker | off, with a clear error for anything else."""
    if value not in RECHECK_MODES:
        raise SystemExit(f"RECHECK_MODE must be one of {', '.join(RECHECK_MODES)}, not {value!r}")
    return value


def load_config(instance_path: Path) -> dict[str, object]:
    """Build the Flask config mapping from the environment."""
    secure_cookies = os.environ.get("SESSION_COOKIE_SECURE", "").lower() in ("1", "true", "yes")
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'friction.db'}"
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY") or dev_secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "EXERCISES_DIR": Path(os.environ.get("EXERCISES_DIR") or ROOT / "exercises"),
        "RUNTIME_DIR": Path(
            os.environ.get("RUNTIME_DIR") or ROOT / "static" / "vendor" / "pyodide"
        ),
        # Requests larger than this get a 413 with a message; an attempt carries a few files.
        "MAX_CONTENT_LENGTH": env_int("MAX_REQUEST_BYTES", 512 * 1024),
        "MAX_ATTEMPT_FILE_BYTES": env_int("MAX_ATTEMPT_FILE_BYTES", 100 * 1024),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        # Failed logins only, per client address (a school NAT or a proxy shares one: keep it
        # roomy) and per account (what stops guessing one learner's password from many places).
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "30 per minute;300 per hour"),
        "LOGIN_ACCOUNT_RATE_LIMIT": os.environ.get(
            "LOGIN_ACCOUNT_RATE_LIMIT", "5 per minute;20 per hour"
        ),
        # Sign-ups per address (a class signs up at once), and those that hit a taken email.
        "SIGNUP_RATE_LIMIT": os.environ.get("SIGNUP_RATE_LIMIT", "60 per hour"),
        "SIGNUP_TAKEN_RATE_LIMIT": os.environ.get("SIGNUP_TAKEN_RATE_LIMIT", "5 per hour"),
        # What one account may write: requests per hour, and bytes per day (attempts, journal,
        # friction events, hints), so one account cannot fill the disk.
        "ACCOUNT_WRITE_LIMIT": os.environ.get("ACCOUNT_WRITE_LIMIT", "2000 per hour"),
        "ACCOUNT_BYTES_PER_DAY": env_int("ACCOUNT_BYTES_PER_DAY", 50 * 1024 * 1024),
        "RATELIMIT_HEADERS_ENABLED": True,
        # The CSRF token lives as long as the session: a queued offline attempt sent hours
        # later must not be refused for an expired token.
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_HTTPONLY": True,
        # "Keep me signed in" on a school laptop: two weeks, not Flask-Login's default year.
        "REMEMBER_COOKIE_DURATION": timedelta(days=env_int("REMEMBER_DAYS", 14)),
        "ANTHROPIC_API_KEY": os.environ.get("ANTHROPIC_API_KEY", ""),
        # Server-side re-check of claimed passes (app/recheck): who works the queue, how many
        # warm interpreters, how long a claim holds, how long the reference waits for a verdict.
        "RECHECK_MODE": recheck_mode(os.environ.get("RECHECK_MODE") or "thread"),
        "RECHECK_POOL": env_int("RECHECK_POOL", 1),
        "RECHECK_LEASE_S": env_int("RECHECK_LEASE_S", 300),
        "RECHECK_WAIT_S": env_int("RECHECK_WAIT_S", 60),
    }
