"""Flask extensions, created unbound and bound in the app factory."""

from __future__ import annotations

import os
import select
import sqlite3
import time
from pathlib import Path

import sqlalchemy as sa
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so migrations work the same on SQLite (batch mode) and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with the naming convention."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


@sa.event.listens_for(sa.engine.Engine, "connect")
def sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """On every SQLite connection: enforce foreign keys (so ON DELETE CASCADE runs), WAL (readers
    never block the writer, so concurrent learners do not hit "database is locked"), and wait
    for a busy writer instead of failing at once."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# A pooled connection that sat idle longer than this is pinged before a request gets it.
PING_WHEN_IDLE_S = 5.0


def check_pooled_connections(engine: sa.Engine) -> None:
    """Hand requests live PostgreSQL connections without a round trip on every checkout.

    pool_pre_ping sent a statement on each checkout, one more round trip per request for both
    processes. Instead: a server that ended the connection (a restart, an idle timeout, an
    admin's pg_terminate_backend) has said so on its socket, which costs a poll to see; and a
    connection idle for more than PING_WHEN_IDLE_S seconds is pinged as before (a quiet server,
    where a round trip costs nothing, is also where a database restarted unnoticed). Either
    failure replaces every pooled connection, as a failed pre-ping did."""
    if engine.dialect.name != "postgresql":
        return  # a SQLite connection is a file handle that cannot go stale
    # Another driver's socket is not ours to read: its connections are pinged at every checkout.
    watch_socket = engine.dialect.driver == "psycopg"

    @sa.event.listens_for(engine, "checkin")
    def note_when_idle(dbapi_connection, connection_record) -> None:
        connection_record.info["idle_since"] = time.monotonic()

    @sa.event.listens_for(engine, "checkout")
    def refuse_a_dead_connection(dbapi_connection, connection_record, connection_proxy) -> None:
        idle_since = connection_record.info.get("idle_since")
        if idle_since is None:
            return  # just opened
        if watch_socket and server_hung_up(dbapi_connection):
            raise sa.exc.InvalidatePoolError("the server closed this pooled connection")
        if not watch_socket or time.monotonic() - idle_since > PING_WHEN_IDLE_S:
            try:
                engine.dialect.do_ping(dbapi_connection)
            except engine.dialect.loaded_dbapi.Error as error:
                raise sa.exc.InvalidatePoolError(f"ping failed: {error}") from error


def server_hung_up(dbapi_connection) -> bool:
    """Whether an idle psycopg connection is closed or has something unread on its socket (an
    idle connection is sent nothing but the server's goodbye, or the end of the stream)."""
    from psycopg import pq

    pgconn = dbapi_connection.pgconn
    if pgconn.status != pq.ConnStatus.OK:
        return True
    poller = select.poll()
    poller.register(pgconn.socket, select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))


def private_sqlite_file(url: str) -> None:
    """Create a SQLite database file readable by its owner only (0600); tighten an existing one.

    SQLite gives its -wal and -shm files the database file's permissions."""
    parsed = sa.engine.make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return
    path = Path(parsed.database)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
        for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            if file.exists():
                file.chmod(0o600)
    except OSError:
        # The app still starts: /healthz and every page then say the database is unavailable,
        # which tells an admin more than a crash at import time.
        return
