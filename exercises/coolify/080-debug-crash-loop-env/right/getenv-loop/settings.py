"""Settings from the environment; fails at start-up, not on a customer's order."""

from __future__ import annotations

import os
from dataclasses import dataclass


class ConfigError(RuntimeError):
    """Raised when required environment variables are missing."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    mail_api_key: str
    log_level: str = "info"
    port: int = 8000


def load_settings(environ=os.environ) -> Settings:
    """Read and validate the environment."""
    missing = []
    found = {}
    for name in ("DATABASE_URL", "SECRET_KEY", "MAIL_API_KEY"):
        value = environ.get(name)
        if value is None or value.isspace() or value == "":
            missing.append(name)
        else:
            found[name.lower()] = value
    if missing:
        raise ConfigError("Missing: " + ", ".join(missing)
                          + ". Set them in Coolify's Environment Variables.")
    return Settings(**found, log_level=environ.get("LOG_LEVEL") or "info",
                    port=int(environ.get("PORT") or 8000))
