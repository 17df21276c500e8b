"""Street reports: where each reported street problem is, and its public state

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-23 23:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('street_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=63), nullable=False),
    sa.Column('state', sa.Enum('open', 'investigating', 'action_scheduled', 'fixed', 'closed_not_fixed', 'reopened', name='streetreportstate', native_enum=False, create_constraint=False, length=20), nullable=False),
    sa.Column('uprn', sa.BigInteger(), nullable=True),
    sa.Column('usrn', sa.BigInteger(), nullable=True),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('ward', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_street_reports_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_street_reports')),
    sa.UniqueConstraint('case_id', name=op.f('uq_street_reports_case_id'))
    )
    with op.batch_alter_table('street_reports', schema=None) as batch_op:
        batch_op.create_index('ix_street_reports_category_state', ['category', 'state', 'created_at'], unique=False)
        batch_op.create_index('ix_street_reports_position', ['latitude', 'longitude'], unique=False)


def downgrade():
    with op.batch_alter_table('street_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_street_reports_position')
        batch_op.drop_index('ix_street_reports_category_state')
    op.drop_table('street_reports')
