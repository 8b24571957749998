"""trust: claimed passes are provisional until the server re-checks them (the recheck queue)

Revision ID: 7c1e2a9d4b02
Revises: 7c1e2a9d4b01
Create Date: 2026-11-29 19:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7c1e2a9d4b02"
down_revision = "7c1e2a9d4b01"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("attempt", schema=None) as batch_op:
        batch_op.add_column(sa.Column("verification", sa.String(length=10), nullable=True))
    op.create_table(
        "recheck_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.String(length=80), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("server_status", sa.String(length=20), nullable=True),
        sa.Column("server_tests_passed", sa.Integer(), nullable=True),
        sa.Column("server_tests_total", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"], ["attempt.id"],
            name=op.f("fk_recheck_job_attempt_id_attempt"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_recheck_job_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recheck_job")),
        sa.UniqueConstraint("attempt_id", name=op.f("uq_recheck_job_attempt_id")),
    )
    with op.batch_alter_table("recheck_job", schema=None) as batch_op:
        batch_op.create_index("ix_recheck_job_state_id", ["state", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_recheck_job_user_id"), ["user_id"], unique=False)
    # Passes claimed before this revision were never re-checked: queue them, so "solved", the
    # reference and the hints follow what the server confirms from now on.
    connection = op.get_bind()
    connection.execute(
        sa.text(
            "UPDATE attempt SET verification = 'pending' "
            "WHERE kind = 'check' AND passed AND NOT verified"
        )
    )
    connection.execute(
        sa.text(
            "INSERT INTO recheck_job (attempt_id, user_id, state, tries, created_at) "
            "SELECT id, user_id, 'queued', 0, created_at FROM attempt "
            "WHERE verification = 'pending'"
        )
    )


def downgrade():
    with op.batch_alter_table("recheck_job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recheck_job_user_id"))
        batch_op.drop_index("ix_recheck_job_state_id")
    op.drop_table("recheck_job")
    with op.batch_alter_table("attempt", schema=None) as batch_op:
        batch_op.drop_column("verification")
