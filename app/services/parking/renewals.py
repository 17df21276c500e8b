"""Renewing a resident permit: reminders before it ends, and a renewal that starts the day after it
ends, so there is never a gap.

    renewals.send_reminders(today)                  # the daily job: each reminder once per permit
    refusal = renewals.refusal(permit)              # None, or why it cannot be renewed now
    offer = renewals.offer(permit, months)          # RenewalOffer: first day, price and its lines
    payment = renewals.start_renewal(permit, ...)   # pay by card; the new permit is made once paid

A renewal keeps the vehicle and the address; the address is checked again (still in a zone where
it may have permits, the household not past its limit), and the price is the tariff in force on the
new permit's first day. A business permit renews the same way for its organisation: the premises
still the organisation's and able to have business permits, under the limit per premises, priced by
the business tariff; the renewal is valid from its first day (the evidence was checked for the
permit it renews).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app import form_model, scheduler
from app.extensions import db
from app.models import (
    Case,
    CaseEvent,
    CaseEventKind,
    Channel,
    ContactMethod,
    MessageChannel,
    OrganisationAddress,
    ParkingPermit,
    ParkingPermitReminder,
    Payment,
    PermitStatus,
    User,
    utcnow,
)
from app.models.parking import LIVE_STATUSES
from app.services import case_work, cases, links, messages, payments
from app.services.errors import ServiceError
from app.services.parking import business, permits, zones
from app.services.parking.issue import in_both_languages
from app.services.parking.permits import LONDON
from app.services.parking.settings import SETTINGS_FILE
from app.services.parking.tariff import NoTariff, quote
from app.services.vehicles import VehicleAnswer

log = logging.getLogger(__name__)

PURPOSE = "parking-renewal"

# Why a permit cannot be renewed now (refusal()).
NOT_RENEWABLE = "not-renewable"  # cancelled, waiting for checks, or ended
TOO_EARLY = "too-early"
ALREADY_RENEWED = "already-renewed"
VEHICLE_HAS_PERMIT = "vehicle-has-permit"
ADDRESS_NOT_ELIGIBLE = "address-not-eligible"
HOUSEHOLD_FULL = "household-full"
PREMISES_NOT_ELIGIBLE = "premises-not-eligible"  # a business permit's premises
PREMISES_FULL = "premises-full"


def london_today() -> date:
    return utcnow().astimezone(LONDON).date()


def renewed_by(permit: ParkingPermit) -> ParkingPermit | None:
    """The live permit for the same vehicle that starts when this one ends: its renewal."""
    return db.session.scalar(
        sa.select(ParkingPermit)
        .where(
            ParkingPermit.vrm == permit.vrm,
            ParkingPermit.permit_type == permit.permit_type,
            ParkingPermit.status.in_(LIVE_STATUSES),
            ParkingPermit.starts_at == permit.ends_at,
            ParkingPermit.id != permit.id,
        )
        .limit(1)
    )


def opens_on(permit: ParkingPermit) -> date:
    """The first day the permit can be renewed."""
    return permits.last_day(permit) - timedelta(days=zones.settings().renewals.opens_days_before)


def refusal(permit: ParkingPermit, today: date | None = None, *, check_opening: bool = True) -> str | None:
    """None when the permit can be renewed today; otherwise why not."""
    today = today or london_today()
    if (
        permit.permit_type not in permits.HELD_TYPES
        or permit.status != PermitStatus.ACTIVE
        or utcnow() >= permit.ends_at
    ):
        return NOT_RENEWABLE
    if check_opening and today < opens_on(permit):
        return TOO_EARLY
    other = db.session.scalar(
        sa.select(ParkingPermit)
        .where(
            ParkingPermit.vrm == permit.vrm,
            ParkingPermit.permit_type == permit.permit_type,
            ParkingPermit.status.in_(LIVE_STATUSES),
            ParkingPermit.ends_at > permit.ends_at,
            ParkingPermit.id != permit.id,
        )
        .limit(1)
    )
    if other is not None:
        return ALREADY_RENEWED if other.starts_at == permit.ends_at else VEHICLE_HAS_PERMIT
    if permit.permit_type == business.PERMIT_TYPE:
        return _premises_refusal(permit)
    standing = zones.standing_of(permit.uprn)
    if standing is None or not standing.resident_permits:
        return ADDRESS_NOT_ELIGIBLE
    if permits.household_position(permit.uprn, first_day(permit)) > zones.settings().max_permits_per_household:
        return HOUSEHOLD_FULL
    return None


def _premises_refusal(permit: ParkingPermit) -> str | None:
    """A business permit's premises: still the organisation's, able to have business permits, and
    under the limit per premises when the renewal starts (the permit it renews has ended by then)."""
    premises = db.session.scalar(
        sa.select(OrganisationAddress)
        .where(OrganisationAddress.organisation_id == permit.organisation_id, OrganisationAddress.uprn == permit.uprn)
        .limit(1)
    )
    standing = zones.standing_of(permit.uprn)
    if premises is None or standing is None or not standing.business_permits:
        return PREMISES_NOT_ELIGIBLE
    others = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ParkingPermit)
        .where(
            ParkingPermit.organisation_id == permit.organisation_id,
            ParkingPermit.uprn == permit.uprn,
            ParkingPermit.permit_type == business.PERMIT_TYPE,
            ParkingPermit.status.in_(LIVE_STATUSES),
            ParkingPermit.ends_at > permit.ends_at,
        )
    )
    if others >= zones.settings().business_permits_per_premises:
        return PREMISES_FULL
    return None


def first_day(permit: ParkingPermit) -> date:
    """The renewal's first day: the day after the permit's last."""
    return permits.last_day(permit) + timedelta(days=1)


def durations(permit: ParkingPermit) -> list[int]:
    """The lengths of permit (months) the tariff in force on the renewal's first day sells."""
    if permit.permit_type == business.PERMIT_TYPE:
        tariff = business.prices().in_force(first_day(permit))
    else:
        tariff = form_model.settings_for(SETTINGS_FILE).prices.in_force(first_day(permit))
    return sorted(tariff.duration_percent) if tariff is not None else []


