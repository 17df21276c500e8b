"""Street reports: the public side of a case about a problem in the street (fly-tipping, graffiti,
litter, dog fouling): its category, where it is, the state the public sees, its public updates and
the people following it."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, string_enum, utcnow
from app.models.cases import Case
from app.models.messages import MessageChannel


class StreetReportState(enum.StrEnum):
    OPEN = "open"
    INVESTIGATING = "investigating"
    ACTION_SCHEDULED = "action_scheduled"
    FIXED = "fixed"
    CLOSED_NOT_FIXED = "closed_not_fixed"
    REOPENED = "reopened"


class ClosedReason(enum.StrEnum):
    """Why a report was closed without being fixed (shown to the public with the state)."""

    NOT_OUR_RESPONSIBILITY = "not_our_responsibility"
    NO_FURTHER_ACTION = "no_further_action"
    DUPLICATE = "duplicate"


class StreetReport(Base):
    """One report of a street problem; the case (reference, answers, contact, urgency, due date) is
    the council's record of it, this is where it is and what the public may know about it."""

    __tablename__ = "street_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    category: Mapped[str] = mapped_column(sa.String(63))  # the category's form id
    state: Mapped[StreetReportState] = mapped_column(string_enum(StreetReportState), default=StreetReportState.OPEN)
    closed_reason: Mapped[ClosedReason | None] = mapped_column(string_enum(ClosedReason, length=30))
    # The report this one repeats, when it was closed as a duplicate.
    duplicate_of_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("street_reports.id", ondelete="SET NULL"), index=True
    )
    # Where it is: the address (UPRN) or street (USRN) chosen, as shown, and its point (WGS84).
    uprn: Mapped[int | None] = mapped_column(sa.BigInteger)
    usrn: Mapped[int | None] = mapped_column(sa.BigInteger)
    place: Mapped[str] = mapped_column(sa.String(300))
    latitude: Mapped[float | None] = mapped_column(sa.Float)
    longitude: Mapped[float | None] = mapped_column(sa.Float)
    ward: Mapped[str | None] = mapped_column(sa.String(100))
    # The square of the grid its point is in (app/services/street_grid.py), for "near here".
    grid_cell: Mapped[int | None] = mapped_column(sa.BigInteger)
    # What the public reads about it: the person's own words, which staff may edit (to take out a
    # name or a car's number plate, say); the words first given are kept, for the audit.
    description: Mapped[str] = mapped_column(sa.String(2000), default="")
    original_description: Mapped[str | None] = mapped_column(sa.String(2000))
    has_photo: Mapped[bool] = mapped_column(default=False)  # a photo was sent with it (in the case's answers)
    photo_hidden: Mapped[bool] = mapped_column(default=False)
    fixed_at: Mapped[datetime | None]
    # When the reporter was asked "Is it fixed?" after it had been fixed for a while.
    fixed_check_sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship()
    duplicate_of: Mapped["StreetReport | None"] = relationship(remote_side=[id])
    updates: Mapped[list["StreetReportUpdate"]] = relationship(
        back_populates="report", order_by="StreetReportUpdate.id", cascade="all, delete-orphan"
    )


# Reports near a point: the latitude band first, then longitude, category and state.
sa.Index("ix_street_reports_position", StreetReport.latitude, StreetReport.longitude)
sa.Index("ix_street_reports_category_state", StreetReport.category, StreetReport.state, StreetReport.created_at)
# Open reports of a category in a square of the grid ("Already reported?"), and every report in a
# square, newest first (the public list near a postcode): a search reads one short range of an index
# per square, so it costs the same with a thousand reports or a million. Open is written as a literal
# so that SQLite uses the partial index (it matches a partial index only on the same term).
OPEN_REPORT = sa.text("state NOT IN ('fixed', 'closed_not_fixed')")
sa.Index(
    "ix_street_reports_open_cell",
    StreetReport.category,
    StreetReport.grid_cell,
    # The point and state too, so the search reads the index alone, never the table (SQLite does not
    # take the state from the index's WHERE).
    StreetReport.latitude,
    StreetReport.longitude,
    StreetReport.state,
    postgresql_where=OPEN_REPORT,
    sqlite_where=OPEN_REPORT,
)
sa.Index("ix_street_reports_cell_recent", StreetReport.grid_cell, StreetReport.created_at)
# A ward councillor's list (newest first, a page at a time by keyset) and digest.
sa.Index("ix_street_reports_ward_recent", StreetReport.ward, StreetReport.created_at, StreetReport.id)
# Open311's list of requests: the newest in a window of time, of every category and state.
sa.Index("ix_street_reports_created_at", StreetReport.created_at)
# The same list for one category (and its open or closed states): only that category's reports in
# the window are read, with their state from the index.
sa.Index(
    "ix_street_reports_category_recent",
    StreetReport.category,
    StreetReport.created_at,
    StreetReport.id,  # the list's order to the end, so nothing is sorted
    StreetReport.state,
)
# Reports fixed a while ago whose reporter has not yet been asked whether they are still fixed.
sa.Index("ix_street_reports_fixed_check", StreetReport.state, StreetReport.fixed_check_sent_at, StreetReport.fixed_at)


class StreetReportUpdate(Base):
    """A public update: the state it moved to (or stayed in) and the note everyone can read. Staff
    write them; a reporter saying "it is not fixed" writes one with no staff member."""

    __tablename__ = "street_report_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("street_reports.id", ondelete="CASCADE"), index=True)
    state: Mapped[StreetReportState] = mapped_column(string_enum(StreetReportState))
    closed_reason: Mapped[ClosedReason | None] = mapped_column(string_enum(ClosedReason, length=30))
    note: Mapped[str] = mapped_column(sa.String(2000))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    report: Mapped[StreetReport] = relationship(back_populates="updates")


# Open311's servicerequestupdates: the updates made in a window of time, oldest first.
sa.Index("ix_street_report_updates_created_at", StreetReportUpdate.created_at)


class StreetReportFollower(Base):
    """Someone who asked to hear about a report they did not send (by email or text message)."""

    __tablename__ = "street_report_followers"
    __table_args__ = (sa.UniqueConstraint("report_id", "channel", "recipient"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("street_reports.id", ondelete="CASCADE"), index=True)
    channel: Mapped[MessageChannel] = mapped_column(string_enum(MessageChannel))
    recipient: Mapped[str] = mapped_column(sa.String(320))
    language: Mapped[str] = mapped_column(sa.String(8))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
