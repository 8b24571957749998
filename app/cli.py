"""Command-line tools: `flask exercises check|list|sync`, `flask users create`, `flask tutor`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask import current_app
from flask.cli import AppGroup

from .backup_cli import backup_cli
from .catalog import get_catalog
from .catalog import sync_exercises
from .errors import DomainError
from .exercises import load_catalog
from .lint_cli import lint_cli
from .models import Role
from .tutor.cli import tutor_cli

exercises_cli = AppGroup("exercises", help="Validate, prove and list exercises.")
users_cli = AppGroup("users", help="Manage accounts.")
recheck_cli = AppGroup("recheck", help="The server's re-check of claimed passes.")


@exercises_cli.command("list")
def list_exercises() -> None:
    """List the loaded exercises by track, and any folders that failed to load."""
    catalog = get_catalog()
    for track in catalog.tracks.values():
        click.echo(f"{track.title} ({track.slug})")
        for exercise in catalog.in_track(track.slug):
            click.echo(
                f"  {exercise.id:40} {exercise.kind:10} v{exercise.version}  {exercise.title}"
            )
    for error in catalog.errors:
        click.secho(f"not loaded: {error}", fg="red", err=True)


@exercises_cli.command("sync")
def sync() -> None:
    """Mirror the catalog into the database (run after changing exercises)."""
    catalog = get_catalog()
    added, updated = sync_exercises(catalog)
    click.echo(f"{len(catalog.exercises)} exercises: {added} added, {updated} updated.")
    for error in catalog.errors:
        click.secho(f"not loaded: {error}", fg="red", err=True)


@exercises_cli.command("check")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--runtime",
    "runtimes",
    multiple=True,
    type=click.Choice(["cpython", "pyodide"]),
    help="Which runtimes to prove under (default: both).",
)
def check(path: Path | None, runtimes: tuple[str, ...]) -> None:
    """Prove exercises: the solution and right answers pass; the starter and wrong answers fail."""
    from .proof import prove_catalog

    catalog = load_catalog(current_app.config["EXERCISES_DIR"])
    selected = catalog_subset(catalog, path)
    report = prove_catalog(
        selected,
        runtimes=runtimes or ("cpython", "pyodide"),
        runtime_dir=current_app.config["RUNTIME_DIR"],
        echo=click.echo,
    )
    click.echo(report.summary())
    if not report.ok:
        sys.exit(1)


def catalog_subset(catalog, path: Path | None):
    """Keep the exercises (and load errors) below PATH, or all of them."""
    if path is None:
        return catalog
    base = path.resolve()

    def below(p: Path) -> bool:
        p = p.resolve()
        return p == base or base in p.parents

    catalog.exercises = {k: e for k, e in catalog.exercises.items() if below(e.path)}
    catalog.errors = [e for e in catalog.errors if below(Path(e.path))]
    if not catalog.exercises and not catalog.errors:
        raise click.ClickException(f"no exercise folders found below {path}")
    return catalog


@users_cli.command("create")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.LEARNER.value,
    show_default=True,
)
@click.option("--name", "display_name", default="", help="Display name (default: from email).")
@click.password_option(help="Prompted for when not given.")
def create_user_command(email: str, role: str, display_name: str, password: str) -> None:
    """Create an account, e.g. the first instructor: --role instructor."""
    from .auth.services import create_user

    if len(password) < 10:
        raise click.ClickException("Use a password of at least 10 characters.")
    try:
        user = create_user(email, password, display_name, role)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")


@recheck_cli.command("worker")
@click.option("--pool", type=click.IntRange(1, 32), default=None,
              help="Warm interpreters (default: RECHECK_POOL).")
def recheck_worker(pool: int | None) -> None:
    """Work the re-check queue until stopped (Ctrl-C or SIGTERM); several may run at once."""
    import signal
    import threading

    from .recheck.worker import work_forever

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    stop, wake = threading.Event(), threading.Event()

    def on_signal(signum, frame) -> None:
        stop.set()
        wake.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    size = pool or app.config["RECHECK_POOL"]
    click.echo(f"Re-checking claimed passes with {size} sandboxed interpreter(s); Ctrl-C stops.")
    work_forever(app, size, stop, wake)


@recheck_cli.command("status")
def recheck_status() -> None:
    """How many re-check jobs are queued, running, done and failed."""
    from .recheck.services import queue_counts

    counts = queue_counts()
    click.echo(", ".join(f"{state}: {counts.get(state, 0)}"
                         for state in ("queued", "running", "done", "failed")))


@recheck_cli.command("retry")
def recheck_retry() -> None:
    """Queue again the re-checks the sandbox gave up on (e.g. after enabling user namespaces)."""
    from .recheck.services import requeue_failed

    click.echo(f"{requeue_failed()} re-check(s) queued again.")


@users_cli.command("set-password")
@click.argument("email")
@click.password_option(help="Prompted for when not given.")
def set_password_command(email: str, password: str) -> None:
    """Change an account's password; every session of that account ends."""
    import sqlalchemy as sa

    from .auth.services import normalise_email
    from .auth.services import set_password
    from .extensions import db
    from .models import User

    if len(password) < 10:
        raise click.ClickException("Use a password of at least 10 characters.")
    user_id = db.session.scalar(sa.select(User.id).where(User.email == normalise_email(email)))
    if user_id is None:
        raise click.ClickException(f"There is no account {email}.")
    set_password(user_id, password)
    click.echo(f"Password changed for {email}; its sessions have ended.")


def init_app(app: Flask) -> None:
    """Register the command groups."""
    app.cli.add_command(recheck_cli)
    app.cli.add_command(exercises_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(lint_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(tutor_cli)
