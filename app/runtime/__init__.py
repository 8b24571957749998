"""Blueprint "runtime": serves the self-hosted Pyodide runtime and the health check."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("runtime", __name__)

from . import routes  # noqa: E402,F401
