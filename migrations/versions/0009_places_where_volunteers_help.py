"""Places where volunteers help (libraries, community centres), their volunteers, and audit events about them

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 22:58:52.976095

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('places',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('name_cy', sa.String(length=100), nullable=True),
    sa.Column('kind', sa.Enum('library', 'community_centre', 'council_office', 'other', name='placekind', native_enum=False, length=20), nullable=False),
    sa.Column('ward', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_places'))
    )
    op.create_table('place_volunteers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_place_volunteers_added_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['place_id'], ['places.id'], name=op.f('fk_place_volunteers_place_id_places'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_place_volunteers_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_place_volunteers')),
    sa.UniqueConstraint('place_id', 'user_id', name='uq_place_volunteer')
    )
    with op.batch_alter_table('place_volunteers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_place_volunteers_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('place_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('subject_user_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_events_place_id'), ['place_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_subject_user_id'), ['subject_user_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_audit_events_subject_user_id_users'), 'users', ['subject_user_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_audit_events_place_id_places'), 'places', ['place_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_audit_events_place_id_places'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_audit_events_subject_user_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_audit_events_subject_user_id'))
        batch_op.drop_index(batch_op.f('ix_audit_events_place_id'))
        batch_op.drop_column('subject_user_id')
        batch_op.drop_column('place_id')

    with op.batch_alter_table('place_volunteers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_place_volunteers_user_id'))

    op.drop_table('place_volunteers')
    op.drop_table('places')
