"""attempt: totals_pending, the checks the dashboard's running totals have not folded in yet

Revision ID: 0011_attempt_totals_pending
Revises: 0010_write_quota_usage
Create Date: 2026-11-30 07:00:00

Every check stored before this revision was folded into the totals in its own transaction, so
existing rows get False (the server default); only the attempts API sets True from now on.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_attempt_totals_pending'
down_revision = '0010_write_quota_usage'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totals_pending', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index('ix_attempt_totals_pending', ['user_id', 'exercise_id', 'created_at', 'id'], unique=False, postgresql_where=sa.text('totals_pending'), sqlite_where=sa.text('totals_pending = 1'))


def downgrade():
    # Fold what is still pending first (`flask teach fold`): the older code never would.
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_attempt_totals_pending', postgresql_where=sa.text('totals_pending'), sqlite_where=sa.text('totals_pending = 1'))
        batch_op.drop_column('totals_pending')
