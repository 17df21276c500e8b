"""A street report that belongs to the county council in a two-tier area (roads, pavements, street
lights), sent on to the county by email or Open311: how it went, and the county's reference."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, string_enum, utcnow
from app.models.messages import OutboundMessage
from app.models.street_reports import StreetReport


class ForwardMethod(enum.StrEnum):
    EMAIL = "email"
    OPEN311 = "open311"


class ForwardState(enum.StrEnum):
    QUEUED = "queued"  # waiting to be sent (again, after a failed try, at next_attempt_at)
    SENDING = "sending"  # claimed by one run: never sent again by another, even if that run dies
    SENT = "sent"  # the county took it (Open311), or the email is in the outbox
    FAILED = "failed"  # given up: staff may try again


class CountyForward(Base):
    __tablename__ = "county_forwards"

    id: Mapped[int] = mapped_column(primary_key=True)
    # One forward per report, so a report is never queued twice.
    street_report_id: Mapped[int] = mapped_column(sa.ForeignKey("street_reports.id", ondelete="CASCADE"), unique=True)
    method: Mapped[ForwardMethod] = mapped_column(string_enum(ForwardMethod))
    state: Mapped[ForwardState] = mapped_column(string_enum(ForwardState), default=ForwardState.QUEUED)
    # Open311: the county's service code for the category.
    service_code: Mapped[str | None] = mapped_column(sa.String(100))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    # What the county answered: its service_request_id, or a token standing for one later.
    county_reference: Mapped[str | None] = mapped_column(sa.String(100))
    county_token: Mapped[str | None] = mapped_column(sa.String(100))
    # The county's own status, when we asked for it (Open311 GET requests/<id>.json).
    county_status: Mapped[str | None] = mapped_column(sa.String(30))
    county_checked_at: Mapped[datetime | None]
    # Email: the message in the outbox.
    message_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outbound_messages.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    report: Mapped[StreetReport] = relationship()
    message: Mapped[OutboundMessage | None] = relationship()


# The job's queue: forwards due to be sent, oldest first.
sa.Index("ix_county_forwards_due", CountyForward.state, CountyForward.next_attempt_at)
