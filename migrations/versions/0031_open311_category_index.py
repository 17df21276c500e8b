"""Open311's list of requests for one category (and state): that category's reports in time order,
with their state, so the list reads only the category's reports in the window

Revision ID: 0031
Revises: 0030
Create Date: 2026-11-24 08:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_street_reports_category_recent", "street_reports", ["category", "created_at", "id", "state"])


def downgrade():
    op.drop_index("ix_street_reports_category_recent", table_name="street_reports")
