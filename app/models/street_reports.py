"""Street reports: the public side of a case about a problem in the street (fly-tipping, graffiti,
litter, dog fouling): its category, where it is, and the state the public sees."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, string_enum, utcnow
from app.models.cases import Case


class StreetReportState(enum.StrEnum):
    OPEN = "open"
    INVESTIGATING = "investigating"
    ACTION_SCHEDULED = "action_scheduled"
    FIXED = "fixed"
    CLOSED_NOT_FIXED = "closed_not_fixed"
    REOPENED = "reopened"


class StreetReport(Base):
    """One report of a street problem; the case (reference, answers, contact, urgency, due date) is
    the council's record of it, this is where it is and what the public may know about it."""

    __tablename__ = "street_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    category: Mapped[str] = mapped_column(sa.String(63))  # the category's form id
    state: Mapped[StreetReportState] = mapped_column(string_enum(StreetReportState), default=StreetReportState.OPEN)
    # Where it is: the address (UPRN) or street (USRN) chosen, as shown, and its point (WGS84).
    uprn: Mapped[int | None] = mapped_column(sa.BigInteger)
    usrn: Mapped[int | None] = mapped_column(sa.BigInteger)
    place: Mapped[str] = mapped_column(sa.String(300))
    latitude: Mapped[float | None] = mapped_column(sa.Float)
    longitude: Mapped[float | None] = mapped_column(sa.Float)
    ward: Mapped[str | None] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship()


# Reports near a point: the latitude band first, then longitude, category and state.
sa.Index("ix_street_reports_position", StreetReport.latitude, StreetReport.longitude)
sa.Index("ix_street_reports_category_state", StreetReport.category, StreetReport.state, StreetReport.created_at)
