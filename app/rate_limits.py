"""Rate-limit counters in the app's own database, so every process and replica shares them.

Flask-Limiter keeps its counters in a storage of the `limits` library, chosen by
RATELIMIT_STORAGE_URI. `limits` ships Redis, Memcached and MongoDB storages but none for SQL, and
`memory://` counts per process (with four gunicorn workers a "10 per minute" limit would allow
40). This registers a `database://` storage with `limits` (its documented extension point): a
fixed-window counter per key, incremented with one atomic upsert, on SQLite and PostgreSQL.
Redis stays available with RATELIMIT_STORAGE_URI=redis://... (the `redis` extra).
"""

from __future__ import annotations

import functools
import time
from typing import TYPE_CHECKING
from typing import Any

import sqlalchemy as sa
from limits.storage import Storage
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite

from .models import RateLimitCounter

if TYPE_CHECKING:
    from flask import Flask
    from flask_limiter import Limiter

SCHEME = "database"
# Expired counters are deleted every this many increments (per process), so the table stays as
# small as the number of clients seen in the longest window.
PRUNE_EVERY = 200
UPSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
# Every storage's engine, so dispose_engines() can close their pooled connections. Held strongly:
# with weak references an engine whose storage Flask-Limiter dropped was collected with its pool,
# and its open connections were deleted unclosed (a ResourceWarning at a random later moment).
_ENGINES: set[sa.Engine] = set()


def dispose_engines() -> None:
    """Close the pooled connections of every database:// storage (tests, shutdown)."""
    while _ENGINES:
        _ENGINES.pop().dispose()


class DatabaseStorage(Storage):
    """Fixed-window counters in the rate_limit_counter table (`database://`)."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: Any):
        """Options: url, the SQLAlchemy URL of the app's database (the app factory passes it)."""
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        url = options.get("url")
        if not url:
            raise ValueError("the database:// rate-limit storage needs the database URL")
        # Pooled and in autocommit: a counter update is one statement outside the request's
        # transaction, so it needs no BEGIN and COMMIT of its own (two round trips on
        # PostgreSQL, a second write transaction on SQLite), and opening a connection for each
        # (a new server process on PostgreSQL, the pragmas on SQLite) cost more than the update.
        self.engine = sa.create_engine(
            url, pool_size=4, max_overflow=16, isolation_level="AUTOCOMMIT"
        )
        _ENGINES.add(self.engine)
        if self.engine.dialect.name not in UPSERTS:
            raise ValueError(f"database:// rate limits need SQLite or PostgreSQL, not {url!r}")
        self.table = RateLimitCounter.__table__
        self.increments = 0

    @property
    def base_exceptions(self) -> type[Exception]:
        """Errors that mean the storage is unavailable."""
        return (sa.exc.SQLAlchemyError, self.engine.dialect.loaded_dbapi.Error)

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add `amount` to the key's counter, starting a new window when the old one expired."""
        now = time.time()
        values = {"key": key, "amount": amount, "now": now, "expires_at": now + expiry}
        # The statement is compiled once and sent on the driver's own cursor, which costs a
        # fraction of a SQLAlchemy execution. (The per-account write quotas are not counted
        # here but in the write's own transaction: app/quotas.py.)
        sql, parameters = self.upsert_sql
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(sql, parameters(values))
            count = cursor.fetchone()[0]
            cursor.close()
        finally:
            connection.close()
        self.increments += 1
        if self.increments % PRUNE_EVERY == 0:
            t = self.table
            with self.engine.connect() as connection:
                connection.execute(sa.delete(t).where(t.c.expires_at <= now))
        return count

    @functools.cached_property
    def upsert_sql(self) -> tuple[str, Any]:
        """The upsert in the driver's own SQL and a function that orders its parameters."""
        compiled = self.upsert.compile(dialect=self.engine.dialect)
        if compiled.positional:
            names = tuple(compiled.positiontup or ())
            return compiled.string, lambda values: tuple(values[name] for name in names)
        return compiled.string, lambda values: values

    @functools.cached_property
    def upsert(self) -> sa.Executable:
        """The counter's one atomic statement, built once (run with bound values)."""
        t = self.table
        amount = sa.bindparam("amount", type_=sa.Integer())
        insert = UPSERTS[self.engine.dialect.name](t).values(
            key=sa.bindparam("key", type_=sa.String()),
            count=amount,
            expires_at=sa.bindparam("expires_at", type_=sa.Float()),
        )
        expired = t.c.expires_at <= sa.bindparam("now", type_=sa.Float())
        return insert.on_conflict_do_update(
            index_elements=[t.c.key],
            set_={
                "count": sa.case((expired, insert.excluded.count), else_=t.c.count + amount),
                "expires_at": sa.case(
                    (expired, insert.excluded.expires_at), else_=t.c.expires_at
                ),
            },
        ).returning(t.c.count)

    def get(self, key: str) -> int:
        """The key's count in its current window (0 when there is none)."""
        t = self.table
        query = sa.select(t.c.count).where(t.c.key == key, t.c.expires_at > time.time())
        with self.engine.connect() as connection:
            return connection.execute(query).scalar() or 0

    def get_expiry(self, key: str) -> float:
        """When the key's window ends (now when it has none)."""
        t = self.table
        now = time.time()
        query = sa.select(t.c.expires_at).where(t.c.key == key, t.c.expires_at > now)
        with self.engine.connect() as connection:
            return connection.execute(query).scalar() or now

    def check(self) -> bool:
        """The database answers."""
        try:
            with self.engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
        except sa.exc.SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        """Forget every counter."""
        with self.engine.begin() as connection:
            return connection.execute(sa.delete(self.table)).rowcount

    def clear(self, key: str) -> None:
        """Forget one key's counter."""
        with self.engine.begin() as connection:
            connection.execute(sa.delete(self.table).where(self.table.c.key == key))


