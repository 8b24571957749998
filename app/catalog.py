"""The loaded exercise catalog, attached to the app once at start-up, and its mirror rows in
the database (attempts, entries and events refer to an exercise row)."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Flask
from flask import current_app

from .exercises import Catalog
from .exercises import Exercise
from .exercises import load_catalog
from .extensions import db
from .models import Exercise as ExerciseRow
from .models import utcnow

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Load the catalog; broken folders are logged, and the rest of the app still starts."""
    catalog = load_catalog(app.config["EXERCISES_DIR"])
    for error in catalog.errors:
        log.error("exercise not loaded: %s", error)
    app.extensions["catalog"] = catalog


def get_catalog() -> Catalog:
    """Return the current app's catalog."""
    return current_app.extensions["catalog"]


def sync_exercises(catalog: Catalog) -> tuple[int, int]:
    """Mirror the catalog into the exercise table; return (added, updated)."""
    added = updated = 0
    existing = {row.id: row for row in db.session.scalars(sa.select(ExerciseRow))}
    for exercise in catalog.exercises.values():
        row = existing.get(exercise.id)
        if row is None:
            db.session.add(mirror_row(exercise))
            added += 1
        elif (row.version, row.title, row.track) != (
            exercise.version,
            exercise.title,
            exercise.track,
        ):
            row.version, row.title, row.track = exercise.version, exercise.title, exercise.track
            row.synced_at = utcnow()
            updated += 1
    db.session.commit()
    return added, updated


def mirror_row(exercise: Exercise) -> ExerciseRow:
    """Build the database row that mirrors a catalog exercise."""
    return ExerciseRow(
        id=exercise.id, track=exercise.track, title=exercise.title, version=exercise.version
    )


def ensure_exercise_row(exercise: Exercise) -> None:
    """Make sure the exercise has its mirror row (a fresh install may not have synced yet).

    Mirror rows are never deleted, so a row seen once is remembered for the app's lifetime
    (one query per exercise and process, not one per attempt)."""
    seen = current_app.extensions.setdefault("mirrored_exercises", set())
    if exercise.id in seen:
        return
    if db.session.get(ExerciseRow, exercise.id) is None:
        db.session.add(mirror_row(exercise))
        db.session.flush()
    else:
        seen.add(exercise.id)
