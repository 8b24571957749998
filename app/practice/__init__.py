"""Blueprint "practice": a learner's state on one exercise (friction, hints, the reference)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("practice", __name__)

from . import routes  # noqa: E402,F401
