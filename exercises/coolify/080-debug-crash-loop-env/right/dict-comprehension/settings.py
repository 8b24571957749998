"""The shop's settings, read once from the environment when the app starts."""

import os
from dataclasses import dataclass


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
    """Read the settings; every missing (or blank) required variable is named at once."""
    values = {k: (environ.get(k) or "").strip()
              for k in ("DATABASE_URL", "SECRET_KEY", "MAIL_API_KEY")}
    absent = sorted(k for k, v in values.items() if not v)
    if absent:
        raise ConfigError(f"cannot start: {' and '.join(absent)} not set - add them under "
                          "Environment Variables in Coolify")
    return Settings(values["DATABASE_URL"], values["SECRET_KEY"], values["MAIL_API_KEY"],
                    environ.get("LOG_LEVEL", "").strip() or "info",
                    int(environ.get("PORT", "").strip() or "8000"))
