"""Council tax links: who has linked which account, and every link and attempt

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-24 02:27:07.166344

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('council_tax_link_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('linked', 'refused', 'limited', 'unlinked', 'removed', name='linkeventkind', native_enum=False, length=20), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('account_reference', sa.String(length=20), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('fact', sa.Enum('online_key', 'name', name='linkfact', native_enum=False, length=20), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['council_tax_accounts.id'], name=op.f('fk_council_tax_link_events_account_id_council_tax_accounts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_council_tax_link_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_council_tax_link_events_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_tax_link_events'))
    )
    with op.batch_alter_table('council_tax_link_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_tax_link_events_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_council_tax_link_events_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index('ix_council_tax_link_events_reference_created', ['account_reference', 'created_at'], unique=False)
        batch_op.create_index('ix_council_tax_link_events_user_created', ['user_id', 'created_at'], unique=False)

    op.create_table('council_tax_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('matched_on', sa.Enum('online_key', 'name', name='linkfact', native_enum=False, length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['council_tax_accounts.id'], name=op.f('fk_council_tax_links_account_id_council_tax_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_council_tax_links_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_tax_links')),
    sa.UniqueConstraint('user_id', 'account_id', name=op.f('uq_council_tax_links_user_id'))
    )
    with op.batch_alter_table('council_tax_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_tax_links_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_council_tax_links_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('council_tax_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_tax_links_user_id'))
        batch_op.drop_index(batch_op.f('ix_council_tax_links_account_id'))

    op.drop_table('council_tax_links')
    with op.batch_alter_table('council_tax_link_events', schema=None) as batch_op:
        batch_op.drop_index('ix_council_tax_link_events_user_created')
        batch_op.drop_index('ix_council_tax_link_events_reference_created')
        batch_op.drop_index(batch_op.f('ix_council_tax_link_events_actor_id'))
        batch_op.drop_index(batch_op.f('ix_council_tax_link_events_account_id'))

    op.drop_table('council_tax_link_events')
