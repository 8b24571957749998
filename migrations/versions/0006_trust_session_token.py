"""trust: a per-user session secret, ids never reused, no rows left by deleted users

The user table gets `session_token` (what cookies hold instead of the id; replaced at logout)
and, on SQLite, AUTOINCREMENT (a deleted account's id is never given to the next sign-up).
Rows that deleted accounts left behind while SQLite's foreign keys were off are removed.

Revision ID: 7c1e2a9d4b01
Revises: 0005_tutor_turns
Create Date: 2026-11-29 18:50:00

"""
import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7c1e2a9d4b01"
down_revision = "0005_tutor_turns"
branch_labels = None
depends_on = None

USER_TABLES = ("hint_event", "friction_event", "journal_entry", "attempt", "study_session")


def upgrade():
    connection = op.get_bind()
    for table in USER_TABLES:
        # Left behind by deletions made while foreign keys were not enforced (a privacy leak:
        # the next account with the same id would have seen them).
        connection.execute(
            sa.text(f'DELETE FROM {table} WHERE user_id NOT IN (SELECT id FROM "user")')
        )
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_token", sa.String(length=64), nullable=True))
    user = sa.table("user", sa.column("id", sa.Integer), sa.column("session_token", sa.String))
    for (user_id,) in connection.execute(sa.select(user.c.id)).all():
        connection.execute(
            user.update()
            .where(user.c.id == user_id)
            .values(session_token=secrets.token_urlsafe(32))
        )
    with op.batch_alter_table(
        "user", schema=None, recreate="auto", table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.alter_column("session_token", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_user_session_token"), ["session_token"])


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_user_session_token"), type_="unique")
        batch_op.drop_column("session_token")
