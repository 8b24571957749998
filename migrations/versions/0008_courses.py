"""courses: members (with journal sharing), course exercises, dashboard totals and index

Revision ID: 0008_courses
Revises: 7c1e2a9d4b02
Create Date: 2026-11-29 19:35:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_courses'
down_revision = '7c1e2a9d4b02'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('course',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('join_code', sa.String(length=16), nullable=False),
    sa.Column('friction_overrides', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], name=op.f('fk_course_owner_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course')),
    sa.UniqueConstraint('join_code', name=op.f('uq_course_join_code'))
    )
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_owner_id'), ['owner_id'], unique=False)

    op.create_table('course_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('shares_journal', sa.Boolean(), nullable=False),
    sa.Column('shares_journal_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_course_member_course_id_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_course_member_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_member')),
    sa.UniqueConstraint('course_id', 'user_id', name='uq_course_member')
    )
    with op.batch_alter_table('course_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_member_user_id'), ['user_id'], unique=False)

    op.create_table('course_exercise',
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('exercise_id', sa.String(length=80), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_course_exercise_course_id_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['exercise_id'], ['exercise.id'], name=op.f('fk_course_exercise_exercise_id_exercise')),
    sa.PrimaryKeyConstraint('course_id', 'exercise_id', name=op.f('pk_course_exercise'))
    )
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.create_index('ix_attempt_exercise_user_created', ['exercise_id', 'user_id', 'created_at'], unique=False)

    op.create_table('learner_exercise_stat',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('exercise_id', sa.String(length=80), nullable=False),
    sa.Column('checks', sa.Integer(), nullable=False),
    sa.Column('failed', sa.Integer(), nullable=False),
    sa.Column('rapid', sa.Integer(), nullable=False),
    sa.Column('identical', sa.Integer(), nullable=False),
    sa.Column('first_ok', sa.Boolean(), nullable=False),
    sa.Column('first_pass_n', sa.Integer(), nullable=True),
    sa.Column('solved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_ok', sa.Boolean(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=True),
    sa.Column('best_tests', sa.Integer(), nullable=False),
    sa.Column('stretch_start_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('stretch_checks', sa.Integer(), nullable=False),
    sa.Column('stretch_start_ok', sa.Boolean(), nullable=False),
    sa.Column('stuck', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['exercise_id'], ['exercise.id'], name=op.f('fk_learner_exercise_stat_exercise_id_exercise')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_learner_exercise_stat_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'exercise_id', name=op.f('pk_learner_exercise_stat'))
    )
    op.create_table('session_struggle',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('exercise_id', sa.String(length=80), nullable=False),
    sa.Column('session_key', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('checks', sa.Integer(), nullable=False),
    sa.Column('pair_score_sum', sa.Float(), nullable=False),
    sa.Column('red_closed', sa.Float(), nullable=False),
    sa.Column('run', sa.Integer(), nullable=False),
    sa.Column('last_ok', sa.Boolean(), nullable=False),
    sa.Column('last_sig', sa.String(length=400), nullable=True),
    sa.ForeignKeyConstraint(['exercise_id'], ['exercise.id'], name=op.f('fk_session_struggle_exercise_id_exercise')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_session_struggle_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'exercise_id', 'session_key', name=op.f('pk_session_struggle'))
    )
    op.create_table('failure_tally',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('exercise_id', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('checks', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['exercise_id'], ['exercise.id'], name=op.f('fk_failure_tally_exercise_id_exercise')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_failure_tally_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'exercise_id', 'kind', 'name', name=op.f('pk_failure_tally'))
    )
    with op.batch_alter_table('failure_tally', schema=None) as batch_op:
        batch_op.create_index('ix_failure_tally_kind_name', ['kind', 'name', 'user_id', 'exercise_id', 'checks'], unique=False)


def downgrade():
    op.drop_table('failure_tally')
    op.drop_table('session_struggle')
    op.drop_table('learner_exercise_stat')
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_attempt_exercise_user_created')
    op.drop_table('course_exercise')
    with op.batch_alter_table('course_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_member_user_id'))
    op.drop_table('course_member')
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_owner_id'))
    op.drop_table('course')
