"""Parking visitor permits: each household's credit, its ledger, and favourite visitor vehicles

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-24 02:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('parking_visitor_accounts',
    sa.Column('uprn', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('balance_units', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['uprn'], ['gazetteer_addresses.uprn'], name=op.f('fk_parking_visitor_accounts_uprn_gazetteer_addresses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('uprn', name=op.f('pk_parking_visitor_accounts'))
    )
    op.create_table('parking_visitor_favourites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('vrm', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_parking_visitor_favourites_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parking_visitor_favourites')),
    sa.UniqueConstraint('user_id', 'vrm', name=op.f('uq_parking_visitor_favourites_user_id'))
    )
    with op.batch_alter_table('parking_visitor_favourites', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parking_visitor_favourites_user_id'), ['user_id'], unique=False)

    op.create_table('parking_visitor_ledger',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uprn', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.Enum('bought', 'used', 'returned', name='visitorledgerkind', native_enum=False, create_constraint=False, length=20), nullable=False),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('permit_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_parking_visitor_ledger_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_parking_visitor_ledger_case_id_cases'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['permit_id'], ['parking_permits.id'], name=op.f('fk_parking_visitor_ledger_permit_id_parking_permits'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_parking_visitor_ledger_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parking_visitor_ledger'))
    )
    with op.batch_alter_table('parking_visitor_ledger', schema=None) as batch_op:
        batch_op.create_index('ix_parking_visitor_ledger_uprn_created_at', ['uprn', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('parking_visitor_ledger', schema=None) as batch_op:
        batch_op.drop_index('ix_parking_visitor_ledger_uprn_created_at')

    op.drop_table('parking_visitor_ledger')
    with op.batch_alter_table('parking_visitor_favourites', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parking_visitor_favourites_user_id'))

    op.drop_table('parking_visitor_favourites')
    op.drop_table('parking_visitor_accounts')
