"""Blueprint "tutor": the optional AI tutor that asks instead of telling (needs an API key)."""

from __future__ import annotations

from flask import Blueprint
from flask import Flask

bp = Blueprint("tutor", __name__)

from . import routes  # noqa: E402,F401


def init_app(app: Flask) -> None:
    """Register the tutor only when the server has an Anthropic API key; else it is absent."""
    from .services import init_tutor

    if init_tutor(app) is not None:
        app.register_blueprint(bp)
