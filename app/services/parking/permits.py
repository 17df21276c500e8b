"""Parking permits: who holds which, from when to when, at which address.

Times are stored in UTC; a permit's days are London days, from midnight at the start of its first
day to midnight after its last (`ends_at` is exclusive).
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.extensions import db
from app.models import Case, ParkingPermit, PermitStatus, utcnow
from app.models.parking import LIVE_STATUSES
from app.services import organisations, paid_forms
from app.services.vehicles.registration import normalise

LONDON = ZoneInfo("Europe/London")


def london_today() -> date:
    return utcnow().astimezone(LONDON).date()


def london_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LONDON).astimezone(ZoneInfo("UTC"))


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later (the last day of a shorter month)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def household_position(uprn: int, starts: date) -> int:
    """1 + the live resident permits at the address on the day a new one would start: the new
    permit is the household's first, second, third..."""
    moment = london_midnight(starts)
    others = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ParkingPermit)
        .where(
            ParkingPermit.uprn == uprn,
            ParkingPermit.permit_type == "resident",
            ParkingPermit.status.in_(LIVE_STATUSES),
            ParkingPermit.ends_at > moment,
        )
    )
    return 1 + (others or 0)


VALID_NOW = "valid-now"
VALID_FROM = "valid-from"
ENDED = "ended"
AWAITING_CHECKS = "awaiting-checks"
CANCELLED = "cancelled"


def last_day(permit: ParkingPermit) -> date:
    """The last London day a permit is valid on (ends_at is midnight after it)."""
    return (permit.ends_at.astimezone(LONDON) - timedelta(days=1)).date()


def first_day(permit: ParkingPermit) -> date:
    return permit.starts_at.astimezone(LONDON).date()


def state(permit: ParkingPermit, now: datetime | None = None) -> str:
    """What the person is told about the permit now: valid now, valid from a day, ended, waiting
    for our checks, or cancelled."""
    now = now or utcnow()
    if permit.status == PermitStatus.CANCELLED:
        return CANCELLED
    if permit.status == PermitStatus.AWAITING_CHECKS:
        return AWAITING_CHECKS
    if now >= permit.ends_at:
        return ENDED
    return VALID_NOW if now >= permit.starts_at else VALID_FROM


def for_person(user) -> list[ParkingPermit]:
    return list(
        db.session.scalars(
            sa.select(ParkingPermit)
            .where(ParkingPermit.user_id == user.id, ParkingPermit.permit_type == "resident")
            .order_by(ParkingPermit.starts_at.desc())
        )
    )


def by_reference(reference: str) -> ParkingPermit | None:
    if not isinstance(reference, str) or len(reference) > 20:
        return None
    return db.session.scalar(
        sa.select(ParkingPermit).where(ParkingPermit.reference == reference, ParkingPermit.permit_type == "resident")
    )


HELD_TYPES = ("resident", "business")  # permits a person or an organisation holds and manages


def find(reference: str) -> ParkingPermit | None:
    """A resident or business permit by its reference (not a visitor session)."""
    if not isinstance(reference, str) or len(reference) > 20:
        return None
    return db.session.scalar(
        sa.select(ParkingPermit).where(ParkingPermit.reference == reference, ParkingPermit.permit_type.in_(HELD_TYPES))
    )


def managed_by(reference: str, user) -> ParkingPermit | None:
    """The permit, if `user` may see and manage it: a resident permit's holder; any member of a
    business permit's organisation (while they are a member). None for anyone else, and for
    references that do not exist, so a page refuses both the same way."""
    permit = find(reference)
    if permit is None or not getattr(user, "is_authenticated", False):
        return None
    if permit.permit_type == "business":
        if permit.organisation_id is None or organisations.membership(user, permit.organisation_id) is None:
            return None
        return permit
    return permit if permit.user_id == user.id else None


def may_renew_or_cancel(permit: ParkingPermit | None, user) -> bool:
    """Who may renew or cancel a permit: a resident permit's holder; an admin of a business permit's
    organisation (its other members may only change the vehicle)."""
    if permit is None or not getattr(user, "is_authenticated", False):
        return False
    if permit.permit_type == "business":
        return (
            permit.organisation_id is not None and organisations.administered(user, permit.organisation_id) is not None
        )
    return permit.user_id == user.id


def live_permits_at(uprn: int) -> int:
    """The resident permits at an address that have not ended or been cancelled."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ParkingPermit)
        .where(
            ParkingPermit.uprn == uprn,
            ParkingPermit.permit_type == "resident",
            ParkingPermit.status.in_(LIVE_STATUSES),
            ParkingPermit.ends_at > utcnow(),
        )
    )


def current_permit_for_vehicle(vrm: str, permit_type: str = "resident") -> ParkingPermit | None:
    """A permit of this type (resident or business) for this vehicle that has not ended or been
    cancelled: a vehicle has one of each kind at a time."""
    return db.session.scalar(
        sa.select(ParkingPermit)
        .where(
            ParkingPermit.vrm == vrm,
            ParkingPermit.permit_type == permit_type,
            ParkingPermit.status.in_(LIVE_STATUSES),
            ParkingPermit.ends_at > utcnow(),
        )
        .order_by(ParkingPermit.ends_at.desc())
        .limit(1)
    )


def locked(permit_id: int) -> ParkingPermit | None:
    """The permit, read again with its row locked until the transaction ends."""
    return db.session.scalar(
        sa.select(ParkingPermit)
        .where(ParkingPermit.id == permit_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def refundable_pence(permit: ParkingPermit) -> int:
    """What is left to refund of what was paid for the permit (its case's payments)."""
    case = db.session.get(Case, permit.case_id) if permit.case_id else None
    return paid_forms.refundable_pence(case) if case is not None else 0


def refund_to_card(permit: ParkingPermit, pence: int, *, reason: str, actor_id: int | None) -> int:
    """Refund up to `pence` of what was paid for the permit, through Stripe, to the card that paid;
    what was refunded (never more than is left to refund)."""
    case = db.session.get(Case, permit.case_id) if permit.case_id else None
    if case is None:
        return 0
    pence = min(pence, paid_forms.refundable_pence(case))
    if pence > 0:
        paid_forms.refund_case(case, pence, reason=reason, actor_id=actor_id)
    return max(pence, 0)


def search(text: str, limit: int = 50) -> list[ParkingPermit]:
    """Resident and business permits for staff, by registration number (any case, spaces or not)
    or by reference: the newest first."""
    text = (text or "").strip()[:40]
    if not text:
        return []
    return list(
        db.session.scalars(
            sa.select(ParkingPermit)
            .where(
                ParkingPermit.permit_type.in_(HELD_TYPES),
                sa.or_(ParkingPermit.vrm == normalise(text), ParkingPermit.reference == text.upper()),
            )
            .order_by(ParkingPermit.starts_at.desc(), ParkingPermit.id.desc())
            .limit(limit)
        )
    )
