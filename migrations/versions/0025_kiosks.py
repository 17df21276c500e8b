"""Kiosks: shared devices at a place, enrolled by admins; forms filled in on one say which

Revision ID: 0025
Revises: 0024
Create Date: 2026-11-24 03:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "kiosks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("enrolled_by_id", sa.Integer(), nullable=True),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["enrolled_by_id"], ["users.id"], name=op.f("fk_kiosks_enrolled_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["place_id"], ["places.id"], name=op.f("fk_kiosks_place_id_places")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kiosks")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_kiosks_token_hash")),
    )
    with op.batch_alter_table("kiosks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kiosks_place_id"), ["place_id"], unique=False)

    with op.batch_alter_table("form_journeys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kiosk_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_form_journeys_kiosk_id"), ["kiosk_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_form_journeys_kiosk_id_kiosks"), "kiosks", ["kiosk_id"], ["id"], ondelete="SET NULL"
        )


def downgrade():
    with op.batch_alter_table("form_journeys", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_form_journeys_kiosk_id_kiosks"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_form_journeys_kiosk_id"))
        batch_op.drop_column("kiosk_id")

    with op.batch_alter_table("kiosks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kiosks_place_id"))

    op.drop_table("kiosks")
