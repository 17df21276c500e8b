"""Parking permit changes: each change of vehicle on a permit, with the price difference

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-24 03:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('parking_permit_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('permit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('old_vrm', sa.String(length=8), nullable=False),
    sa.Column('new_vrm', sa.String(length=8), nullable=False),
    sa.Column('old_price_pence', sa.Integer(), nullable=False),
    sa.Column('new_price_pence', sa.Integer(), nullable=False),
    sa.Column('difference_pence', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_parking_permit_changes_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_parking_permit_changes_payment_id_payments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['permit_id'], ['parking_permits.id'], name=op.f('fk_parking_permit_changes_permit_id_parking_permits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parking_permit_changes'))
    )
    with op.batch_alter_table('parking_permit_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parking_permit_changes_permit_id'), ['permit_id'], unique=False)


def downgrade():
    with op.batch_alter_table('parking_permit_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parking_permit_changes_permit_id'))

    op.drop_table('parking_permit_changes')
