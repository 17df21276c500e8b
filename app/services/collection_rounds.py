"""Collection rounds: which days a round runs, how many collections fit in a day, and booking places.

A service that books collections (bulky waste) names its rounds in its settings file, in
app/service_settings/. The address's ward decides the round. Bookable days start a set number of
working days ahead, fall on the round's weekdays and skip bank holidays.

A place is taken by a booking that is confirmed (or already done), or held while the person pays
until its hold expires. Taking a place locks the round's day first, so however many people try for
the last place at once, the day never takes more than its capacity.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import format_date
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.form_model.service_settings import BookingRules, Round, ServiceSettings
from app.models import ACTIVE_STATUSES, Booking, BookingStatus, CollectionSlot, utcnow
from app.services import working_days
from app.services.errors import ServiceError


def day_label(day: date) -> str:
    """A collection day as people read it: "Tuesday 1 December 2026" (in the page's language)."""
    return format_date(day, "EEEE d MMMM yyyy")


def first_bookable(rules: BookingRules, today: date) -> date:
    return working_days.add_working_days(today, rules.first_bookable_working_days)


def change_deadline(rules: BookingRules, collection_day: date) -> date:
    """The last day a booking can be changed or cancelled: this many working days before collection."""
    day = collection_day
    remaining = rules.change_cutoff_working_days
    while remaining:
        day -= timedelta(days=1)
        if working_days.is_working_day(day):
            remaining -= 1
    return day


def round_days(settings: ServiceSettings, round_: Round, today: date) -> list[date]:
    """Every day the round could take a booking made today, full or not."""
    start = first_bookable(settings.booking, today)
    end = today + timedelta(weeks=settings.booking.weeks_ahead)
    numbers = {weekday.number for weekday in round_.weekdays}
    days = []
    day = start
    while day <= end:
        if day.weekday() in numbers and not working_days.is_bank_holiday(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def _taking_a_place(now: datetime):
    return sa.or_(
        Booking.status.in_(ACTIVE_STATUSES),
        sa.and_(Booking.status == BookingStatus.HELD, Booking.hold_expires_at > now),
    )


def places_taken(service_id: str, round_id: str, first: date, last: date) -> dict[date, int]:
    rows = db.session.execute(
        sa.select(CollectionSlot.collection_date, sa.func.count(Booking.id))
        .join(Booking, Booking.slot_id == CollectionSlot.id)
        .where(
            CollectionSlot.service_id == service_id,
            CollectionSlot.round_id == round_id,
            CollectionSlot.collection_date.between(first, last),
            _taking_a_place(utcnow()),
        )
        .group_by(CollectionSlot.collection_date)
    )
    return dict(rows.all())


def available_days(service_id: str, settings: ServiceSettings, round_: Round, today: date) -> list[date]:
    days = round_days(settings, round_, today)
    if not days:
        return []
    taken = places_taken(service_id, round_.id, days[0], days[-1])
    return [day for day in days if taken.get(day, 0) < round_.capacity]


def _locked_slot(service_id: str, round_id: str, day: date) -> CollectionSlot:
    query = sa.select(CollectionSlot).where(
        CollectionSlot.service_id == service_id,
        CollectionSlot.round_id == round_id,
        CollectionSlot.collection_date == day,
    )
    slot = db.session.scalar(query.with_for_update())
    if slot is None:
        try:
            with db.session.begin_nested():
                db.session.add(CollectionSlot(service_id=service_id, round_id=round_id, collection_date=day))
        except IntegrityError:
            pass  # someone else made the day's row at the same moment; lock theirs
        slot = db.session.scalar(query.with_for_update())
    return slot


def _has_room(slot: CollectionSlot, capacity: int, leaving_out: int | None) -> bool:
    taken = db.session.scalar(
        sa.select(sa.func.count(Booking.id)).where(
            Booking.slot_id == slot.id, _taking_a_place(utcnow()), Booking.id != (leaving_out or -1)
        )
    )
    return taken < capacity


def hold(
    service_id: str,
    settings: ServiceSettings,
    round_: Round,
    day: date,
    *,
    until: datetime,
    today: date,
    booking: Booking | None = None,
) -> Booking:
    """Hold a place on the day for someone about to pay; the same booking again moves or extends its hold.
    ServiceError("day-full") when there is no room, ("day-not-bookable") for a day the round cannot do."""
    if day not in round_days(settings, round_, today):
        raise ServiceError("day-not-bookable")
    slot = _locked_slot(service_id, round_.id, day)
    if not _has_room(slot, round_.capacity, booking.id if booking is not None else None):
        raise ServiceError("day-full")
    if booking is None:
        booking = Booking()
        db.session.add(booking)
    booking.slot = slot
    booking.status = BookingStatus.HELD
    booking.hold_expires_at = until
    booking.updated_at = utcnow()
    db.session.flush()
    return booking


def confirm(booking: Booking, settings: ServiceSettings) -> bool:
    """Make a held place a booking, once paid. A hold that expired meanwhile is honoured if the day
    still has room; False when it does not."""
    if booking.status == BookingStatus.CONFIRMED:
        return True
    slot = _locked_slot(booking.slot.service_id, booking.slot.round_id, booking.slot.collection_date)
    round_ = settings.round(slot.round_id)
    still_held = booking.status == BookingStatus.HELD and booking.hold_expires_at > utcnow()
    if not still_held and not _has_room(slot, round_.capacity, booking.id):
        return False
    booking.status = BookingStatus.CONFIRMED
    booking.hold_expires_at = None
    booking.updated_at = utcnow()
    db.session.flush()
    return True


def move(booking: Booking, settings: ServiceSettings, day: date, today: date) -> None:
    """Move a confirmed booking to another day of its round, if that day has room."""
    round_ = settings.round(booking.slot.round_id)
    if day not in round_days(settings, round_, today):
        raise ServiceError("day-not-bookable")
    slot = _locked_slot(booking.slot.service_id, round_.id, day)
    if not _has_room(slot, round_.capacity, booking.id):
        raise ServiceError("day-full")
    booking.slot = slot
    booking.updated_at = utcnow()
    db.session.flush()


def release(booking: Booking) -> None:
    if booking.status == BookingStatus.HELD:
        booking.status = BookingStatus.RELEASED
        booking.hold_expires_at = None
        booking.updated_at = utcnow()
        db.session.flush()
