"""rate limit counters in the database

Revision ID: 5c1e0f7a9d24
Revises: b2fc7cd3dacb
Create Date: 2026-11-29 18:58:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1e0f7a9d24'
down_revision = 'b2fc7cd3dacb'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rate_limit_counter',
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_rate_limit_counter'))
    )
    with op.batch_alter_table('rate_limit_counter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rate_limit_counter_expires_at'), ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('rate_limit_counter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rate_limit_counter_expires_at'))

    op.drop_table('rate_limit_counter')
