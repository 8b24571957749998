"""Runtime file serving (versioned, immutable, precompressed) and /healthz."""

from __future__ import annotations

import mimetypes

import sqlalchemy as sa
from flask import current_app
from flask import jsonify
from flask import request
from flask import send_file

from ..extensions import db
from . import bp
from .services import find_runtime_file
from .services import runtime_info

mimetypes.add_type("application/wasm", ".wasm")
mimetypes.add_type("text/javascript", ".mjs")
ONE_YEAR = 365 * 24 * 3600


@bp.get("/runtime/<build_id>/<path:filename>")
def runtime_file(build_id: str, filename: str):
    """Serve a Pyodide file; the build id in the URL makes it safe to cache for a year."""
    runtime_dir = current_app.config["RUNTIME_DIR"]
    path, encoding = find_runtime_file(
        runtime_dir, filename, request.headers.get("Accept-Encoding", "")
    )
    mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    response = send_file(path, mimetype=mimetype, conditional=True, etag=True)
    info = runtime_info(runtime_dir)
    if info is not None and info.build_id == build_id:
        response.cache_control.public = True
        response.cache_control.max_age = ONE_YEAR
        response.cache_control.immutable = True
    else:
        response.cache_control.no_cache = True
    if encoding:
        response.headers["Content-Encoding"] = encoding
    response.vary.add("Accept-Encoding")
    return response


@bp.get("/healthz")
def healthz():
    """Liveness and readiness for Coolify and Kubernetes probes: the database answers."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as exc:
        return jsonify(status="unavailable", database=str(exc.__class__.__name__)), 503
    runtime = runtime_info(current_app.config["RUNTIME_DIR"])
    return jsonify(status="ok", runtime=runtime.build_id if runtime else None)