@dataclass(frozen=True)
class RenewalOffer:
    starts: date
    last_day: date
    months: int
    zone: str
    price_pence: int
    quote: dict  # its lines in English and Welsh, as kept with the permit


def offer(permit: ParkingPermit, months: int) -> RenewalOffer:
    """The renewal's price: the same vehicle, the tariff in force on its first day, its place in
    the household then (a business permit: the business tariff). ServiceError("parking-quote")
    when it cannot be priced."""
    starts = first_day(permit)
    if permit.permit_type == business.PERMIT_TYPE:
        business_prices = business.prices()

        def price(language):
            return business.quote(business_prices, months, starts, language)
    else:
        prices = form_model.settings_for(SETTINGS_FILE).prices
        position = permits.household_position(permit.uprn, starts)
        vehicle = VehicleAnswer.from_answer(permit.vehicle)

        def price(language):
            return quote(prices, vehicle, months, starts, language, household_position=position, zone=permit.zone)

    try:
        sold, kept = in_both_languages(price)
    except (NoTariff, ValueError) as error:
        raise ServiceError("parking-quote") from error
    standing = zones.standing_of(permit.uprn)
    return RenewalOffer(
        starts=starts,
        last_day=permits.add_months(starts, months) - timedelta(days=1),
        months=months,
        zone=standing.zone.code if standing is not None and standing.zone is not None else permit.zone,
        price_pence=sold.total_pence,
        quote=kept,
    )


def start_renewal(
    permit: ParkingPermit,
    months: int,
    *,
    actor_id: int | None,
    language: str,
    return_url: str,
    cancel_url: str,
    channel: str = Channel.ONLINE.value,
    minutes: int | None = None,
) -> Payment:
    """The card payment for a renewal; the new permit is made once Stripe confirms it. ServiceError
    with a refusal code, or "parking-quote". Staff renewing for a caller give `channel` telephone
    and the payment link's lifetime in `minutes` (see `send_payment_link`)."""
    why = refusal(permit)
    if why is not None:
        raise ServiceError(why)
    renewal = offer(permit, months)
    with force_locale(language):
        label = _(
            "Renewal of parking permit %(reference)s for %(vrm)s: %(months)s months from %(day)s",
            reference=permit.reference,
            vrm=permit.vrm,
            months=months,
            day=format_date(renewal.starts, "d MMMM yyyy"),
        )
    return payments.start(
        purpose=PURPOSE,
        description=label,
        items=[payments.LineItem(label, renewal.price_pence)],
        success_url=return_url,
        cancel_url=cancel_url,
        language=language,
        user_id=permit.user_id,
        details={
            "permit_id": permit.id,
            "months": months,
            "starts": renewal.starts.isoformat(),
            "price_pence": renewal.price_pence,
            "quote": renewal.quote,
            "actor_id": actor_id,
            "channel": channel,
        },
        minutes=minutes,
    )


