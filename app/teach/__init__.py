"""Feature "teach": courses, join codes, course exercises and the instructor's dashboard."""

from __future__ import annotations

import click
from flask import Blueprint
from flask import Flask

bp = Blueprint("teach", __name__)

from . import routes  # noqa: E402,F401


def init_app(app: Flask) -> None:
    """Register the pages, keep the dashboard's running totals in step, add `flask teach`."""
    from . import stats

    app.register_blueprint(bp)
    stats.install()

    @app.cli.group("teach")
    def teach_cli() -> None:
        """Courses and their dashboards."""

    @teach_cli.command("recount")
    def recount_command() -> None:
        """Rebuild the dashboard's running totals from the stored checks."""
        click.echo(f"Replayed {stats.recount():,} checks into the dashboard totals.")

    @teach_cli.command("fold")
    def fold_command() -> None:
        """Fold the checks still waiting into the dashboard's running totals."""
        click.echo(f"Folded {stats.fold_pending():,} checks into the dashboard totals.")
