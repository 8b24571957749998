"""The migrations create exactly what the models describe, and undo it, on every engine."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade
from flask_migrate import upgrade

from app.extensions import db


def drift(metadata: sa.MetaData) -> list:
    """What autogenerate would write to bring the database to these models."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, metadata)


def test_migrated_database_matches_the_models(app):
    with app.app_context():
        assert drift(db.metadata) == []


def test_a_model_change_without_a_migration_is_caught(app):
    changed = sa.MetaData()
    for table in db.metadata.tables.values():
        table.to_metadata(changed)
    changed.tables["user"].append_column(sa.Column("nickname", sa.String(40)))
    with app.app_context():
        differences = drift(changed)
    assert [(d[0], d[3].name) for d in differences] == [("add_column", "nickname")]


def test_migrations_downgrade_to_an_empty_database_and_upgrade_again(app):
    with app.app_context():
        downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert drift(db.metadata) == []
