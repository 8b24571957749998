"""Configuration: the only module that reads os.environ. Defaults are safe for a laptop."""

from __future__ import annotations

import json
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


def env_json_object(name: str) -> dict[str, object]:
    """Read a JSON object from the environment (empty when unset), with a clear error."""
    raw = os.environ.get(name)
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a JSON object, not {raw!r}") from None
    if not isinstance(value, dict):
        raise SystemExit(f"{name} must be a JSON object, not {raw!r}")
    return value


def env_bool(name: str, default: bool) -> bool:
    """Read yes/no from the environment (1/true/yes/on or 0/false/no/off)."""
    raw = os.environ.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise SystemExit(f"{name} must be true or false, not {raw!r}")


def is_production() -> bool:
    """FRICTION_ENV=production: a shared server (secrets required, secure cookies)."""
    value = os.environ.get("FRICTION_ENV", "development").strip().lower()
    if value not in ("development", "production"):
        raise SystemExit(f"FRICTION_ENV must be development or production, not {value!r}")
    return value == "production"


def secret_key(instance_path: Path, production: bool) -> str:
    """SECRET_KEY from the environment; a generated one only on a development laptop."""
    key = os.environ.get("SECRET_KEY", "")
    if key:
        if production and len(key) < 32:
            raise SystemExit(
                "SECRET_KEY is shorter than 32 characters. Generate one with: "
                "python -c 'import secrets; print(secrets.token_hex(32))'"
            )
        return key
    if production:
        raise SystemExit(
            "SECRET_KEY is not set, and FRICTION_ENV=production refuses to start without it "
            "(every process and replica must sign sessions with the same key). Generate one "
            "with: python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    return dev_secret_key(instance_path)


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


TOTALS_FOLD_MODES = ("thread", "off")


def totals_fold_mode(value: str) -> str:
    """thread | off, with a clear error for anything else."""
    if value not in TOTALS_FOLD_MODES:
        raise SystemExit(
            f"TOTALS_FOLD_MODE must be one of {', '.join(TOTALS_FOLD_MODES)}, not {value!r}"
        )
    return value


def site_url(mail_server: str) -> str:
    """SITE_URL (https://lab.example.org), required once mail is on: links in emails use it,
    never the request's Host header (a forged Host would send the victim a link to elsewhere)."""
    url = os.environ.get("SITE_URL", "").strip().rstrip("/")
    if mail_server and not url.startswith(("http://", "https://")):
        raise SystemExit(
            "MAIL_SERVER is set, so sign-up sends confirmation links: set SITE_URL to the "
            "address learners open, e.g. https://lab.example.org"
        )
    return url


def load_config(instance_path: Path) -> dict[str, object]:
    """Build the Flask config mapping from the environment."""
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'friction.db'}"
    production = is_production()
    secure_cookies = env_bool("SESSION_COOKIE_SECURE", production)
    return {
        "PRODUCTION": production,
        "SECRET_KEY": secret_key(instance_path, production),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        # A pooled PostgreSQL connection can die with its server (a restart, a dropped
        # network): app/extensions.py's check_pooled_connections replaces it before a request
        # gets it, without pool_pre_ping's round trip on every checkout.
        "EXERCISES_DIR": Path(os.environ.get("EXERCISES_DIR") or ROOT / "exercises"),
        "RUNTIME_DIR": Path(
            os.environ.get("RUNTIME_DIR") or ROOT / "static" / "vendor" / "pyodide"
        ),
        # Requests larger than this get a 413 with a message; an attempt carries a few files.
        "MAX_CONTENT_LENGTH": env_int("MAX_REQUEST_BYTES", 512 * 1024),
        "MAX_ATTEMPT_FILE_BYTES": env_int("MAX_ATTEMPT_FILE_BYTES", 100 * 1024),
        # database:// (app/rate_limits.py) shares counters between processes and replicas.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI") or "database://",
        # Failed logins only, per client address (a school NAT or a proxy shares one: keep it
        # roomy) and per account (what stops guessing one learner's password from many places).
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "30 per minute;300 per hour"),
        # Short windows: a learner whose account an attacker hammers waits minutes, not an hour,
        # on a browser she never signed in from; on one she did (it holds a device cookie), her
        # failures count per device instead (LOGIN_DEVICE_RATE_LIMIT) and the attacker's not.
        "LOGIN_ACCOUNT_RATE_LIMIT": os.environ.get(
            "LOGIN_ACCOUNT_RATE_LIMIT", "5 per minute;20 per 15 minutes"
        ),
        "LOGIN_DEVICE_RATE_LIMIT": os.environ.get(
            "LOGIN_DEVICE_RATE_LIMIT", "5 per minute;20 per 15 minutes"
        ),
        "DEVICE_COOKIE_DAYS": env_int("DEVICE_COOKIE_DAYS", 180),
        # Sign-ups per address (a class signs up at once), and those that hit a taken email.
        "SIGNUP_RATE_LIMIT": os.environ.get("SIGNUP_RATE_LIMIT", "60 per hour"),
        "SIGNUP_TAKEN_RATE_LIMIT": os.environ.get("SIGNUP_TAKEN_RATE_LIMIT", "5 per hour"),
        # Outgoing mail, off unless MAIL_SERVER is set. With it, sign-up confirms the address
        # by email and answers the same page whether or not it is taken (app/auth/mail.py).
        # MAIL_USE_TLS is STARTTLS (port 587), MAIL_USE_SSL TLS from the first byte (465).
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "").strip(),
        "MAIL_PORT": env_int("MAIL_PORT", 587),
        "MAIL_USE_TLS": env_bool("MAIL_USE_TLS", True),
        "MAIL_USE_SSL": env_bool("MAIL_USE_SSL", False),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_FROM": os.environ.get("MAIL_FROM", ""),
        # The request waits for the mail server at most this long, then tells the learner.
        "MAIL_TIMEOUT_S": env_int("MAIL_TIMEOUT_S", 10),
        "SITE_URL": site_url(os.environ.get("MAIL_SERVER", "").strip()),
        # Sign-up mails to one address, whoever asks (nobody floods a mailbox through us).
        "SIGNUP_MAIL_RATE_LIMIT": os.environ.get("SIGNUP_MAIL_RATE_LIMIT", "5 per hour"),
        # How long a sign-up link works.
        "SIGNUP_LINK_HOURS": env_int("SIGNUP_LINK_HOURS", 24),
        # What one account may write: requests per hour, and bytes per UTC day (attempts,
        # journal, friction, friction events, hints), so one account cannot fill the disk.
        # Counted in the write's own transaction (app/quotas.py), not by Flask-Limiter: one
        # limit in its notation, "N per hour" (or "N per 30 minutes"...), in clock windows.
        "ACCOUNT_WRITE_LIMIT": os.environ.get("ACCOUNT_WRITE_LIMIT", "2000 per hour"),
        "ACCOUNT_BYTES_PER_DAY": env_int("ACCOUNT_BYTES_PER_DAY", 50 * 1024 * 1024),
        # X-RateLimit-* headers on every limited response cost two counter reads per request
        # (on every attempt); off by default. A 429 always says Retry-After (app/errors.py).
        "RATELIMIT_HEADERS_ENABLED": env_bool("RATELIMIT_HEADERS", False),
        # The CSRF token lives as long as the session: a queued offline attempt sent hours
        # later must not be refused for an expired token.
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure_cookies,
        "PREFERRED_URL_SCHEME": "https" if secure_cookies else "http",
        # How many reverse proxies (Traefik, Caddy, nginx) stand in front of the app: their
        # X-Forwarded-For/-Proto/-Host/-Port are believed for that many hops, and nothing else.
        "TRUSTED_PROXIES": env_int("TRUSTED_PROXIES", 0),
        # Far-future caching of /static (URLs carry ?v=<content hash>) and /runtime/<build>/.
        "STATIC_MAX_AGE": env_int("STATIC_MAX_AGE", 365 * 24 * 3600),
        "BACKUP_DIR": Path(os.environ.get("BACKUP_DIR") or instance_path / "backups"),
        # The AI tutor (app/tutor): no key, no tutor; the hint ladder works the same either way.
        "ANTHROPIC_API_KEY": os.environ.get("ANTHROPIC_API_KEY", ""),
        "ANTHROPIC_BASE_URL": os.environ.get("ANTHROPIC_BASE_URL") or "https://api.anthropic.com",
        # A cheap model first; the stronger one only after the guards rejected it this many
        # times in one turn (an empty TUTOR_STRONG_MODEL or 0 turns the escalation off).
        "TUTOR_MODEL": os.environ.get("TUTOR_MODEL") or "claude-haiku-5-5",
        "TUTOR_STRONG_MODEL": os.environ.get("TUTOR_STRONG_MODEL", "claude-sonnet-5-5"),
        "TUTOR_ESCALATE_AFTER": env_int("TUTOR_ESCALATE_AFTER", 2),
        "TUTOR_MAX_OUTPUT_TOKENS": env_int("TUTOR_MAX_OUTPUT_TOKENS", 400),
        "TUTOR_TIMEOUT_S": env_int("TUTOR_TIMEOUT_S", 15),
        "TUTOR_MAX_RETRIES": env_int("TUTOR_MAX_RETRIES", 1),
        # A whole turn (first reply, regeneration, stronger model) fits in one web request.
        "TUTOR_TURN_DEADLINE_S": env_int("TUTOR_TURN_DEADLINE_S", 40),
        # Limits, enforced on the server: turns per learner per UTC day, seconds between two
        # turns on one exercise, and tokens (in + out) for the whole server per UTC day.
        "TUTOR_LEARNER_DAILY_TURNS": env_int("TUTOR_LEARNER_DAILY_TURNS", 20),
        "TUTOR_COOLDOWN_S": env_int("TUTOR_COOLDOWN_S", 60),
        "TUTOR_DAILY_TOKEN_BUDGET": env_int("TUTOR_DAILY_TOKEN_BUDGET", 2_000_000),
        # Tests only: an httpx2 transport object for the SDK (never read from the environment).
        "TUTOR_HTTP_TRANSPORT": None,
        # Site-wide friction thresholds over PEDAGOGY.md's defaults, e.g. '{"cooldown_s": 10}'
        # (same names as an exercise's [friction] table, which still applies on top).
        "FRICTION_OVERRIDES": env_json_object("FRICTION_OVERRIDES"),
        "REMEMBER_COOKIE_HTTPONLY": True,
        # "Keep me signed in" on a school laptop: two weeks, not Flask-Login's default year.
        "REMEMBER_COOKIE_DURATION": timedelta(days=env_int("REMEMBER_DAYS", 14)),
        # Server-side re-check of claimed passes (app/recheck): who works the queue, how many
        # warm interpreters, how long a claim holds, how long the reference waits for a verdict.
        "RECHECK_MODE": recheck_mode(os.environ.get("RECHECK_MODE") or "thread"),
        "RECHECK_POOL": env_int("RECHECK_POOL", 1),
        "RECHECK_LEASE_S": env_int("RECHECK_LEASE_S", 300),
        "RECHECK_WAIT_S": env_int("RECHECK_WAIT_S", 60),
        # The dashboard's running totals (app/teach/stats.py): "thread" folds the checks the
        # attempts API stored in a background thread per process, woken after each attempt;
        # "off" leaves them to whoever reads the totals next (and `flask teach fold`).
        "TOTALS_FOLD_MODE": totals_fold_mode(os.environ.get("TOTALS_FOLD_MODE") or "thread"),
    }
