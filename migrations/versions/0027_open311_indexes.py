"""Open311: indexes for the list of service requests (reports by the time they were made) and for
servicerequestupdates (public updates by the time they were made)

Revision ID: 0027
Revises: 0026
Create Date: 2026-11-24 06:10:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_street_reports_created_at", "street_reports", ["created_at"])
    op.create_index("ix_street_report_updates_created_at", "street_report_updates", ["created_at"])


def downgrade():
    op.drop_index("ix_street_report_updates_created_at", table_name="street_report_updates")
    op.drop_index("ix_street_reports_created_at", table_name="street_reports")
