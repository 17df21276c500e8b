"""Partial indexes of open cases for each inbox filter (service, ward, assigned to), in the inbox's order

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-23 23:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

OPEN_CASES = "status <> 'closed'"
INDEXES = {
    'ix_cases_open_order': [],
    'ix_cases_open_service': ['service_id'],
    'ix_cases_open_ward': ['ward'],
    'ix_cases_open_assignee': ['assigned_to_id'],
}


def upgrade():
    # CONCURRENTLY on PostgreSQL: a council with a million cases keeps taking new ones while the
    # indexes are built. It cannot run inside a transaction, hence the autocommit block.
    with op.get_context().autocommit_block():
        for name, columns in INDEXES.items():
            op.create_index(
                name,
                'cases',
                [*columns, sa.literal_column('urgent DESC'), 'due_date', 'id'],
                unique=False,
                postgresql_where=sa.text(OPEN_CASES),
                sqlite_where=sa.text(OPEN_CASES),
                postgresql_concurrently=True,
            )


def downgrade():
    for name in INDEXES:
        op.drop_index(name, table_name='cases')
