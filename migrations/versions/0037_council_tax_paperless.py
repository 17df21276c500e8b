"""Council tax paperless bills: each account's choice of bills by email (e-billing) made in Doorstep

Revision ID: 0037
Revises: 0036
Create Date: 2026-11-24 09:55:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "council_tax_paperless",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_reference", sa.String(length=20), nullable=False),
        sa.Column("paperless", sa.Boolean(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["users.id"],
            name=op.f("fk_council_tax_paperless_changed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_tax_paperless")),
        sa.UniqueConstraint("account_reference", name=op.f("uq_council_tax_paperless_account_reference")),
    )
    op.create_index("ix_council_tax_paperless_paperless", "council_tax_paperless", ["paperless"])


def downgrade():
    op.drop_index("ix_council_tax_paperless_paperless", table_name="council_tax_paperless")
    op.drop_table("council_tax_paperless")
