"""`flask backup create|restore`: consistent database backups (see app/backup.py).

    flask backup create                       # BACKUP_DIR/friction-<UTC time>.sqlite3|.pgdump
    flask backup create --output /tmp/b.pgdump
    flask backup create --keep 14             # and delete all but the 14 newest in BACKUP_DIR
    flask backup restore /backups/friction-20261129T184500Z.pgdump --yes
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from .backup import BackupError
from .backup import Database
from .backup import create_backup
from .backup import default_backup_name
from .backup import prune_backups
from .backup import restore_backup

backup_cli = AppGroup("backup", help="Back up the database, or restore a backup.")


def app_database() -> Database:
    """The database of the running app."""
    try:
        return Database.from_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None


def release_app_connections() -> None:
    """Close the app's pooled connections: a restore replaces what they were reading."""
    from .extensions import db

    db.session.remove()
    for engine in db.engines.values():
        engine.dispose()


@backup_cli.command("create")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
    help="The backup file (default: BACKUP_DIR/friction-<UTC time>.sqlite3 or .pgdump).",
)
@click.option(
    "--keep", type=click.IntRange(min=1),
    help="Then delete all but the newest KEEP backups in BACKUP_DIR (names friction-<time>).",
)
def create(output: Path | None, keep: int | None) -> None:
    """Write a consistent backup while the app keeps running."""
    database = app_database()
    folder = Path(current_app.config["BACKUP_DIR"])
    target = output or folder / default_backup_name(database)
    try:
        written = create_backup(database, target)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    size = written.stat().st_size
    click.echo(f"Backed up the {database.engine} database to {written} ({size:,} bytes).")
    if keep is not None:
        for old in prune_backups(folder, keep):
            click.echo(f"Deleted the older backup {old}.")


@backup_cli.command("restore")
@click.argument("backup", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.confirmation_option(
    prompt="This replaces everything in the database with the backup. Go on?",
    help="Do not ask for confirmation.",
)
def restore(backup: Path) -> None:
    """Replace the database's content with BACKUP (stop the app first)."""
    database = app_database()
    release_app_connections()
    try:
        restore_backup(database, backup)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"Restored {backup} into the {database.engine} database. "
        "If the backup comes from an older version, run `flask db upgrade` next."
    )
