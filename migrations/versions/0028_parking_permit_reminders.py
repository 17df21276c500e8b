"""Parking permit renewal reminders: one row per permit and number of days before its last day,
so each reminder is sent once

Revision ID: 0028
Revises: 0027
Create Date: 2026-11-24 06:15:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "parking_permit_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("permit_id", sa.Integer(), nullable=False),
        sa.Column("days_before", sa.SmallInteger(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["outbound_messages.id"],
            name=op.f("fk_parking_permit_reminders_message_id_outbound_messages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["permit_id"],
            ["parking_permits.id"],
            name=op.f("fk_parking_permit_reminders_permit_id_parking_permits"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parking_permit_reminders")),
        sa.UniqueConstraint("permit_id", "days_before", name=op.f("uq_parking_permit_reminders_permit_id")),
    )


def downgrade():
    op.drop_table("parking_permit_reminders")
