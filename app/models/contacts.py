"""Contacts about a request that did not start online: a phone call, a visit, a letter or an email
about a case, recorded by staff so the council's avoidable contact is measured, not guessed."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, string_enum, utcnow


class ContactChannel(enum.StrEnum):
    TELEPHONE = "telephone"
    FACE_TO_FACE = "face_to_face"
    LETTER = "letter"
    EMAIL = "email"


class CaseContact(Base):
    __tablename__ = "case_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    channel: Mapped[ContactChannel] = mapped_column(string_enum(ContactChannel))
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    contacted_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A contact chasing a request still within its service standard (not closed, on or before its
    # due date): worked out when it is recorded, never asked.
    avoidable: Mapped[bool]
    # Copied from the case (which never changes them), so the figures filter two million contacts
    # without joining them to the cases.
    service_id: Mapped[str] = mapped_column(sa.String(63))
    ward: Mapped[str | None] = mapped_column(sa.String(100))
    place_id: Mapped[int | None] = mapped_column(sa.ForeignKey("places.id", ondelete="SET NULL"))


# The figures read a period of contacts, all or one service's.
sa.Index("ix_case_contacts_contacted_at", CaseContact.contacted_at)
sa.Index("ix_case_contacts_service_contacted_at", CaseContact.service_id, CaseContact.contacted_at)


class ChannelFigureCount(Base):
    """The channel-shift figures, counted as things happen: how many of one measure (a request made
    in a channel, a request answered, answered by its due date, a contact, an avoidable contact, a
    satisfaction rating) in one London month, for one service, ward and place. Kept up to date by
    app/services/channel_figures_counts.py after every flush, and rebuilt from the cases by
    `flask figures rebuild` after bulk loads. No ward is '' and no place 0 (not NULL), so each key has
    exactly one row to add to."""

    __tablename__ = "channel_figure_counts"

    month: Mapped[date] = mapped_column(primary_key=True)
    service_id: Mapped[str] = mapped_column(sa.String(63), primary_key=True)
    ward: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    place_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    measure: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    count: Mapped[int]
