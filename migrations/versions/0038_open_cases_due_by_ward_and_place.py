"""The channel figures' count of open requests past their due date in one ward or at one place:
partial indexes of open cases by ward or place, then due date (and state), so the count reads one
index range and nothing else

Revision ID: 0038
Revises: 0037
Create Date: 2026-11-24 10:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0038"
down_revision = "0037"
branch_labels = None
depends_on = None

OPEN_CASES = sa.text("status <> 'closed'")
INDEXES = {"ix_cases_open_ward_due": "ward", "ix_cases_open_place_due": "place_id"}


def upgrade():
    for name, column in INDEXES.items():
        op.create_index(
            name, "cases", [column, "due_date", "status"], postgresql_where=OPEN_CASES, sqlite_where=OPEN_CASES
        )


def downgrade():
    for name in INDEXES:
        op.drop_index(name, table_name="cases")
