"""Blueprint "teach": courses, join codes, course exercises and the instructor's dashboard."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("teach", __name__)

from . import routes  # noqa: E402,F401
