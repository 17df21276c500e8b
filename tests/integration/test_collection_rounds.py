"""Collection rounds: which days are offered, and a day's capacity holding when many book at once."""

import threading
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app import forms_engine
from app.extensions import db
from app.models import Booking, BookingStatus, CollectionSlot, utcnow
from app.services import collection_rounds
from app.services.errors import ServiceError

pytestmark = pytest.mark.db
SERVICE = "bulky-waste"
ATTEMPTS, CAPACITY = 50, 5


def settings_and_round(app, round_id="north"):
    with app.app_context():
        settings = forms_engine.settings_for(SERVICE)
    return settings, settings.round(round_id)


def test_days_offered_are_the_rounds_weekdays_from_three_working_days_ahead_without_bank_holidays(app):
    settings, north = settings_and_round(app)  # Mondays and Wednesdays
    # Tuesday 22 December 2026: 3 working days ahead skips Christmas Day and Boxing Day (Monday 28th).
    days = collection_rounds.round_days(settings, north, date(2026, 12, 22))
    assert days[0] == date(2026, 12, 30)
    assert date(2026, 12, 28) not in days  # the Boxing Day substitute bank holiday, a Monday
    assert all(day.weekday() in (0, 2) for day in days)
    assert days[-1] <= date(2026, 12, 22) + timedelta(weeks=8)
    assert date(2027, 1, 4) in days


def test_the_change_deadline_is_two_working_days_before_collection(app):
    settings, _north = settings_and_round(app)
    assert collection_rounds.change_deadline(settings.booking, date(2026, 12, 3)) == date(2026, 12, 1)  # Thu -> Tue
    assert collection_rounds.change_deadline(settings.booking, date(2026, 11, 30)) == date(2026, 11, 26)  # Mon -> Thu
    # Over Christmas: Wednesday 30 December, two working days back skips the two bank holidays.
    assert collection_rounds.change_deadline(settings.booking, date(2026, 12, 30)) == date(2026, 12, 24)


def test_a_full_day_is_not_offered_and_expired_holds_free_their_place(app, database):
    settings, north = settings_and_round(app)
    today = date.today()
    day = collection_rounds.round_days(settings, north, today)[0]
    until = utcnow() + timedelta(minutes=30)
    holds = [collection_rounds.hold(SERVICE, settings, north, day, until=until, today=today) for _ in range(CAPACITY)]
    assert day not in collection_rounds.available_days(SERVICE, settings, north, today)
    with pytest.raises(ServiceError, match="day-full"):
        collection_rounds.hold(SERVICE, settings, north, day, until=until, today=today)
    holds[0].hold_expires_at = utcnow() - timedelta(seconds=1)
    db.session.flush()
    assert day in collection_rounds.available_days(SERVICE, settings, north, today)
    collection_rounds.release(holds[1])
    assert collection_rounds.hold(SERVICE, settings, north, day, until=until, today=today).status == BookingStatus.HELD


def test_a_day_the_round_does_not_run_cannot_be_held(app, database):
    settings, north = settings_and_round(app)
    today = date.today()
    tuesday = next(day for day in (today + timedelta(days=n) for n in range(7, 14)) if day.weekday() == 1)
    with pytest.raises(ServiceError, match="day-not-bookable"):
        collection_rounds.hold(SERVICE, settings, north, tuesday, until=utcnow(), today=today)
    with pytest.raises(ServiceError, match="day-not-bookable"):
        collection_rounds.hold(SERVICE, settings, north, today, until=utcnow(), today=today)


def test_fifty_people_trying_for_five_places_at_the_same_moment_get_exactly_five(app):
    """Real threads, each with its own connection and committed transaction, all released at once."""
    settings, north = settings_and_round(app)
    today = date.today()
    day = collection_rounds.round_days(settings, north, today)[-1]
    until = utcnow() + timedelta(minutes=30)
    start = threading.Barrier(ATTEMPTS)
    outcomes: list[str] = []

    def attempt():
        with app.app_context():
            start.wait()
            try:
                collection_rounds.hold(SERVICE, settings, north, day, until=until, today=today)
                db.session.commit()
                outcomes.append("held")
            except ServiceError as error:
                db.session.rollback()
                outcomes.append(error.message)
            except Exception as error:  # noqa: BLE001  (any other failure must show in the assertion)
                db.session.rollback()
                outcomes.append(repr(error))

    threads = [threading.Thread(target=attempt) for _ in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        assert sorted(set(outcomes)) == ["day-full", "held"], outcomes
        assert outcomes.count("held") == CAPACITY and len(outcomes) == ATTEMPTS
        with app.app_context():
            slots = db.session.scalars(sa.select(CollectionSlot).where(CollectionSlot.collection_date == day)).all()
            assert len(slots) == 1  # everyone found or made the same day's row
            taken = db.session.scalar(sa.select(sa.func.count(Booking.id)).where(Booking.slot_id == slots[0].id))
            assert taken == CAPACITY
    finally:
        with app.app_context():
            slot_ids = sa.select(CollectionSlot.id).where(CollectionSlot.collection_date == day)
            db.session.execute(sa.delete(Booking).where(Booking.slot_id.in_(slot_ids)))
            db.session.execute(sa.delete(CollectionSlot).where(CollectionSlot.collection_date == day))
            db.session.commit()