def send_payment_link(permit: ParkingPermit, payment: Payment, *, for_vehicle_change: bool = False) -> str | None:
    """Staff renewing, or changing the vehicle, for a caller: the holder pays through a link sent the
    way they chose to hear from us (as the reminders go). Where it went, or None when there is no way
    to reach them."""
    contact = contact_for(permit)
    if contact is None:
        return None
    channel, recipient, language = contact
    with force_locale(language):
        title = _("Parking permit: change of vehicle") if for_vehicle_change else _("Parking permit renewal")
    messages.queue(
        channel=channel,
        recipient=recipient,
        template="payment_link",
        language=language,
        context={
            "service_title": title,
            "amount_pence": payment.amount_pence,
            "link": payment.checkout_url,
            "expires_at": payment.expires_at,
        },
        user_id=permit.user_id,
    )
    return recipient


@payments.when_paid(PURPOSE)
def _renewal_paid(payment: Payment) -> None:
    details = payment.details
    old = permits.locked(details["permit_id"])
    if old is not None and old.permit_type == business.PERMIT_TYPE and old.organisation_id:
        business.lock_premises(old.organisation_id, old.uprn)  # the limit per premises, as at issue
    if old is None or refusal(old, check_opening=False) is not None or details["starts"] != first_day(old).isoformat():
        payments.refund(payment, payment.amount_pence, reason="parking permit renewal no longer possible")
        return
    renewal = _new_case(old, payment)
    starts = date.fromisoformat(details["starts"])
    standing = zones.standing_of(old.uprn)
    permit = ParkingPermit(
        reference=renewal.reference,
        permit_type=old.permit_type,
        status=PermitStatus.ACTIVE,
        case_id=renewal.id,
        user_id=old.user_id,
        organisation_id=old.organisation_id,
        uprn=old.uprn,
        zone=standing.zone.code,
        vrm=old.vrm,
        vehicle=old.vehicle,
        starts_at=old.ends_at,
        ends_at=permits.london_midnight(permits.add_months(starts, details["months"])),
        months=details["months"],
        price_pence=details["price_pence"],
        quote=details["quote"],
        updated_at=utcnow(),  # the enforcement feed gives the new permit at the next sync
    )
    db.session.add(permit)
    db.session.flush()
    with force_locale(renewal.language):
        message = _(
            "Your parking permit for %(vrm)s is renewed. The new permit is valid from %(first)s to %(last)s: "
            "its reference is %(reference)s.",
            vrm=permit.vrm,
            first=format_date(permits.first_day(permit), "d MMMM yyyy"),
            last=format_date(permits.last_day(permit), "d MMMM yyyy"),
            reference=permit.reference,
        )
    case_work.change_status(renewal, None, renewal.status, message)


def _new_case(old: ParkingPermit, payment: Payment) -> Case:
    """The renewal's own case (its reference is the new permit's), with the payment on it, so the
    new permit can be refunded on its own."""
    before = db.session.get(Case, old.case_id) if old.case_id else None
    user = db.session.get(User, old.user_id) if old.user_id else None
    case = Case(
        reference="",
        service_id=before.service_id if before else "parking-permits",
        definition_version=before.definition_version if before else 1,
        team=before.team if before else "parking",
        answers={"renewal_of": old.reference},
        channel=Channel((payment.details or {}).get("channel") or Channel.ONLINE.value),
        language=payment.language,
        user_id=old.user_id,
        organisation_id=old.organisation_id,
        submitted_by_id=(payment.details or {}).get("actor_id"),
        contact_email=(before.contact_email if before else None) or (user.email if user else None),
        contact_phone=before.contact_phone if before else None,
        due_date=london_today(),
    )
    cases.add_with_unique_reference(case)
    case.events.append(CaseEvent(kind=CaseEventKind.SUBMITTED, actor_id=case.submitted_by_id, status=case.status))
    payment.case_id = case.id
    db.session.flush()
    return case


