"""Cancelling a resident or business permit, with the refund shown before the holder confirms.

    offer = cancellations.refund_offer(permit)       # RefundOffer: what they would get back, and why
    change = cancellations.cancel(permit, ...)        # the permit is cancelled and the refund made

The refund follows the `cancellation` rules in the parking settings: the price of each whole month
left (or each day left) less the admin fee; nothing below the minimum, nothing in the permit's last
months, and never more than is left to refund of what was paid. The day of cancelling counts as
used; a permit that has not started yet has all its months left. The permit's row is locked while it
is cancelled, so a double click or two tabs cancel it (and refund) once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _

from app.extensions import db
from app.models import Case, ParkingPermit, ParkingPermitChange, PermitStatus, User, utcnow
from app.models.parking import LIVE_STATUSES
from app.money import pounds
from app.services import case_work
from app.services.errors import ServiceError
from app.services.parking import permits, zones
from app.services.parking.permits import LONDON
from app.services.parking.settings import CancellationRules

KIND = "cancel"

# Why the refund is nothing (RefundOffer.no_refund_because).
LAST_MONTHS = "last-months"
BELOW_MINIMUM = "below-minimum"
NOTHING_PAID = "nothing-paid"


@dataclass(frozen=True)
class RefundOffer:
    months_left: int  # whole months from the day after cancelling (or the first day) to the end
    days_left: int
    unused_pence: int  # the price of the time left, before the admin fee
    admin_fee_pence: int  # the fee taken (never more than the unused part)
    refund_pence: int
    no_refund_because: str | None  # LAST_MONTHS, BELOW_MINIMUM, NOTHING_PAID or None


def can_cancel(permit: ParkingPermit, now: datetime | None = None) -> bool:
    return (
        permit.permit_type in permits.HELD_TYPES
        and permit.status in LIVE_STATUSES
        and (now or utcnow()) < permit.ends_at
    )


def _whole_months(start: date, end: date, most: int) -> int:
    """How many whole months fit from `start` up to `end` (exclusive)."""
    months = 0
    while months < most and permits.add_months(start, months + 1) <= end:
        months += 1
    return months


def _share(pence: int, part: int, whole: int) -> int:
    """pence × part / whole, to the nearest penny (halves up)."""
    return (pence * part * 2 + whole) // (whole * 2) if whole > 0 else 0


def refund_offer(
    permit: ParkingPermit, rules: CancellationRules, *, refundable_pence: int, today: date | None = None
) -> RefundOffer:
    """What cancelling today gives back. `refundable_pence` is what is left to refund of what was
    paid for the permit (the refund is never more)."""
    today = today or utcnow().astimezone(LONDON).date()
    first, end = permits.first_day(permit), permits.last_day(permit) + timedelta(days=1)
    started = today >= first
    from_day = today + timedelta(days=1) if started else first
    days_left = max(0, (end - from_day).days)
    months_left = _whole_months(from_day, end, permit.months) if days_left else 0
    if rules.whole_months_only:
        unused = _share(permit.price_pence, months_left, permit.months)
    else:
        unused = _share(permit.price_pence, days_left, (end - first).days)
    fee = min(rules.admin_fee_pence, unused)
    refund = min(unused - fee, refundable_pence)
    because = None
    if started and rules.no_refund_in_last_months and today >= permits.add_months(end, -rules.no_refund_in_last_months):
        because = LAST_MONTHS
    elif refundable_pence <= 0:
        because = NOTHING_PAID
    elif refund <= 0 or refund < rules.minimum_refund_pence:
        because = BELOW_MINIMUM
    if because is not None:
        refund = 0
    return RefundOffer(months_left, days_left, unused, fee, refund, because)


def offer_for(permit: ParkingPermit, today: date | None = None) -> RefundOffer:
    return refund_offer(
        permit, zones.settings().cancellation, refundable_pence=permits.refundable_pence(permit), today=today
    )


def cancel(permit: ParkingPermit, *, actor: User | None, staff: User | None, channel: str) -> ParkingPermitChange:
    """Cancel the permit now and refund what the rules give back to the card that paid. `staff` is
    the member of staff doing it for a caller (None when the holder does it). ServiceError
    "permit-not-cancellable" when it is already cancelled or has ended: nothing happens twice."""
    permit = permits.locked(permit.id)
    if permit is None or not can_cancel(permit):
        raise ServiceError("permit-not-cancellable")
    offer = offer_for(permit)
    refunded = 0
    if offer.refund_pence > 0:
        refunded = permits.refund_to_card(
            permit, offer.refund_pence, reason="parking permit cancelled", actor_id=actor.id if actor else None
        )
    now = utcnow()
    change = ParkingPermitChange(
        permit_id=permit.id,
        kind=KIND,
        old_vrm=permit.vrm,
        new_vrm=permit.vrm,
        old_price_pence=permit.price_pence,
        new_price_pence=permit.price_pence,
        difference_pence=-refunded,
        actor_id=actor.id if actor else None,
        channel=channel,
        created_at=now,
    )
    db.session.add(change)
    permit.status = PermitStatus.CANCELLED
    permit.updated_at = now  # the enforcement feed gives it again, as cancelled
    db.session.flush()
    _tell_the_holder(permit, refunded, staff)
    return change


def _tell_the_holder(permit: ParkingPermit, refunded: int, staff: User | None) -> None:
    case = db.session.get(Case, permit.case_id) if permit.case_id else None
    if case is None:
        return
    with force_locale(case.language):
        message = _(
            "Your parking permit for %(vrm)s is cancelled. It is no longer valid.",
            vrm=permit.vrm,
        )
        if refunded:
            message += " " + _("We have refunded %(amount)s to your card.", amount=pounds(refunded))
        else:
            message += " " + _("There is no refund for this permit.")
    case_work.change_status(case, staff, case.status, message)
