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


def load_settings(environ=os.environ):
    values = {}
    absent = []
    for field in ("database_url", "secret_key", "mail_api_key"):
        value = (environ.get(field.upper()) or "").strip()
        if value:
            values[field] = environ[field.upper()]
        else:
            absent.append(field.upper())
    if absent:
        raise ConfigError(
            f"{len(absent)} required setting(s) not set: {' '.join(absent)}. Add them under "
            "Environment Variables of this application in Coolify, then redeploy."
        )
    port = environ.get("PORT", "").strip()
    return Settings(**values, log_level=environ.get("LOG_LEVEL", "").strip() or "info",
                    port=int(port) if port else 8000)
