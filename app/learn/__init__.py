"""Blueprint "learn": tracks, the exercise page, and the attempts API."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("learn", __name__)

from . import routes  # noqa: E402,F401
