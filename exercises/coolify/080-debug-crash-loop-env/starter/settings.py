"""The shop's settings, read once from the environment when the app starts."""

from __future__ import annotations

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
    """Read the settings from environment variables."""
    return Settings(
        database_url=environ["DATABASE_URL"],
        secret_key=environ["SECRET_KEY"],
        mail_api_key=environ["MAIL_API_KEY"],
        log_level=environ["LOG_LEVEL"],
        port=int(environ["PORT"]),
    )
