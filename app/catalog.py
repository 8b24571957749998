"""The loaded exercise catalog, attached to the app once at start-up, and its mirror rows in
the database (attempts, entries and events refer to an exercise row)."""

from __future__ import annotations

import logging
import os
import threading
import uuid
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask import current_app
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite

from .exercises import Catalog
from .exercises import Exercise
from .exercises import load_catalog
from .extensions import db
from .models import Exercise as ExerciseRow
from .models import utcnow

log = logging.getLogger(__name__)


# A publish through the web replaces this file (a new inode each time). Every process of a
# multi-worker server compares it with what it loaded on each request (one stat(), no database
# query) and reloads the catalog when it changed, so no worker keeps serving the old folders.
PUBLISHED_STAMP = ".published"
_reload_lock = threading.Lock()
# INSERT ... ON CONFLICT, in each database's own dialect.
MIRROR_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def catalog_stamp(root: Path) -> tuple[int, int, int] | None:
    """Identity of the last publish in this exercise folder (None before the first one)."""
    try:
        st = (Path(root) / PUBLISHED_STAMP).stat()
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


def mark_published(root: Path) -> None:
    """Tell every process sharing this folder that the catalog changed (atomic replace)."""
    root = Path(root)
    temporary = root / f"{PUBLISHED_STAMP}.{uuid.uuid4().hex}"
    temporary.write_text(uuid.uuid4().hex + "\n")
    os.replace(temporary, root / PUBLISHED_STAMP)


def load_into(app: Flask) -> Catalog:
    """Load the catalog from disk into the app, noting which publish it reflects."""
    root = app.config["EXERCISES_DIR"]
    stamp = catalog_stamp(root)
    catalog = load_catalog(root)
    for error in catalog.errors:
        log.error("exercise not loaded: %s", error)
    app.extensions["catalog"] = catalog
    app.extensions["catalog_stamp"] = stamp
    return catalog


def adopt_catalog(app: Flask, catalog: Catalog) -> None:
    """Use a catalog this process just loaded after publishing (no second load)."""
    app.extensions["catalog"] = catalog
    app.extensions["catalog_stamp"] = catalog_stamp(app.config["EXERCISES_DIR"])


def init_app(app: Flask) -> None:
    """Load the catalog; broken folders are logged, and the rest of the app still starts."""
    load_into(app)


def get_catalog() -> Catalog:
    """The current app's catalog, reloaded first if another process published since."""
    app = current_app._get_current_object()
    if catalog_stamp(app.config["EXERCISES_DIR"]) != app.extensions.get("catalog_stamp"):
        with _reload_lock:
            if catalog_stamp(app.config["EXERCISES_DIR"]) != app.extensions.get("catalog_stamp"):
                log.info("exercise catalog changed on disk: reloading")
                return load_into(app)
    return app.extensions["catalog"]


def sync_exercises(catalog: Catalog) -> tuple[int, int]:
    """Mirror the catalog into the exercise table and commit; return (added, updated).

    Other writers of the table may run at the same time: a learner's first attempt at an
    exercise not yet synced (`ensure_exercise_row`), another process's sync (replicas starting
    together each run it) or a publish. So each row is written with INSERT ... ON CONFLICT DO
    UPDATE: a row another transaction stored after this one looked, or has not committed yet
    (this one waits for it), is brought up to the catalog's metadata instead of failing on the
    duplicate key."""
    table = ExerciseRow.__table__
    stored = set(db.session.scalars(sa.select(table.c.id)))
    now = utcnow()
    # In the order of the primary key, so two syncs at once lock rows in the same order (one
    # waits for the other; they never deadlock).
    rows = [
        {"id": e.id, "track": e.track, "title": e.title, "version": e.version, "synced_at": now}
        for e in sorted(catalog.exercises.values(), key=lambda e: e.id)
    ]
    written: set[str] = set()
    if rows:
        insert = MIRROR_INSERTS[db.session.get_bind().dialect.name](table).values(rows)
        new = insert.excluded
        upsert = insert.on_conflict_do_update(
            index_elements=[table.c.id],
            set_={"track": new.track, "title": new.title, "version": new.version,
                  "synced_at": new.synced_at},
            # A row already up to date is left alone (its synced_at says when it last changed)
            # and not returned, so it is counted neither as added nor as updated.
            where=sa.or_(
                table.c.track != new.track,
                table.c.title != new.title,
                table.c.version != new.version,
            ),
        ).returning(table.c.id)
        written = set(db.session.execute(upsert).scalars())
    db.session.commit()
    # A row another writer added after the read above counts as added here when this sync
    # changed it: the counts are for the admin's message, the rows are what matter.
    return len(written - stored), len(written & stored)


def ensure_exercise_row(exercise: Exercise) -> None:
    """Make sure the exercise has its mirror row (a fresh install may not have synced yet).

    Two requests may be the first to use an unsynced exercise at once: the row is inserted with
    ON CONFLICT DO NOTHING, so the second waits for the first's row instead of failing on the
    duplicate key. Mirror rows are never deleted, so a row seen once is remembered for the app's
    lifetime (one statement per exercise and process, not one per attempt)."""
    seen = current_app.extensions.setdefault("mirrored_exercises", set())
    if exercise.id in seen:
        return
    table = ExerciseRow.__table__
    # Read first: on SQLite even an insert that does nothing takes the write lock until the
    # request commits, and the row is there on every install that ran `flask exercises sync`.
    if db.session.execute(sa.select(table.c.id).where(table.c.id == exercise.id)).first():
        seen.add(exercise.id)
        return
    insert = MIRROR_INSERTS[db.session.get_bind().dialect.name](table)
    # RETURNING, not rowcount: psycopg reports no row count for an insert that did nothing.
    added = db.session.execute(
        insert.values(
            id=exercise.id, track=exercise.track, title=exercise.title, version=exercise.version
        ).on_conflict_do_nothing(index_elements=[table.c.id]).returning(table.c.id)
    ).first()
    if added is None:
        # Already stored (committed, or by a transaction that just committed). A row this
        # request inserted is not remembered: its transaction may still roll back.
        seen.add(exercise.id)
