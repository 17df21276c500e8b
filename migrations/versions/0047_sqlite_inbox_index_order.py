"""The inbox's indexes on SQLite in the inbox's order again (most urgent first): copying the cases
table in later migrations (SQLite's way of altering a table) made them again without the DESC

Revision ID: 0047
Revises: 0046
Create Date: 2026-11-24 21:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0047"
down_revision = "0046"
branch_labels = None
depends_on = None

OPEN_CASES = "status <> 'closed'"
# name: (columns before the order, only open cases)
INDEXES = {
    "ix_cases_status_order": (["status"], False),
    "ix_cases_queue_order": (["service_id", "status"], False),
    "ix_cases_open_order": ([], True),
    "ix_cases_open_service": (["service_id"], True),
    "ix_cases_open_ward": (["ward"], True),
    "ix_cases_open_assignee": (["assigned_to_id"], True),
}


def _make(urgent: str) -> None:
    for name, (columns, open_only) in INDEXES.items():
        op.drop_index(name, table_name="cases")
        op.create_index(
            name,
            "cases",
            [*columns, sa.literal_column(urgent), "due_date", "id"],
            unique=False,
            sqlite_where=sa.text(OPEN_CASES) if open_only else None,
        )


def upgrade():
    # PostgreSQL alters tables in place and kept its indexes as they were made.
    if op.get_bind().dialect.name == "sqlite":
        _make("urgent DESC")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        _make("urgent")
