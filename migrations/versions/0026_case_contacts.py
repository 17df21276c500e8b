"""Contacts about a case that did not start online (a call, a visit, a letter, an email), for the
council's avoidable contact figures

Revision ID: 0026
Revises: 0025
Create Date: 2026-11-24 06:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "case_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "telephone", "face_to_face", "letter", "email", name="contactchannel", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("contacted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("avoidable", sa.Boolean(), nullable=False),
        sa.Column("service_id", sa.String(length=63), nullable=False),
        sa.Column("ward", sa.String(length=100), nullable=True),
        sa.Column("place_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_contacts_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["place_id"], ["places.id"], name=op.f("fk_case_contacts_place_id_places"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_case_contacts_recorded_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_contacts")),
    )
    with op.batch_alter_table("case_contacts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_contacts_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_case_contacts_contacted_at", ["contacted_at"], unique=False)
        batch_op.create_index("ix_case_contacts_service_contacted_at", ["service_id", "contacted_at"], unique=False)


def downgrade():
    with op.batch_alter_table("case_contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_case_contacts_service_contacted_at")
        batch_op.drop_index("ix_case_contacts_contacted_at")
        batch_op.drop_index(batch_op.f("ix_case_contacts_case_id"))

    op.drop_table("case_contacts")
