"""Council tax requests handed back to the revenues system, and their export batches

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-24 03:13:35.166665

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('council_tax_export_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('writing', 'written', name='batchstatus', native_enum=False, length=20), nullable=False),
    sa.Column('file_name', sa.String(length=100), nullable=False),
    sa.Column('request_count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('written_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_tax_export_batches'))
    )
    op.create_table('council_tax_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('card_payment', name='requestkind', native_enum=False, length=30), nullable=False),
    sa.Column('account_reference', sa.String(length=20), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['council_tax_export_batches.id'], name=op.f('fk_council_tax_requests_batch_id_council_tax_export_batches'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_council_tax_requests_payment_id_payments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_council_tax_requests_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_tax_requests')),
    sa.UniqueConstraint('payment_id', name=op.f('uq_council_tax_requests_payment_id'))
    )
    with op.batch_alter_table('council_tax_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_tax_requests_account_reference'), ['account_reference'], unique=False)
        batch_op.create_index(batch_op.f('ix_council_tax_requests_user_id'), ['user_id'], unique=False)
        batch_op.create_index('ix_council_tax_requests_waiting', ['batch_id', 'id'], unique=False)



def downgrade():
    with op.batch_alter_table('council_tax_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_council_tax_requests_waiting')
        batch_op.drop_index(batch_op.f('ix_council_tax_requests_user_id'))
        batch_op.drop_index(batch_op.f('ix_council_tax_requests_account_reference'))

    op.drop_table('council_tax_requests')
    op.drop_table('council_tax_export_batches')
