"""attempt path: indexes for the friction gates' recent checks, the study session and reflections

Revision ID: 0009_attempt_path_indexes
Revises: 0008_courses
Create Date: 2026-11-29 22:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009_attempt_path_indexes'
down_revision = '0008_courses'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.create_index('ix_attempt_user_exercise_created_id', ['user_id', 'exercise_id', 'created_at', 'id'], unique=False)
        batch_op.drop_index('ix_attempt_user_exercise_created')

    with op.batch_alter_table('study_session', schema=None) as batch_op:
        batch_op.create_index('ix_study_session_user_last_seen', ['user_id', 'last_seen_at'], unique=False)

    with op.batch_alter_table('journal_entry', schema=None) as batch_op:
        batch_op.create_index('ix_journal_entry_user_exercise_kind_created', ['user_id', 'exercise_id', 'kind', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('journal_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_journal_entry_user_exercise_kind_created')

    with op.batch_alter_table('study_session', schema=None) as batch_op:
        batch_op.drop_index('ix_study_session_user_last_seen')

    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.create_index('ix_attempt_user_exercise_created', ['user_id', 'exercise_id', 'created_at'], unique=False)
        batch_op.drop_index('ix_attempt_user_exercise_created_id')
