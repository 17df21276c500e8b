"""Inbox indexes in the inbox's own order (most urgent, then earliest due), so its first page needs no sort

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 10:55:10.856627

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_queue'))
        batch_op.drop_index(batch_op.f('ix_cases_status_due'))
        batch_op.create_index('ix_cases_queue_order', ['service_id', 'status', sa.literal_column('urgent DESC'), 'due_date', 'id'], unique=False)
        batch_op.create_index('ix_cases_status_order', ['status', sa.literal_column('urgent DESC'), 'due_date', 'id'], unique=False)



def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_status_order')
        batch_op.drop_index('ix_cases_queue_order')
        batch_op.create_index(batch_op.f('ix_cases_status_due'), ['status', 'due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_queue'), ['service_id', 'status', 'due_date'], unique=False)

