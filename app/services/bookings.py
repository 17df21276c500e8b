"""Booked collections after they are made: changes, cancellation, the crews' schedule, the outcome
on the day and the reminder the day before.

Changes and cancellation close at a cut-off some working days before the collection (the service's
settings say how many). A change of items costs the difference in price, or refunds it; cancelling
refunds everything paid.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import form_model, scheduler
from app.extensions import db
from app.form_model import question_types
from app.models import (
    Booking,
    BookingStatus,
    Case,
    CaseStatus,
    CollectionSlot,
    MessageChannel,
    Payment,
    User,
    utcnow,
)
from app.money import pounds
from app.services import case_work, cases, collection_rounds, messages, organisations, paid_forms, payments, pricing
from app.services.errors import ServiceError

CHANGE_PURPOSE = "booking-change"


def for_case(case: Case) -> Booking | None:
    return db.session.scalar(sa.select(Booking).where(Booking.case_id == case.id))


def for_reference(reference: str) -> tuple[Case, Booking] | None:
    case = db.session.scalar(sa.select(Case).where(Case.reference == reference.strip().upper()))
    booking = for_case(case) if case is not None else None
    return (case, booking) if booking is not None else None


def managed_by(reference: str, user) -> tuple[Case, Booking] | None:
    """The case and booking, if `user` may see and change it: the person who booked it, or anyone
    in the organisation it was booked for (while they are in it). None for anyone else, and for
    references that do not exist, so a page refuses both the same way."""
    found = for_reference(reference)
    if found is None or not getattr(user, "is_authenticated", False):
        return None
    case = found[0]
    if case.user_id == user.id:
        return found
    if case.organisation_id is not None and organisations.membership(user, case.organisation_id) is not None:
        return found
    return None


def settings_of(booking: Booking):
    return form_model.settings_for(booking.slot.service_id)


def deadline(booking: Booking) -> date:
    return collection_rounds.change_deadline(settings_of(booking).booking, booking.slot.collection_date)


def can_change(booking: Booking, today: date | None = None) -> bool:
    today = today or cases.london_today()
    return booking.status == BookingStatus.CONFIRMED and today <= deadline(booking)


def _check_can_change(booking: Booking) -> None:
    if not can_change(booking):
        raise ServiceError("too-late")


def other_days(booking: Booking) -> list[date]:
    """Days the booking could move to: its round's free days, not counting its own place."""
    settings = settings_of(booking)
    round_ = settings.round(booking.slot.round_id)
    today = cases.london_today()
    days = collection_rounds.round_days(settings, round_, today)
    if not days:
        return []
    taken = collection_rounds.places_taken(booking.slot.service_id, round_.id, days[0], days[-1])
    taken[booking.slot.collection_date] = taken.get(booking.slot.collection_date, 1) - 1
    return [day for day in days if taken.get(day, 0) < round_.capacity and day != booking.slot.collection_date]


def change_day(case: Case, booking: Booking, day: date, *, actor: User | None) -> None:
    _check_can_change(booking)
    old_day = booking.slot.collection_date
    collection_rounds.move(booking, settings_of(booking), day, cases.london_today())
    with force_locale(case.language):
        message = _("Your collection day has changed from %(old)s to %(new)s.", old=_day(old_day), new=_day(day))
    _record(case, actor, message)


@dataclass(frozen=True)
class ItemChange:
    new_price: pricing.Price
    difference_pence: int  # more to pay when above nought, to refund when below


def price_change(case: Case, booking: Booking, items: dict[str, int]) -> ItemChange:
    definition = cases.definition_for(case)
    answers = {**case.answers, settings_of(booking).prices.items_question: items}
    with force_locale(case.language):
        new_price = pricing.price_for(definition, settings_of(booking), answers, case.language, user_id=case.user_id)
    return ItemChange(new_price, new_price.total_pence - booking.price_pence)


def change_items(case: Case, booking: Booking, items: dict[str, int], *, actor: User | None, return_url, cancel_url):
    """Apply a change of items now if it costs the same or less (refunding the difference); when it
    costs more, a Payment for the difference whose page the person must go to (applied once paid)."""
    _check_can_change(booking)
    change = price_change(case, booking, items)
    if change.difference_pence > 0:
        with force_locale(case.language):
            description = _("Change to your bulky waste collection %(reference)s", reference=case.reference)
        return payments.start(
            purpose=CHANGE_PURPOSE,
            description=description,
            items=[payments.LineItem(_difference_label(case), change.difference_pence)],
            success_url=return_url,
            cancel_url=cancel_url,
            language=case.language,
            user_id=case.user_id,
            case_id=case.id,
            email=case.contact_email,
            details={"booking_id": booking.id, "items": items, "price_pence": change.new_price.total_pence},
        )
    if change.difference_pence < 0:
        paid_forms.refund_case(case, -change.difference_pence, reason="fewer items", actor_id=_id(actor))
    _apply_items(case, booking, items, change.new_price.total_pence, actor)
    return None


def _difference_label(case: Case) -> str:
    with force_locale(case.language):
        return _("Difference in price for the new items")


def _apply_items(case: Case, booking: Booking, items: dict, price_pence: int, actor: User | None) -> None:
    booking.items = dict(items)
    booking.price_pence = price_pence
    booking.updated_at = utcnow()
    definition = cases.definition_for(case)
    question = definition.question(settings_of(booking).prices.items_question)
    with force_locale(case.language):
        shown = question_types.display(question, items, case.language)
        message = _("Your booking has changed. Items: %(items)s.", items=shown)
    _record(case, actor, message)


