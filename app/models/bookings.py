"""Collection rounds' days and the bookings that take their places (bulky waste collections)."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, string_enum, utcnow


class CollectionSlot(Base):
    """One round on one day. Taking a place locks this row first, so people booking the last place
    at the same moment queue behind each other and the day's capacity is never exceeded."""

    __tablename__ = "collection_slots"
    __table_args__ = (sa.UniqueConstraint("service_id", "round_id", "collection_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[str] = mapped_column(sa.String(63))
    round_id: Mapped[str] = mapped_column(sa.String(63))
    collection_date: Mapped[date]


class BookingStatus(enum.StrEnum):
    HELD = "held"  # the person is paying; the place is theirs until hold_expires_at
    RELEASED = "released"  # the hold ended without payment
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    COLLECTED = "collected"
    NOT_COLLECTED = "not_collected"


# A booking in one of these states takes a place on its day.
ACTIVE_STATUSES = (BookingStatus.CONFIRMED, BookingStatus.COLLECTED, BookingStatus.NOT_COLLECTED)


class Booking(Base):
    __tablename__ = "bookings"
    __table_args__ = (sa.Index("ix_bookings_slot_status", "slot_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(sa.ForeignKey("collection_slots.id"))
    status: Mapped[BookingStatus] = mapped_column(string_enum(BookingStatus), default=BookingStatus.HELD)
    hold_expires_at: Mapped[datetime | None]
    journey_id: Mapped[int | None] = mapped_column(sa.ForeignKey("form_journeys.id", ondelete="SET NULL"), index=True)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id", ondelete="SET NULL"), unique=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    items: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # item -> quantity
    price_pence: Mapped[int] = mapped_column(default=0)
    concession: Mapped[bool] = mapped_column(default=False)  # to be checked by staff
    outcome_reason: Mapped[str | None] = mapped_column(sa.String(500))
    reminder_sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    slot: Mapped[CollectionSlot] = relationship()
