"""Volunteers helping a person: assisted sessions with the person's consent; requests and audit
events say which session and place they belong to

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-24 02:45:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "assisted_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("person_name", sa.String(length=200), nullable=True),
        sa.Column("place_id", sa.Integer(), nullable=True),
        sa.Column(
            "consent_given",
            sa.Enum("in_person", "telephone", name="consentgiven", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("consent_services", sa.JSON(), nullable=False),
        sa.Column(
            "consent_lasts",
            sa.Enum("visit", "today", name="consentlasts", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("consent_expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["users.id"], name=op.f("fk_assisted_sessions_person_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["place_id"], ["places.id"], name=op.f("fk_assisted_sessions_place_id_places"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["volunteer_id"], ["users.id"], name=op.f("fk_assisted_sessions_volunteer_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assisted_sessions")),
    )
    with op.batch_alter_table("assisted_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assisted_sessions_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assisted_sessions_place_id"), ["place_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assisted_sessions_started_at"), ["started_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_assisted_sessions_volunteer_id"), ["volunteer_id"], unique=False)

    with op.batch_alter_table("form_journeys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assisted_session_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_form_journeys_assisted_session_id"), ["assisted_session_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_form_journeys_assisted_session_id_assisted_sessions"),
            "assisted_sessions",
            ["assisted_session_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("place_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("assisted_session_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_cases_place_id"), ["place_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_assisted_session_id"), ["assisted_session_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_cases_place_id_places"), "places", ["place_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_cases_assisted_session_id_assisted_sessions"),
            "assisted_sessions",
            ["assisted_session_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assisted_session_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("detail", sa.String(length=200), nullable=True))
        batch_op.create_index(batch_op.f("ix_audit_events_assisted_session_id"), ["assisted_session_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_events_assisted_session_id_assisted_sessions"),
            "assisted_sessions",
            ["assisted_session_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_audit_events_assisted_session_id_assisted_sessions"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_audit_events_assisted_session_id"))
        batch_op.drop_column("detail")
        batch_op.drop_column("assisted_session_id")

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_cases_assisted_session_id_assisted_sessions"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_cases_place_id_places"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_cases_assisted_session_id"))
        batch_op.drop_index(batch_op.f("ix_cases_place_id"))
        batch_op.drop_column("assisted_session_id")
        batch_op.drop_column("place_id")

    with op.batch_alter_table("form_journeys", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_form_journeys_assisted_session_id_assisted_sessions"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_form_journeys_assisted_session_id"))
        batch_op.drop_column("assisted_session_id")

    with op.batch_alter_table("assisted_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assisted_sessions_volunteer_id"))
        batch_op.drop_index(batch_op.f("ix_assisted_sessions_started_at"))
        batch_op.drop_index(batch_op.f("ix_assisted_sessions_place_id"))
        batch_op.drop_index(batch_op.f("ix_assisted_sessions_person_id"))

    op.drop_table("assisted_sessions")
