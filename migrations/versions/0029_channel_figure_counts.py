"""The channel-shift figures counted as things happen, by month, service, ward, place and measure

Revision ID: 0029
Revises: 0028
Create Date: 2026-11-24 06:35:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "channel_figure_counts",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("service_id", sa.String(length=63), nullable=False),
        sa.Column("ward", sa.String(length=100), nullable=False),
        sa.Column("place_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("measure", sa.String(length=40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "month", "service_id", "ward", "place_id", "measure", name=op.f("pk_channel_figure_counts")
        ),
    )


def downgrade():
    op.drop_table("channel_figure_counts")
