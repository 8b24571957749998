"""Blueprint "account": a learner's data rights (export everything, delete the account)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("account", __name__)

from . import routes  # noqa: E402,F401
