"""Resident parking permits get a temporary courtesy vehicle (its registration number, details and
the moments it is covered) and a move to another address from a later day.

Revision ID: 0045
Revises: 0040
Create Date: 2026-11-24 18:45:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0045"
down_revision = "0040"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("parking_permits") as batch:
        batch.add_column(sa.Column("courtesy_vrm", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("courtesy_vehicle", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("courtesy_starts_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("courtesy_ends_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("move_uprn", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("move_zone", sa.String(length=6), nullable=True))
        batch.add_column(sa.Column("moves_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_parking_permits_courtesy_vrm_ends_at", "parking_permits", ["courtesy_vrm", "courtesy_ends_at"]
    )


def downgrade():
    op.drop_index("ix_parking_permits_courtesy_vrm_ends_at", table_name="parking_permits")
    with op.batch_alter_table("parking_permits") as batch:
        for column in (
            "moves_at",
            "move_zone",
            "move_uprn",
            "courtesy_ends_at",
            "courtesy_starts_at",
            "courtesy_vehicle",
            "courtesy_vrm",
        ):
            batch.drop_column(column)
