"""Street reports near a point: the grid square of each report, indexed for "Already reported?" and
the public list near a postcode; photos sent before they could be public are hidden

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-24 02:45:00

"""
import math

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

OPEN_REPORT = sa.text("state NOT IN ('fixed', 'closed_not_fixed')")


def _cell(latitude, longitude):
    # As app/services/street_grid.py.cell_of, copied so this migration never changes.
    if latitude is None or longitude is None:
        return None
    return math.floor(latitude / 0.0025) * 1_000_000 + math.floor(longitude / 0.004) + 500_000


def upgrade():
    with op.batch_alter_table('street_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grid_cell', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('has_photo', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('street_reports', schema=None) as batch_op:
        batch_op.alter_column('has_photo', server_default=None)
    reports = sa.table(
        'street_reports',
        sa.column('id', sa.Integer),
        sa.column('latitude', sa.Float),
        sa.column('longitude', sa.Float),
        sa.column('grid_cell', sa.BigInteger),
        sa.column('photo_hidden', sa.Boolean),
        sa.column('has_photo', sa.Boolean),
        sa.column('case_id', sa.Integer),
    )
    cases = sa.table('cases', sa.column('id', sa.Integer), sa.column('answers', sa.JSON))
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(reports.c.id, reports.c.latitude, reports.c.longitude).where(reports.c.latitude.is_not(None))
    ).all()
    for report_id, latitude, longitude in rows:
        connection.execute(
            reports.update().where(reports.c.id == report_id).values(grid_cell=_cell(latitude, longitude))
        )
    with_photo = [
        case_id
        for case_id, answers in connection.execute(
            sa.select(cases.c.id, cases.c.answers).where(cases.c.id.in_(sa.select(reports.c.case_id)))
        )
        if any(isinstance(value, dict) and 'file' in value for value in (answers or {}).values())
    ]
    if with_photo:
        connection.execute(reports.update().where(reports.c.case_id.in_(with_photo)).values(has_photo=True))
    # People who sent a photo before now were told only staff would see it.
    connection.execute(reports.update().values(photo_hidden=True))
    with op.batch_alter_table('street_reports', schema=None) as batch_op:
        batch_op.create_index('ix_street_reports_cell_recent', ['grid_cell', 'created_at'], unique=False)
        batch_op.create_index(
            'ix_street_reports_open_cell',
            ['category', 'grid_cell', 'latitude', 'longitude', 'state'],
            unique=False,
            postgresql_where=OPEN_REPORT,
            sqlite_where=OPEN_REPORT,
        )


def downgrade():
    with op.batch_alter_table('street_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_street_reports_open_cell', postgresql_where=OPEN_REPORT, sqlite_where=OPEN_REPORT)
        batch_op.drop_index('ix_street_reports_cell_recent')
        batch_op.drop_column('has_photo')
        batch_op.drop_column('grid_cell')
