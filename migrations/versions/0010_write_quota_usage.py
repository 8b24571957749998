"""write quotas: one usage row per account, counted in the write's own transaction

Revision ID: 0010_write_quota_usage
Revises: 0009_attempt_path_indexes
Create Date: 2026-11-30 07:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_write_quota_usage'
down_revision = '0009_attempt_path_indexes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('write_quota_usage',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('requests_since', sa.BigInteger(), nullable=False),
    sa.Column('requests', sa.Integer(), nullable=False),
    sa.Column('bytes_since', sa.BigInteger(), nullable=False),
    sa.Column('bytes', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_write_quota_usage_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_write_quota_usage'))
    )
    # The quotas' old Flask-Limiter counters (keyed by account id) are no longer read.
    op.execute(
        "DELETE FROM rate_limit_counter "
        "WHERE key LIKE '%account-writes%' OR key LIKE '%account-bytes%'"
    )


def downgrade():
    op.drop_table('write_quota_usage')
