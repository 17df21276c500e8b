"""Business parking permits: a permit may belong to an organisation (its members see it)

Revision ID: 0035
Revises: 0034
Create Date: 2026-11-24 09:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("parking_permits") as batch:
        batch.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_parking_permits_organisation_id_organisations",
            "organisations",
            ["organisation_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index("ix_parking_permits_organisation_id", ["organisation_id"])


def downgrade():
    with op.batch_alter_table("parking_permits") as batch:
        batch.drop_index("ix_parking_permits_organisation_id")
        batch.drop_constraint("fk_parking_permits_organisation_id_organisations", type_="foreignkey")
        batch.drop_column("organisation_id")
