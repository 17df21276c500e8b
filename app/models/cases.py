"""Form journeys in progress, the cases they become, and what happens to a case afterwards."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, string_enum, utcnow


class Channel(enum.StrEnum):
    ONLINE = "online"
    ASSISTED = "assisted"  # a volunteer at a kiosk helped
    TELEPHONE = "telephone"
    FACE_TO_FACE = "face_to_face"
    COUNCILLOR = "councillor"  # a ward councillor reported it on a resident's behalf
    OPEN311 = "open311"  # another system (FixMyStreet, an app) sent it through the Open311 API


class CaseStatus(enum.StrEnum):
    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    WAITING = "waiting"  # waiting for the person
    CLOSED = "closed"


class FormDefinitionSnapshot(Base):
    """Each version of a definition as it was used, so old cases still display as they were asked."""

    __tablename__ = "form_definition_snapshots"

    form_id: Mapped[str] = mapped_column(sa.String(63), primary_key=True)
    version: Mapped[int] = mapped_column(primary_key=True)
    definition: Mapped[dict] = mapped_column(sa.JSON)
    first_used_at: Mapped[datetime] = mapped_column(default=utcnow)


class FormJourney(Base):
    """Answers given so far to one form by one person (or by staff for a caller): also the draft
    a signed-in person can come back to."""

    __tablename__ = "form_journeys"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    form_id: Mapped[str] = mapped_column(sa.String(63))
    form_version: Mapped[int]
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    acting_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # The organisation the person is acting for (a business account), if any.
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id", ondelete="SET NULL"))
    channel: Mapped[Channel] = mapped_column(string_enum(Channel))
    answers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    answered_pages: Mapped[list] = mapped_column(sa.JSON, default=list)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id", ondelete="SET NULL"), unique=True)
    # A volunteer filling this in for a person, under the consent that session records.
    assisted_session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("assisted_sessions.id", ondelete="SET NULL"), index=True
    )
    # Filled in on a kiosk (a shared device at a place): never kept as a draft, and the case records the place.
    kiosk_id: Mapped[int | None] = mapped_column(sa.ForeignKey("kiosks.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(12), unique=True)
    service_id: Mapped[str] = mapped_column(sa.String(63))
    definition_version: Mapped[int]
    team: Mapped[str] = mapped_column(sa.String(63))
    answers: Mapped[dict] = mapped_column(sa.JSON)
    channel: Mapped[Channel] = mapped_column(string_enum(Channel))
    language: Mapped[str] = mapped_column(sa.String(8))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # A business's request: every member of the organisation sees it beside their own.
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    assigned_to_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    contact_email: Mapped[str | None] = mapped_column(sa.String(320))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(32))
    # Confirmations by post: the postal address, one line a line, the postcode last (when chosen).
    contact_address: Mapped[str | None] = mapped_column(sa.String(320))
    status: Mapped[CaseStatus] = mapped_column(string_enum(CaseStatus), default=CaseStatus.RECEIVED)
    urgent: Mapped[bool] = mapped_column(default=False)
    ward: Mapped[str | None] = mapped_column(sa.String(100), index=True)
    due_date: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    # Where the person was helped (a volunteer's library, a kiosk), and the volunteer's session with
    # its consent, when the request was made with help.
    place_id: Mapped[int | None] = mapped_column(sa.ForeignKey("places.id", ondelete="SET NULL"), index=True)
    assisted_session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("assisted_sessions.id", ondelete="SET NULL"), index=True
    )

    events: Mapped[list["CaseEvent"]] = relationship(
        back_populates="case", order_by="CaseEvent.id", cascade="all, delete-orphan"
    )
    place: Mapped["Place | None"] = relationship()  # noqa: F821  (app.models.places, which imports accounts)


# The inbox lists cases most urgent first, then by due date: indexes in exactly that order let the
# database read the first page straight off the index instead of sorting every open case.
sa.Index("ix_cases_status_order", Case.status, Case.urgent.desc(), Case.due_date, Case.id)
sa.Index("ix_cases_queue_order", Case.service_id, Case.status, Case.urgent.desc(), Case.due_date, Case.id)
# The inbox shows open cases unless asked for a status: one partial index of open cases for each
# filter staff use, each in the inbox's order, so a filtered page (and, with keyset pagination, a
# deep one) is a short range of one index however many cases there are.
OPEN_CASES = sa.text("status <> 'closed'")
for _name, *_columns in (
    ("ix_cases_open_order",),
    ("ix_cases_open_service", Case.service_id),
    ("ix_cases_open_ward", Case.ward),
    ("ix_cases_open_assignee", Case.assigned_to_id),
    # A ward and "assigned to me" together: one range, not a walk of every open case assigned to
    # that person checking each one's ward.
    ("ix_cases_open_assignee_ward", Case.assigned_to_id, Case.ward),
):
    sa.Index(
        _name,
        *_columns,
        Case.urgent.desc(),
        Case.due_date,
        Case.id,
        postgresql_where=OPEN_CASES,
        sqlite_where=OPEN_CASES,
    )
# The council's figures count the open requests past their due date in one ward or at one place
# (app/services/channel_figures.py): open cases by ward or place, then due date, so the count is a
# range of one index; the state is in it too, so SQLite checks "open" without reading the table.
for _name, _column in (("ix_cases_open_ward_due", Case.ward), ("ix_cases_open_place_due", Case.place_id)):
    sa.Index(_name, _column, Case.due_date, Case.status, postgresql_where=OPEN_CASES, sqlite_where=OPEN_CASES)


class CaseEventKind(enum.StrEnum):
    SUBMITTED = "submitted"
    STATUS = "status"
    NOTE = "note"  # internal, never shown to the person
    ASSIGNED = "assigned"


class CaseEvent(Base):
    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[CaseEventKind] = mapped_column(string_enum(CaseEventKind))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[CaseStatus | None] = mapped_column(string_enum(CaseStatus))
    text: Mapped[str | None] = mapped_column(sa.Text)
    public_message: Mapped[str | None] = mapped_column(sa.Text)  # sent to the person and shown to them
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="events")


class AuditEvent(Base):
    """Who looked at or changed what, for the council's records. Never deleted by the app."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(sa.String(40))
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    # What was acted on, when it is not a case: one nullable column per kind of thing, so each is a
    # real foreign key.
    api_key_id: Mapped[int | None] = mapped_column(sa.ForeignKey("api_keys.id", ondelete="SET NULL"), index=True)
    place_id: Mapped[int | None] = mapped_column(sa.ForeignKey("places.id", ondelete="SET NULL"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    # The person acted on (a volunteer added to a place, say), when that is not the actor.
    subject_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # A volunteer's session helping someone: what they did and what they were refused.
    assisted_session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("assisted_sessions.id", ondelete="SET NULL"), index=True
    )
    detail: Mapped[str | None] = mapped_column(sa.String(200))  # what was refused, a case's reference
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SatisfactionRating(enum.StrEnum):
    VERY_SATISFIED = "very_satisfied"
    SATISFIED = "satisfied"
    NEITHER = "neither"
    DISSATISFIED = "dissatisfied"
    VERY_DISSATISFIED = "very_dissatisfied"


class SatisfactionResponse(Base):
    __tablename__ = "satisfaction_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[str] = mapped_column(sa.String(63), index=True)
    channel: Mapped[Channel] = mapped_column(string_enum(Channel))
    rating: Mapped[SatisfactionRating] = mapped_column(string_enum(SatisfactionRating))
    comment: Mapped[str | None] = mapped_column(sa.String(1200))
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id", ondelete="SET NULL"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
