"""Council tax payment arrangements: the person's income and expenditure and proposed payments, and
the revenues team's answer

Revision ID: 0046
Revises: 0045
Create Date: 2026-11-24 18:55:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0046"
down_revision = "0045"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "council_tax_arrangements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("account_reference", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("arrears_pence", sa.Integer(), nullable=False),
        sa.Column("statement", sa.JSON(), nullable=False),
        sa.Column("proposed_pence", sa.Integer(), nullable=False),
        sa.Column("proposed_frequency", sa.String(length=20), nullable=False),
        sa.Column("proposed_first_on", sa.Date(), nullable=False),
        sa.Column("offered_pence", sa.Integer(), nullable=True),
        sa.Column("offered_frequency", sa.String(length=20), nullable=True),
        sa.Column("offered_first_on", sa.Date(), nullable=True),
        sa.Column("offer_reason", sa.Text(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("agreed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_council_tax_arrangements_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_council_tax_arrangements_user_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_council_tax_arrangements_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_tax_arrangements")),
        sa.UniqueConstraint("case_id", name=op.f("uq_council_tax_arrangements_case_id")),
    )
    op.create_index(
        "ix_council_tax_arrangements_account_reference", "council_tax_arrangements", ["account_reference"]
    )
    op.create_index("ix_council_tax_arrangements_user_id", "council_tax_arrangements", ["user_id"])


def downgrade():
    op.drop_index("ix_council_tax_arrangements_user_id", table_name="council_tax_arrangements")
    op.drop_index("ix_council_tax_arrangements_account_reference", table_name="council_tax_arrangements")
    op.drop_table("council_tax_arrangements")
