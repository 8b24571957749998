"""The shop's settings, read once from the environment when the app starts."""

from __future__ import annotations

import os
from dataclasses import dataclass

# Secrets and addresses that differ per deployment: no default could be right, so the app
# refuses to start without them. Set them in Coolify's Environment Variables.
REQUIRED = ("DATABASE_URL", "SECRET_KEY", "MAIL_API_KEY")


class ConfigError(Exception):
    """The environment lacks settings the app cannot run without."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    mail_api_key: str
    log_level: str
    port: int


def load_settings(environ=os.environ) -> Settings:
    """Read the settings from environment variables; ConfigError names every missing one."""
    # An empty value counts as missing: Compose turns an unset ${VAR} into "".
    missing = [name for name in REQUIRED if not environ.get(name, "").strip()]
    if missing:
        raise ConfigError(
            "missing environment variables: " + ", ".join(missing)
            + ". Set them in Coolify (the application's Environment Variables) and redeploy."
            # What was set, to help whoever reads the crash log.
            + f" Environment seen: {sorted(environ.items())}"
        )
    return Settings(
        database_url=environ["DATABASE_URL"],
        secret_key=environ["SECRET_KEY"],
        mail_api_key=environ["MAIL_API_KEY"],
        log_level=environ.get("LOG_LEVEL") or "info",
        port=int(environ.get("PORT") or 8000),
    )
