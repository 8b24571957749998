"""Consistent backups of the app's database, and restoring them.

SQLite: the online backup API of the sqlite3 module copies a consistent snapshot while the app
keeps serving, and restores the same way (page by page, under the database's lock).
PostgreSQL: pg_dump's custom format (one consistent snapshot of the database), restored with
pg_restore into a single psql transaction that first drops the app's tables: a failed restore
leaves the database as it was.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why and what to do."""


@dataclass(frozen=True)
class Database:
    """Where the app's data lives, from its SQLAlchemy URL."""

    url: sa.URL

    @classmethod
    def from_url(cls, url: str) -> Database:
        """Parse the app's SQLALCHEMY_DATABASE_URI."""
        parsed = sa.make_url(url)
        if parsed.get_backend_name() not in ("sqlite", "postgresql"):
            raise BackupError(f"backups support SQLite and PostgreSQL, not {parsed.drivername}")
        return cls(parsed)

    @property
    def engine(self) -> str:
        """sqlite or postgresql."""
        return self.url.get_backend_name()

    @property
    def suffix(self) -> str:
        """The file name ending of this engine's backups."""
        return ".sqlite3" if self.engine == "sqlite" else ".pgdump"

    def sqlite_path(self) -> Path:
        """The database file (a SQLite URL only)."""
        if not self.url.database or self.url.database == ":memory:":
            raise BackupError("an in-memory SQLite database cannot be backed up")
        return Path(self.url.database)

    def libpq(self) -> tuple[str, dict[str, str]]:
        """A connection URI for pg_dump/psql without the password, and an environment with it."""
        env = dict(os.environ)
        if self.url.password:
            # Not on the command line, where any local user could read it in the process list.
            env["PGPASSWORD"] = str(self.url.password)
        plain = self.url.set(drivername="postgresql", password=None)
        return plain.render_as_string(hide_password=False), env


def default_backup_name(database: Database, now: datetime | None = None) -> str:
    """friction-20261129T184500Z.sqlite3 / .pgdump: sorts by time."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    return f"friction-{stamp}{database.suffix}"


def prune_backups(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups named by default_backup_name; return them."""
    named = sorted(
        p for p in folder.glob("friction-*") if p.suffix in (".sqlite3", ".pgdump") and p.is_file()
    )
    doomed = named[:-keep] if keep > 0 else []
    for path in doomed:
        path.unlink()
    return doomed


def tool(name: str) -> str:
    """The path of a PostgreSQL client program, or a message saying how to get it."""
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found on PATH. Install PostgreSQL's client programs (Debian: "
            "apt-get install postgresql-client), of the server's major version or newer."
        )
    return found


def run(argv: list[str], env: dict[str, str], what: str, **kwargs) -> None:
    """Run a client program; its error output becomes the message of a BackupError."""
    result = subprocess.run(argv, env=env, capture_output=True, **kwargs)
    if result.returncode != 0:
        detail = result.stderr.decode(errors="replace").strip()
        raise BackupError(f"{what} failed: {detail or f'exit status {result.returncode}'}")


def create_backup(database: Database, target: Path) -> Path:
    """Write a consistent backup of the database to `target` (not overwriting a file)."""
    if target.exists():
        raise BackupError(f"{target} already exists; choose another name")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    try:
        if database.engine == "sqlite":
            source_path = database.sqlite_path()
            if not source_path.is_file():
                raise BackupError(f"there is no database at {source_path} yet")
            with _sqlite(source_path) as source, _sqlite(partial) as copy:
                source.backup(copy)
        else:
            uri, env = database.libpq()
            run(
                [tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                 f"--file={partial}", f"--dbname={uri}"],
                env,
                "pg_dump",
            )
        partial.rename(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def restore_backup(database: Database, source: Path) -> None:
    """Replace the database's content with a backup made by create_backup."""
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    with source.open("rb") as f:
        head = f.read(len(SQLITE_MAGIC))
    if database.engine == "sqlite":
        if not head.startswith(SQLITE_MAGIC):
            raise BackupError(f"{source} is not a SQLite backup, and this app runs on SQLite")
        with _sqlite(source) as backup, _sqlite(database.sqlite_path()) as live:
            backup.backup(live)
        return
    if not head.startswith(PG_DUMP_MAGIC):
        raise BackupError(f"{source} is not a pg_dump backup, and this app runs on PostgreSQL")
    uri, env = database.libpq()
    script = subprocess.run(
        [tool("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(source)],
        env=env,
        capture_output=True,
    )
    if script.returncode != 0:
        raise BackupError(f"pg_restore could not read {source}: {script.stderr.decode().strip()}")
    # Drop what is there now (tables of a newer migration too) in the same transaction as the
    # restore: psql's --single-transaction with ON_ERROR_STOP rolls both back on any error.
    drops = "".join(
        f'DROP TABLE IF EXISTS "{name}" CASCADE;\n' for name in _postgres_tables(database)
    )
    run(
        [tool("psql"), "--no-psqlrc", "--quiet", "--single-transaction",
         "--set=ON_ERROR_STOP=1", f"--dbname={uri}"],
        env,
        "the restore (nothing was changed)",
        input=drops.encode() + script.stdout,
    )


def _postgres_tables(database: Database) -> list[str]:
    engine = sa.create_engine(database.url, poolclass=sa.NullPool)
    try:
        return sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()


class _sqlite:
    """A sqlite3 connection that is closed (not just committed) when the block ends."""

    def __init__(self, path: Path) -> None:
        self.connection = sqlite3.connect(path)

    def __enter__(self) -> sqlite3.Connection:
        return self.connection

    def __exit__(self, *exc: object) -> None:
        self.connection.close()
