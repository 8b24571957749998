"""Blueprint "journal": friction decisions, journal entries, and the learner's journal page."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("journal", __name__)

from . import page_routes  # noqa: E402,F401
from . import routes  # noqa: E402,F401
