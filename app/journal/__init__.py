"""Blueprint "journal": journal entries and the learner's journal page."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("journal", __name__)

from . import routes  # noqa: E402,F401
