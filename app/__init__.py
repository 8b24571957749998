"""Friction Lab: learn programming by doing hard things and failing well."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import Any

from flask import Flask
from flask import g

from .config import ROOT
from .config import load_config

log = logging.getLogger(__name__)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create the app: config, extensions, exercise catalog, blueprints, CLI."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    from .api import AppRequest
    from .api import StrictJSONProvider

    app.request_class = AppRequest
    app.json = StrictJSONProvider(app)
    app.config.update(load_config(Path(app.instance_path)))
    if test_config:
        app.config.update(test_config)
    from .friction.config import with_overrides

    try:
        app.config["FRICTION_DEFAULTS"] = with_overrides(app.config.get("FRICTION_OVERRIDES"))
    except ValueError as error:
        raise SystemExit(f"FRICTION_OVERRIDES: {error}") from None
    from .quotas import check_config

    try:
        check_config(app.config)
    except ValueError as error:
        raise SystemExit(f"write quotas: {error}") from None

    # Importing rate_limits registers the database:// rate-limit storage with `limits`.
    from . import rate_limits
    from .extensions import check_pooled_connections
    from .extensions import csrf
    from .extensions import db
    from .extensions import limiter
    from .extensions import login_manager
    from .extensions import migrate
    from .extensions import private_sqlite_file

    if app.config["RATELIMIT_STORAGE_URI"].startswith(rate_limits.SCHEME + "://"):
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {})
        app.config["RATELIMIT_STORAGE_OPTIONS"].setdefault(
            "url", app.config["SQLALCHEMY_DATABASE_URI"]
        )
    private_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])
    db.init_app(app)
    with app.app_context():
        check_pooled_connections(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)

    from . import catalog

    catalog.init_app(app)

    from .account import bp as account_bp
    from .auth import bp as auth_bp
    from .journal import bp as journal_bp
    from .learn import bp as learn_bp
    from .practice import bp as practice_bp
    from .runtime import bp as runtime_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(learn_bp)
    app.register_blueprint(practice_bp)
    app.register_blueprint(journal_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(runtime_bp)

    from . import teach
    from . import tutor

    teach.init_app(app)

    tutor.init_app(app)  # only with an API key: without one the tutor is simply absent

    from .errors import register_error_handlers

    register_error_handlers(app)

    from . import cli

    cli.init_app(app)

    from markupsafe import Markup

    from .rendering import render_markdown

    app.add_template_filter(lambda text: Markup(render_markdown(text)), "markdown")
    install_security_headers(app)

    from .serving import install_serving

    install_serving(app)
    # Last, once every blueprint is registered: its hooks go where the limited routes are.
    rate_limits.init_limiter(app, limiter)
    return app


def install_security_headers(app: Flask) -> None:
    """Cross-origin isolation (for the Pyodide interrupt buffer) and a strict CSP everywhere."""
    from .serving import apply_security_headers

    @app.context_processor
    def inject_nonce() -> dict[str, str]:
        # Made when a page renders, not for every request: a JSON reply has nothing for a nonce
        # to name, and its policy then allows no inline style at all.
        if "csp_nonce" not in g:
            g.csp_nonce = secrets.token_urlsafe(16)
        return {"csp_nonce": g.csp_nonce}

    app.after_request(apply_security_headers)
