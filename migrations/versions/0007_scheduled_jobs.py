"""Scheduled jobs: each job's last run, and its lock on SQLite

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 19:46:52.270051

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('scheduled_jobs',
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('last_started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_outcome', sa.Enum('running', 'ok', 'failed', name='joboutcome', native_enum=False, length=20), nullable=True),
    sa.Column('last_counts', sa.JSON(), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('last_machine', sa.String(length=200), nullable=True),
    sa.Column('last_ok_started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('failures_in_a_row', sa.Integer(), nullable=False),
    sa.Column('locked_by', sa.String(length=200), nullable=True),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_scheduled_jobs'))
    )


def downgrade():
    op.drop_table('scheduled_jobs')
