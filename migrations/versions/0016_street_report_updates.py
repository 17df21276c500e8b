"""Street reports after sending: public updates, followers, closed reasons, duplicates, hidden
photos, edited descriptions and the "Is it fixed?" question

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-24 02:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

STATES = ('open', 'investigating', 'action_scheduled', 'fixed', 'closed_not_fixed', 'reopened')
REASONS = ('not_our_responsibility', 'no_further_action', 'duplicate')


def _state():
    return sa.Enum(*STATES, name='streetreportstate', native_enum=False, create_constraint=False, length=20)


def _reason():
    return sa.Enum(*REASONS, name='closedreason', native_enum=False, create_constraint=False, length=30)


def upgrade():
    with op.batch_alter_table('street_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_reason', _reason(), nullable=True))
        batch_op.add_column(sa.Column('duplicate_of_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('description', sa.String(length=2000), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('original_description', sa.String(length=2000), nullable=True))
        batch_op.add_column(sa.Column('photo_hidden', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('fixed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('fixed_check_sent_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_street_reports_duplicate_of_id_street_reports'),
            'street_reports', ['duplicate_of_id'], ['id'], ondelete='SET NULL',
        )
        batch_op.create_index(batch_op.f('ix_street_reports_duplicate_of_id'), ['duplicate_of_id'], unique=False)
        batch_op.create_index(
            'ix_street_reports_fixed_check', ['state', 'fixed_check_sent_at', 'fixed_at'], unique=False
        )
    with op.batch_alter_table('street_reports', schema=None) as batch_op:
        batch_op.alter_column('description', server_default=None)
        batch_op.alter_column('photo_hidden', server_default=None)
    # Reports made before: their public description is what the person wrote about where it is.
    reports = sa.table('street_reports', sa.column('case_id', sa.Integer), sa.column('description', sa.String))
    connection = op.get_bind()
    cases = sa.table('cases', sa.column('id', sa.Integer), sa.column('answers', sa.JSON))
    rows = connection.execute(
        sa.select(cases.c.id, cases.c.answers).where(cases.c.id.in_(sa.select(reports.c.case_id)))
    )
    for case_id, answers in rows:
        found = next(
            (value.get('description') for value in (answers or {}).values()
             if isinstance(value, dict) and 'place' in value and 'description' in value),
            None,
        )
        if found:
            connection.execute(
                reports.update().where(reports.c.case_id == case_id).values(description=str(found)[:2000])
            )

    op.create_table('street_report_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('state', _state(), nullable=False),
    sa.Column('closed_reason', _reason(), nullable=True),
    sa.Column('note', sa.String(length=2000), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_street_report_updates_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['report_id'], ['street_reports.id'], name=op.f('fk_street_report_updates_report_id_street_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_street_report_updates'))
    )
    with op.batch_alter_table('street_report_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_street_report_updates_report_id'), ['report_id'], unique=False)

    op.create_table('street_report_followers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.Enum('email', 'sms', name='messagechannel', native_enum=False, create_constraint=False, length=20), nullable=False),
    sa.Column('recipient', sa.String(length=320), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['street_reports.id'], name=op.f('fk_street_report_followers_report_id_street_reports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_street_report_followers_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_street_report_followers')),
    sa.UniqueConstraint('report_id', 'channel', 'recipient', name=op.f('uq_street_report_followers_report_id'))
    )
    with op.batch_alter_table('street_report_followers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_street_report_followers_report_id'), ['report_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_street_report_followers_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('street_report_followers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_street_report_followers_user_id'))
        batch_op.drop_index(batch_op.f('ix_street_report_followers_report_id'))
    op.drop_table('street_report_followers')
    with op.batch_alter_table('street_report_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_street_report_updates_report_id'))
    op.drop_table('street_report_updates')
    with op.batch_alter_table('street_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_street_reports_fixed_check')
        batch_op.drop_index(batch_op.f('ix_street_reports_duplicate_of_id'))
        batch_op.drop_constraint(batch_op.f('fk_street_reports_duplicate_of_id_street_reports'), type_='foreignkey')
        batch_op.drop_column('fixed_check_sent_at')
        batch_op.drop_column('fixed_at')
        batch_op.drop_column('photo_hidden')
        batch_op.drop_column('original_description')
        batch_op.drop_column('description')
        batch_op.drop_column('duplicate_of_id')
        batch_op.drop_column('closed_reason')
