"""Confirmations by post: letters in the outbox (with the request they are about), the postal
address a request's confirmations go to, and the choice of post made at the start of assisted help

Revision ID: 0034
Revises: 0031
Create Date: 2026-11-24 09:45:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0034"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbound_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("case_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_outbound_messages_case_id_cases"), "cases", ["case_id"], ["id"], ondelete="SET NULL"
        )
    op.add_column("cases", sa.Column("contact_address", sa.String(length=320), nullable=True))
    op.add_column(
        "assisted_sessions", sa.Column("confirm_by_post", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.add_column("assisted_sessions", sa.Column("postal_address", sa.String(length=320), nullable=True))


def downgrade():
    with op.batch_alter_table("assisted_sessions", schema=None) as batch_op:
        batch_op.drop_column("postal_address")
        batch_op.drop_column("confirm_by_post")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("contact_address")
    with op.batch_alter_table("outbound_messages", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_outbound_messages_case_id_cases"), type_="foreignkey")
        batch_op.drop_column("case_id")
