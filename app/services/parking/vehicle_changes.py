"""Changing the vehicle on a resident or business permit, as often as the holder likes.

    change = vehicle_changes.price_change(permit, vehicle)        # VehicleChange: the new price, the difference
    payment = vehicle_changes.change_vehicle(permit, vehicle, ...)  # None: done; a Payment: pay first

The new vehicle is priced by the tariff the permit was sold under (its first day): a resident permit
at its place in the household; a business permit by the business tariff (the same price for any
vehicle, so the change costs nothing). The difference for the days left (from today, or from the first day if it
has not started) is charged through Stripe, or refunded to the card that paid, pro rata by days.
The change is made in one transaction with the permit's row locked: the next enforcement check sees
the new registration number and not the old one. Each change is kept in `parking_permit_changes`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from app import form_model
from app.extensions import db
from app.models import Case, ParkingPermit, ParkingPermitChange, Payment, PermitStatus, utcnow
from app.money import pounds
from app.services import case_work, payments
from app.services.errors import ServiceError
from app.services.parking import permits
from app.services.parking.issue import in_both_languages
from app.services.parking.permits import LONDON
from app.services.parking.settings import SETTINGS_FILE
from app.services.parking.tariff import NoTariff, quote
from app.services.vehicles import VehicleAnswer

PURPOSE = "parking-vehicle-change"


@dataclass(frozen=True)
class VehicleChange:
    vehicle: VehicleAnswer
    new_price_pence: int  # the whole permit's price for the new vehicle
    quote: dict  # its lines in English and Welsh, as kept with the permit
    days_left: int
    days_total: int
    difference_pence: int  # for the days left: to pay when above nought, to refund when below


def can_change(permit: ParkingPermit, now: datetime | None = None) -> bool:
    return permit.status == PermitStatus.ACTIVE and (now or utcnow()) < permit.ends_at


def _position(permit: ParkingPermit) -> int:
    """The permit's place among the household's live resident permits (first, second...), by when
    each started: a change of vehicle keeps it."""
    earlier = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ParkingPermit)
        .where(
            ParkingPermit.uprn == permit.uprn,
            ParkingPermit.permit_type == "resident",
            ParkingPermit.status.in_((PermitStatus.ACTIVE, PermitStatus.AWAITING_CHECKS)),
            ParkingPermit.ends_at > utcnow(),
            sa.or_(
                ParkingPermit.starts_at < permit.starts_at,
                sa.and_(ParkingPermit.starts_at == permit.starts_at, ParkingPermit.id < permit.id),
            ),
        )
    )
    return 1 + (earlier or 0)


def _resident_price(permit: ParkingPermit, vehicle: VehicleAnswer):
    prices = form_model.settings_for(SETTINGS_FILE).prices
    position = _position(permit)
    first = permits.first_day(permit)
    return lambda language: quote(
        prices,
        vehicle,
        permit.months,
        first,
        language,
        household_position=position,
        zone=permit.zone,
        concession=(permit.quote or {}).get("concession"),
    )


def _business_price(permit: ParkingPermit, vehicle: VehicleAnswer):
    from app.services.parking import business

    prices = business.prices()
    first = permits.first_day(permit)
    return lambda language: business.quote(prices, permit.months, first, language)


# How each kind of permit is priced for a vehicle: fn(permit, vehicle) -> fn(language) -> Quote.
PRICE_FOR = {"resident": _resident_price, "business": _business_price}


def price_change(permit: ParkingPermit, vehicle: VehicleAnswer, today: date | None = None) -> VehicleChange:
    first, last = permits.first_day(permit), permits.last_day(permit)
    try:
        sold, kept = in_both_languages(PRICE_FOR[permit.permit_type](permit, vehicle))
    except (NoTariff, ValueError, KeyError) as error:
        raise ServiceError("parking-quote") from error
    today = today or utcnow().astimezone(LONDON).date()
    days_total = (last - first).days + 1
    days_left = max(0, (last - max(today, first)).days + 1)
    difference = sold.total_pence - permit.price_pence
    # Pro rata by whole days, to the nearest penny (halves away from nought).
    share = (abs(difference) * days_left * 2 + days_total) // (days_total * 2)
    return VehicleChange(
        vehicle=vehicle,
        new_price_pence=sold.total_pence,
        quote=kept,
        days_left=days_left,
        days_total=days_total,
        difference_pence=share if difference >= 0 else -share,
    )


def check_vehicle(permit: ParkingPermit, vrm: str) -> None:
    """ServiceError("same-vehicle") for the permit's own vehicle, ("vehicle-has-permit") for one
    with another live permit of the same kind."""
    if vrm == permit.vrm:
        raise ServiceError("same-vehicle", field="vrm")
    other = permits.current_permit_for_vehicle(vrm, permit.permit_type)
    if other is not None and other.id != permit.id:
        raise ServiceError("vehicle-has-permit", field="vrm")


def change_vehicle(
    permit: ParkingPermit,
    vehicle: VehicleAnswer,
    *,
    actor_id: int | None,
    channel: str,
    language: str,
    return_url: str,
    cancel_url: str,
    minutes: int | None = None,
) -> Payment | None:
    """Change the vehicle now when it costs the same or less (refunding the difference), or start a
    payment for the difference and change it once paid (`minutes`: how long a payment link sent to a
    caller stays open). ServiceError: "permit-not-changeable",
    "same-vehicle", "vehicle-has-permit", "vehicle-not-confirmed", "parking-quote"."""
    permit = permits.locked(permit.id)
    if not can_change(permit):
        raise ServiceError("permit-not-changeable")
    if vehicle.source != "dvla":
        raise ServiceError("vehicle-not-confirmed", field="vrm")
    check_vehicle(permit, vehicle.vrm)
    change = price_change(permit, vehicle)
    if change.difference_pence > 0:
        with force_locale(language):
            label = _(
                "Change of vehicle to %(vrm)s on permit %(reference)s: %(days)s days left",
                vrm=vehicle.plate,
                reference=permit.reference,
                days=change.days_left,
            )
        return payments.start(
            purpose=PURPOSE,
            description=label,
            items=[payments.LineItem(label, change.difference_pence)],
            success_url=return_url,
            cancel_url=cancel_url,
            language=language,
            user_id=permit.user_id,
            case_id=permit.case_id,
            details={
                "permit_id": permit.id,
                "vehicle": vehicle.to_answer(),
                "price_pence": change.new_price_pence,
                "quote": change.quote,
                "actor_id": actor_id,
                "channel": channel,
            },
            minutes=minutes,
        )
    refunded = 0
    if change.difference_pence < 0:
        refunded = permits.refund_to_card(
            permit, -change.difference_pence, reason="cheaper vehicle on parking permit", actor_id=actor_id
        )
    _apply(permit, vehicle, change.new_price_pence, change.quote, -refunded, actor_id=actor_id, channel=channel)
    return None


def _apply(
    permit: ParkingPermit,
    vehicle: VehicleAnswer,
    price_pence: int,
    new_quote: dict,
    difference_pence: int,
    *,
    actor_id: int | None,
    channel: str,
    payment_id: int | None = None,
) -> ParkingPermitChange:
    now = utcnow()
    change = ParkingPermitChange(
        permit_id=permit.id,
        kind="vehicle",
        old_vrm=permit.vrm,
        new_vrm=vehicle.vrm,
        old_price_pence=permit.price_pence,
        new_price_pence=price_pence,
        difference_pence=difference_pence,
        payment_id=payment_id,
        actor_id=actor_id,
        channel=channel,
        created_at=now,
    )
    db.session.add(change)
    permit.vrm = vehicle.vrm
    permit.vehicle = vehicle.to_answer()
    permit.price_pence = price_pence
    permit.quote = new_quote
    permit.updated_at = now
    db.session.flush()
    case = db.session.get(Case, permit.case_id) if permit.case_id else None
    if case is not None:
        with force_locale(case.language):
            message = _(
                "The vehicle on your parking permit is now %(new)s (it was %(old)s).",
                new=vehicle.plate,
                old=change.old_vrm,
            )
            if difference_pence > 0:
                message += " " + _("You paid %(amount)s for the days left.", amount=pounds(difference_pence))
            elif difference_pence < 0:
                message += " " + _("We have refunded %(amount)s to your card.", amount=pounds(-difference_pence))
        case_work.change_status(case, None, case.status, message)
    return change


@payments.when_paid(PURPOSE)
def _difference_paid(payment: Payment) -> None:
    details = payment.details
    permit = permits.locked(details["permit_id"])
    vehicle = VehicleAnswer.from_answer(details["vehicle"])
    try:
        if permit is None or not can_change(permit):
            raise ServiceError("permit-not-changeable")
        check_vehicle(permit, vehicle.vrm)
    except ServiceError:
        payments.refund(payment, payment.amount_pence, reason="vehicle change no longer possible")
        return
    _apply(
        permit,
        vehicle,
        details["price_pence"],
        details["quote"],
        payment.amount_pence,
        actor_id=details.get("actor_id"),
        channel=details.get("channel", "online"),
        payment_id=payment.id,
    )


def history(permit: ParkingPermit) -> list[ParkingPermitChange]:
    return list(
        db.session.scalars(
            sa.select(ParkingPermitChange)
            .where(ParkingPermitChange.permit_id == permit.id)
            .order_by(ParkingPermitChange.created_at.desc(), ParkingPermitChange.id.desc())
        )
    )
