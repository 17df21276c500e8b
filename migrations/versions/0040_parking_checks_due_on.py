"""Parking permits waiting for checks get the day staff are due to decide by, and the queue an
index on status and that day. Permits already waiting are due 7 days (5 working days in an ordinary
week) after they were made.

Revision ID: 0040
Revises: 0038
Create Date: 2026-11-24 14:15:00

"""

from datetime import datetime, timedelta

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0040"
down_revision = "0038"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("parking_permits") as batch:
        batch.add_column(sa.Column("checks_due_on", sa.Date(), nullable=True))
    op.create_index("ix_parking_permits_status_checks_due_on", "parking_permits", ["status", "checks_due_on", "id"])
    permits = sa.table(
        "parking_permits",
        sa.column("id", sa.Integer),
        sa.column("status", sa.String),
        sa.column("created_at", sa.DateTime),
        sa.column("checks_due_on", sa.Date),
    )
    connection = op.get_bind()
    waiting = connection.execute(
        sa.select(permits.c.id, permits.c.created_at).where(permits.c.status == "awaiting-checks")
    ).all()
    for permit_id, created_at in waiting:
        made = created_at if isinstance(created_at, datetime) else datetime.fromisoformat(str(created_at))
        connection.execute(
            sa.update(permits)
            .where(permits.c.id == permit_id)
            .values(checks_due_on=made.date() + timedelta(days=7))
        )


def downgrade():
    op.drop_index("ix_parking_permits_status_checks_due_on", table_name="parking_permits")
    with op.batch_alter_table("parking_permits") as batch:
        batch.drop_column("checks_due_on")
