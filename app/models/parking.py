"""Parking: which addresses are in a controlled parking zone, and whether they may have permits."""

import enum
from datetime import date, datetime

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


class PermitStatus(enum.StrEnum):
    ACTIVE = "active"  # issued: valid from starts_at to ends_at
    AWAITING_CHECKS = "awaiting-checks"  # paid; staff check the vehicle or evidence before it is valid
    CANCELLED = "cancelled"


LIVE_STATUSES = (PermitStatus.ACTIVE, PermitStatus.AWAITING_CHECKS)


class ParkingPermit(Base):
    """A virtual permit: a vehicle (by its registration number) may park in a zone between two
    moments. Its price is kept as sold: a later tariff never changes it."""

    __tablename__ = "parking_permits"
    __table_args__ = (
        # The enforcement check: a registration number's permits, newest first.
        sa.Index("ix_parking_permits_vrm_ends_at", "vrm", "ends_at"),
        # The enforcement feed: a zone's permits in the order they changed, a page at a time.
        sa.Index("ix_parking_permits_zone_updated_at_id", "zone", "updated_at", "id"),
        # The staff queue of permits waiting for checks, the soonest due first.
        sa.Index("ix_parking_permits_status_checks_due_on", "status", "checks_due_on", "id"),
        # The enforcement check for a courtesy vehicle standing in for the permit's own.
        sa.Index("ix_parking_permits_courtesy_vrm_ends_at", "courtesy_vrm", "courtesy_ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(20), unique=True)  # the case's reference
    permit_type: Mapped[str] = mapped_column(sa.String(20), default="resident")  # resident, visitor, business
    status: Mapped[PermitStatus] = mapped_column(string_enum(PermitStatus), default=PermitStatus.ACTIVE)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # A business permit's organisation: every member sees it and may change its vehicle.
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    uprn: Mapped[int] = mapped_column(sa.BigInteger, index=True)
    zone: Mapped[str] = mapped_column(sa.String(6))
    vrm: Mapped[str] = mapped_column(sa.String(8))  # upper case, no spaces
    vehicle: Mapped[dict] = mapped_column(sa.JSON)  # the vehicle answer (see VehicleAnswer)
    starts_at: Mapped[datetime]  # UTC; midnight in London on the first day
    ends_at: Mapped[datetime]  # UTC, exclusive; midnight in London after the last day
    months: Mapped[int] = mapped_column(sa.SmallInteger)
    price_pence: Mapped[int]
    quote: Mapped[dict] = mapped_column(sa.JSON)  # the quote's lines as sold, and the tariff it used
    # For a permit that waited for checks: the London day staff are due to decide by, as the
    # applicant was told (it does not move if the settings change).
    checks_due_on: Mapped[date | None] = mapped_column(sa.Date)
    # A temporary courtesy vehicle (while the holder's own is repaired): between these moments the
    # permit covers it instead of `vrm`. One at a time; kept after it ends until the next.
    courtesy_vrm: Mapped[str | None] = mapped_column(sa.String(8))
    courtesy_vehicle: Mapped[dict | None] = mapped_column(sa.JSON)
    courtesy_starts_at: Mapped[datetime | None]
    courtesy_ends_at: Mapped[datetime | None]  # exclusive
    # A move to another address in the borough from a later day: from `moves_at` the permit is for
    # `move_uprn` in `move_zone` (enforcement reads these at once); a daily job then makes it the
    # permit's own address and zone.
    move_uprn: Mapped[int | None] = mapped_column(sa.BigInteger)
    move_zone: Mapped[str | None] = mapped_column(sa.String(6))
    moves_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)  # the enforcement feed's order


class EnforcementCheck(Base):
    """One question an enforcement handheld asked, and the answer: kept for the parking settings'
    enforcement_log_days, then deleted by the scheduled job purge-enforcement-checks."""

    __tablename__ = "parking_enforcement_checks"

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    checked_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    api_key_id: Mapped[int | None] = mapped_column(sa.ForeignKey("api_keys.id", ondelete="SET NULL"))
    vrm: Mapped[str] = mapped_column(sa.String(8))
    zone: Mapped[str] = mapped_column(sa.String(6))
    at: Mapped[datetime]  # the moment asked about
    valid: Mapped[bool]


class VisitorAccount(Base):
    """A household's visitor credit: one row per address, locked while credit is spent or given
    back, so no credit is ever spent twice. The balance is the sum of the household's ledger."""

    __tablename__ = "parking_visitor_accounts"

    uprn: Mapped[int] = mapped_column(
        sa.BigInteger,
        sa.ForeignKey("gazetteer_addresses.uprn", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    )
    balance_units: Mapped[int] = mapped_column(default=0)  # hours or days, as the settings count them
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class VisitorLedgerKind(enum.StrEnum):
    BOUGHT = "bought"  # a pack paid for (units > 0)
    USED = "used"  # a session started (units < 0)
    RETURNED = "returned"  # a session cancelled before it started (units > 0)


class VisitorLedgerEntry(Base):
    """One change to a household's visitor credit: what the person reads as bought, used and left."""

    __tablename__ = "parking_visitor_ledger"
    __table_args__ = (sa.Index("ix_parking_visitor_ledger_uprn_created_at", "uprn", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uprn: Mapped[int] = mapped_column(sa.BigInteger)
    kind: Mapped[VisitorLedgerKind] = mapped_column(string_enum(VisitorLedgerKind))
    units: Mapped[int]  # + bought or returned, - used
    permit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("parking_permits.id", ondelete="SET NULL"))
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))  # the household member
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))  # staff, on the phone
    channel: Mapped[str] = mapped_column(sa.String(20))  # a Channel value: online, telephone...
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class VisitorFavourite(Base):
    """A visitor's vehicle a person keeps for next time."""

    __tablename__ = "parking_visitor_favourites"
    __table_args__ = (sa.UniqueConstraint("user_id", "vrm"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    vrm: Mapped[str] = mapped_column(sa.String(8))
    name: Mapped[str] = mapped_column(sa.String(40))  # whose it is, as the person put it ("Mum")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ParkingPermitChange(Base):
    """A change made to an issued permit (a new vehicle), with the price difference paid or refunded:
    the permit's history, for its holder and for staff."""

    __tablename__ = "parking_permit_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    permit_id: Mapped[int] = mapped_column(sa.ForeignKey("parking_permits.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))  # "vehicle"
    old_vrm: Mapped[str] = mapped_column(sa.String(8))
    new_vrm: Mapped[str] = mapped_column(sa.String(8))
    old_price_pence: Mapped[int]
    new_price_pence: Mapped[int]
    difference_pence: Mapped[int]  # + paid by the holder, - refunded to them, for the days left
    payment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payments.id", ondelete="SET NULL"))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(sa.String(20))  # a Channel value
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ParkingPermitReminder(Base):
    """A renewal reminder sent for a permit, N days before its last day: one row per permit and N,
    so a reminder is sent once however often (and on however many machines) the job runs."""

    __tablename__ = "parking_permit_reminders"
    __table_args__ = (sa.UniqueConstraint("permit_id", "days_before"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    permit_id: Mapped[int] = mapped_column(sa.ForeignKey("parking_permits.id", ondelete="CASCADE"))
    days_before: Mapped[int] = mapped_column(sa.SmallInteger)  # 30, 7, 1: as the settings give them
    message_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outbound_messages.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
