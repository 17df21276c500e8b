"""Parking permits: an index for the enforcement feed (a zone's permits in the order they changed)

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-24 03:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('parking_permits', schema=None) as batch_op:
        batch_op.create_index('ix_parking_permits_zone_updated_at_id', ['zone', 'updated_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('parking_permits', schema=None) as batch_op:
        batch_op.drop_index('ix_parking_permits_zone_updated_at_id')