# Flask's registries of request hooks, keyed by blueprint name (None: every request).
HOOK_REGISTRIES = ("before_request_funcs", "after_request_funcs", "teardown_request_funcs")
# Settings that give every route a limit: with any of them the hooks must run on every request.
APP_WIDE_SETTINGS = (
    "RATELIMIT_DEFAULT",
    "RATELIMIT_APPLICATION",
    "RATELIMIT_META",
    "RATELIMIT_IN_MEMORY_FALLBACK",
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED",
)
# The attribute Flask-Limiter's limit decorator sets on the view it wraps (names the limiter).
LIMITED_VIEW_MARK = "__wrapper-limiter-instance"


def init_limiter(app: Flask, limiter: Limiter) -> None:
    """Bind Flask-Limiter to the built app, its request hooks scoped to the blueprints whose
    routes carry a limit (sign-up and login), so other requests pay nothing for it.

    Flask-Limiter checks a decorated route's limits in the decorator itself. Its app-wide hooks
    serve default, application and meta limits (this app has none), the conditional deductions
    (`deduct_when`: failed logins, taken emails) and the X-RateLimit headers, which only limited
    routes have; yet they ran on every request, about 0.7 ms of an attempt's CPU. It has no
    setting to leave them out (`auto_check=False`, removed in 3.13, also skipped the decorators'
    checks), so the hooks init_app registers are moved, unchanged, to those blueprints' scope,
    where Flask runs a blueprint's own hooks. They stay app-wide when a limit may apply to any
    route (default or application limits, the settings above, a limited view outside a
    blueprint) and when no limited view is recognised: checking everywhere is the safe side."""
    registered = {name: list(getattr(app, name).get(None, ())) for name in HOOK_REGISTRIES}
    limiter.init_app(app)
    limited_endpoints = [
        endpoint
        for endpoint, view in app.view_functions.items()
        # A weak proxy of the limiter: equal to it, not identical.
        if getattr(view, LIMITED_VIEW_MARK, None) == limiter
    ]
    blueprints = {endpoint.rpartition(".")[0] for endpoint in limited_endpoints}
    manager = limiter.limit_manager
    app_wide = any(app.config.get(name) for name in APP_WIDE_SETTINGS) or bool(
        manager.default_limits or manager.application_limits
    )
    if app_wide or not blueprints or "" in blueprints:
        return
    for name in HOOK_REGISTRIES:
        registry = getattr(app, name)
        added = [hook for hook in registry.get(None, ()) if hook not in registered[name]]
        registry[None] = registered[name]
        for blueprint in sorted(blueprints):
            registry.setdefault(blueprint, []).extend(added)