@payments.when_paid(CHANGE_PURPOSE)
def _change_paid(payment: Payment) -> None:
    booking = db.session.get(Booking, payment.details["booking_id"])
    case = db.session.get(Case, booking.case_id)
    if booking.status != BookingStatus.CONFIRMED:
        payments.refund(payment, payment.amount_pence, reason="booking no longer active", case_id=case.id)
        return
    _apply_items(case, booking, payment.details["items"], payment.details["price_pence"], None)


def cancel(case: Case, booking: Booking, *, actor: User | None) -> int:
    """Cancel before the cut-off: the place is freed and everything paid is refunded. Pence refunded."""
    _check_can_change(booking)
    booking.status = BookingStatus.CANCELLED
    booking.updated_at = utcnow()
    refunded = paid_forms.refundable_pence(case)
    if refunded:
        paid_forms.refund_case(case, refunded, reason="booking cancelled", actor_id=_id(actor))
    with force_locale(case.language):
        message = _("Your booking is cancelled. We have refunded %(amount)s to your card.", amount=pounds(refunded))
    case_work.change_status(case, actor, CaseStatus.CLOSED, message)
    return refunded


def _id(actor: User | None) -> int | None:
    return actor.id if actor is not None else None


def _day(day: date) -> str:
    return format_date(day, "EEEE d MMMM yyyy")


def _record(case: Case, actor: User | None, message: str) -> None:
    """A change the person made or was told about: on the case's timeline and sent to them."""
    case_work.change_status(case, actor, case.status, message)


def schedule(service_id: str, round_id: str, day: date) -> list[tuple[Booking, Case]]:
    """The day's collections for one round, in address order, for the crew."""
    rows = db.session.execute(
        sa.select(Booking, Case)
        .join(CollectionSlot, Booking.slot_id == CollectionSlot.id)
        .join(Case, Booking.case_id == Case.id)
        .where(
            CollectionSlot.service_id == service_id,
            CollectionSlot.round_id == round_id,
            CollectionSlot.collection_date == day,
            Booking.status.in_((BookingStatus.CONFIRMED, BookingStatus.COLLECTED, BookingStatus.NOT_COLLECTED)),
        )
    ).all()
    return sorted(((booking, case) for booking, case in rows), key=lambda row: _address_key(row[1]))


def _address_key(case: Case) -> tuple:
    address = address_of(case)
    return (address.get("postcode") or "", address.get("line_1") or "")


def address_of(case: Case) -> dict:
    return next((value for value in case.answers.values() if isinstance(value, dict) and "line_1" in value), {})


def schedule_csv(rows: list[tuple[Booking, Case]], item_labels: dict[str, str]) -> str:
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(["reference", "address", "postcode", "items", "where", "status", "concession to check"])
    for booking, case in rows:
        address = address_of(case)
        street = ", ".join(part for part in (address.get("line_1"), address.get("line_2"), address.get("town")) if part)
        items = "; ".join(f"{item_labels.get(item, item)} x{count}" for item, count in booking.items.items())
        writer.writerow(
            [
                case.reference,
                _csv_safe(street),
                _csv_safe(address.get("postcode") or ""),
                items,
                _csv_safe(case.answers.get("location_notes") or ""),
                booking.status.value,
                "yes" if booking.concession else "no",
            ]
        )
    return output.getvalue()


def _csv_safe(text: str) -> str:
    # A spreadsheet would run a cell starting with = + - or @ as a formula; addresses typed in by
    # hand and the notes are the person's own words.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def record_outcome(case: Case, booking: Booking, *, collected: bool, reason: str | None, staff: User) -> None:
    if booking.status not in (BookingStatus.CONFIRMED, BookingStatus.COLLECTED, BookingStatus.NOT_COLLECTED):
        raise ServiceError("not-active")
    if not collected and not reason:
        raise ServiceError("reason-needed", field="reason")
    booking.status = BookingStatus.COLLECTED if collected else BookingStatus.NOT_COLLECTED
    booking.outcome_reason = None if collected else reason
    booking.updated_at = utcnow()
    with force_locale(case.language):
        if collected:
            message = _("We collected your items. Thank you for booking with us.")
        else:
            message = _(
                "We could not collect your items: %(reason)s. Call us to arrange what happens next.", reason=reason
            )
    case_work.change_status(case, staff, CaseStatus.CLOSED, message)


def send_reminders(today: date) -> int:
    """Remind everyone collected tomorrow, once each. Run daily (cron)."""
    tomorrow = today + timedelta(days=1)
    due = db.session.execute(
        sa.select(Booking, Case)
        .join(CollectionSlot, Booking.slot_id == CollectionSlot.id)
        .join(Case, Booking.case_id == Case.id)
        .where(
            CollectionSlot.collection_date == tomorrow,
            Booking.status == BookingStatus.CONFIRMED,
            Booking.reminder_sent_at.is_(None),
        )
    ).all()
    for booking, case in due:
        if case.contact_email or case.contact_phone:
            messages.queue(
                channel=MessageChannel.EMAIL if case.contact_email else MessageChannel.SMS,
                recipient=case.contact_email or case.contact_phone,
                template="collection_reminder",
                language=case.language,
                context={"reference": case.reference, "day": tomorrow, "address": address_of(case)},
                user_id=case.user_id,
            )
        booking.reminder_sent_at = utcnow()
    return len(due)


@scheduler.job(
    "bulky-waste-reminders",
    daily_at="10:00",
    title=_l("Remind people whose bulky waste is collected tomorrow"),
    summary=_l("%(queued)s reminders queued"),
)
def remind_tomorrows_collections() -> dict[str, int]:
    return {"queued": send_reminders(cases.london_today())}


def case_ids_with_bookings(case_list: list[Case]) -> set[int]:
    ids = [case.id for case in case_list]
    if not ids:
        return set()
    return set(db.session.scalars(sa.select(Booking.case_id).where(Booking.case_id.in_(ids))))
