"""The inbox filtered by a ward and "assigned to me" together: a partial index of open cases by the
person assigned and the ward, in the inbox's order, so that page is one range of one index

Revision ID: 0048
Revises: 0047
Create Date: 2026-11-24 22:05:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0048"
down_revision = "0047"
branch_labels = None
depends_on = None

OPEN_CASES = "status <> 'closed'"


def upgrade():
    # CONCURRENTLY on PostgreSQL: the council keeps taking cases while it is built.
    with op.get_context().autocommit_block():
        op.create_index(
            "ix_cases_open_assignee_ward",
            "cases",
            ["assigned_to_id", "ward", sa.literal_column("urgent DESC"), "due_date", "id"],
            unique=False,
            postgresql_where=sa.text(OPEN_CASES),
            sqlite_where=sa.text(OPEN_CASES),
            postgresql_concurrently=True,
        )


def downgrade():
    op.drop_index("ix_cases_open_assignee_ward", table_name="cases")