# Reminders


def contact_for(permit: ParkingPermit) -> tuple[MessageChannel, str, str] | None:
    """How to reach the permit's holder (see `_contact`)."""
    return _contact(db.session.get(User, permit.user_id) if permit.user_id else None, permit)


def _contact(user: User | None, permit: ParkingPermit) -> tuple[MessageChannel, str, str] | None:
    """Where the person asked to hear from us: a text when they chose texts and have a mobile
    number, else an email, else the contact on the permit's case; and in which language."""
    if user is not None:
        if user.contact_method == ContactMethod.SMS and user.phone:
            return MessageChannel.SMS, user.phone, user.language
        if user.email:
            return MessageChannel.EMAIL, user.email, user.language
        if user.phone:
            return MessageChannel.SMS, user.phone, user.language
    case = db.session.get(Case, permit.case_id) if permit.case_id else None
    if case is not None and (case.contact_email or case.contact_phone):
        channel = MessageChannel.EMAIL if case.contact_email else MessageChannel.SMS
        return channel, case.contact_email or case.contact_phone, case.language
    return None


def send_reminders(today: date) -> int:
    """Remind each holder whose permit's last day is `today` plus one of the reminder days or
    fewer, once for each reminder day: a run that missed a day sends the nearest reminder only.
    Each reminder is a row with a unique (permit, days) key, written before its message, so two
    runs at once (on two machines) send it once. Permits already renewed are not reminded."""
    days = sorted(zones.settings().renewals.reminder_days)
    due = list(
        db.session.scalars(
            sa.select(ParkingPermit)
            .where(
                ParkingPermit.permit_type.in_(permits.HELD_TYPES),
                ParkingPermit.status == PermitStatus.ACTIVE,
                ParkingPermit.ends_at > permits.london_midnight(today),
                ParkingPermit.ends_at <= permits.london_midnight(today + timedelta(days=days[-1] + 1)),
            )
            .order_by(ParkingPermit.ends_at, ParkingPermit.id)
        )
    )
    sent: dict[int, set[int]] = {}
    if due:
        for permit_id, before in db.session.execute(
            sa.select(ParkingPermitReminder.permit_id, ParkingPermitReminder.days_before).where(
                ParkingPermitReminder.permit_id.in_([permit.id for permit in due])
            )
        ):
            sent.setdefault(permit_id, set()).add(before)
    queued = 0
    for permit in due:
        left = (permits.last_day(permit) - today).days
        reminder = next(day for day in days if left <= day)
        if any(before <= reminder for before in sent.get(permit.id, ())) or renewed_by(permit) is not None:
            continue
        record = ParkingPermitReminder(permit_id=permit.id, days_before=reminder, sent_at=utcnow())
        try:
            with db.session.begin_nested():
                db.session.add(record)
                db.session.flush()
        except IntegrityError:
            continue  # another run sent it a moment ago
        contact = _contact(db.session.get(User, permit.user_id) if permit.user_id else None, permit)
        if contact is None:
            log.warning("permit %s: no way to send its renewal reminder", permit.reference)
            continue
        channel, recipient, language = contact
        record.message_id = messages.queue(
            channel=channel,
            recipient=recipient,
            template="parking_renewal_reminder",
            language=language,
            context={
                "reference": permit.reference,
                "vrm": VehicleAnswer.from_answer(permit.vehicle).plate,
                "zone": permit.zone,
                "last_day": permits.last_day(permit),
                "link": links.external_url("parking.renew_permit", reference=permit.reference),
            },
            user_id=permit.user_id,
        ).id
        queued += 1
    db.session.flush()
    return queued


@scheduler.job(
    "parking-renewal-reminders",
    daily_at="08:00",
    title=_l("Remind people whose parking permit ends soon"),
    summary=_l("%(queued)s reminders queued"),
)
def remind_renewals() -> dict[str, int]:
    return {"queued": send_reminders(london_today())}
