"""County forwards: street reports that belong to the county council, sent on by email or Open311,
with how it went and the county's reference

Revision ID: 0036
Revises: 0035
Create Date: 2026-11-24 09:45:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "county_forwards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("street_report_id", sa.Integer(), nullable=False),
        sa.Column(
            "method", sa.Enum("email", "open311", name="forwardmethod", native_enum=False, length=20), nullable=False
        ),
        sa.Column(
            "state",
            sa.Enum("queued", "sending", "sent", "failed", name="forwardstate", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("service_code", sa.String(length=100), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("county_reference", sa.String(length=100), nullable=True),
        sa.Column("county_token", sa.String(length=100), nullable=True),
        sa.Column("county_status", sa.String(length=30), nullable=True),
        sa.Column("county_checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["street_report_id"],
            ["street_reports.id"],
            name=op.f("fk_county_forwards_street_report_id_street_reports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["outbound_messages.id"],
            name=op.f("fk_county_forwards_message_id_outbound_messages"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_county_forwards")),
        sa.UniqueConstraint("street_report_id", name=op.f("uq_county_forwards_street_report_id")),
    )
    op.create_index("ix_county_forwards_due", "county_forwards", ["state", "next_attempt_at"], unique=False)


def downgrade():
    op.drop_index("ix_county_forwards_due", table_name="county_forwards")
    op.drop_table("county_forwards")
