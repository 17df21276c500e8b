"""Parking: which addresses are in a controlled parking zone, and whether they may have permits."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, string_enum, utcnow


class ParkingEligibility(enum.StrEnum):
    ELIGIBLE = "eligible"
    CAR_FREE = "car-free"  # a planning agreement: no resident permits (visitor permits by setting)
    EXCLUDED = "excluded"  # no permits, for a reason the council gives


class ParkingAddress(Base):
    """A gazetteer address that is in a zone, from the council's zones file. An address with no row
    is in no zone."""

    __tablename__ = "parking_addresses"

    uprn: Mapped[int] = mapped_column(
        sa.BigInteger,
        sa.ForeignKey("gazetteer_addresses.uprn", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    )
    zone: Mapped[str] = mapped_column(sa.String(6), index=True)  # a zone code in the parking settings
    eligibility: Mapped[ParkingEligibility] = mapped_column(string_enum(ParkingEligibility))
    reason: Mapped[str | None] = mapped_column(sa.String(63))  # a reason code in the parking settings
    source_reference: Mapped[str | None] = mapped_column(sa.String(100))  # planning agreement, order, ...
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
