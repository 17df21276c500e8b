"""Ward councillors: their wards and digest choices; street reports indexed by ward and date for
the councillor's list

Revision ID: 0030
Revises: 0029
Create Date: 2026-11-24 06:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "councillor_wards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("ward", sa.String(length=100), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_councillor_wards_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["added_by_id"], ["users.id"], name=op.f("fk_councillor_wards_added_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_councillor_wards")),
        sa.UniqueConstraint("user_id", "ward", name="uq_councillor_ward"),
    )
    op.create_index(op.f("ix_councillor_wards_user_id"), "councillor_wards", ["user_id"], unique=False)
    op.create_table(
        "councillor_digests",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "channel", sa.Enum("email", "sms", name="messagechannel", native_enum=False, length=20), nullable=False
        ),
        sa.Column("weekdays", sa.Integer(), nullable=False),
        sa.Column("last_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_councillor_digests_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_councillor_digests")),
    )
    op.create_index(
        "ix_street_reports_ward_recent", "street_reports", ["ward", "created_at", "id"], unique=False
    )


def downgrade():
    op.drop_index("ix_street_reports_ward_recent", table_name="street_reports")
    op.drop_table("councillor_digests")
    op.drop_index(op.f("ix_councillor_wards_user_id"), table_name="councillor_wards")
    op.drop_table("councillor_wards")
