"""Benchmarks for booked collections, run by `make bench` after scripts/bench.py.

Seeds a year of bulky waste bookings (every round day of the past year and the weeks ahead full,
plus BENCH_RELEASED_HOLDS abandoned holds per day), then measures:
- the free days for an address (what the collection day page asks), and that page itself;
- a crew's schedule page for a day;
- ATTEMPTS people trying at the same moment for the last places on one day.

SQLite by default, BENCH_DATABASE_URL for PostgreSQL.
"""

import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import create_app, forms_engine  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Booking, CollectionSlot, utcnow  # noqa: E402
from app.services import collection_rounds, demo  # noqa: E402
from app.services.errors import ServiceError  # noqa: E402
from tests.database import reset_schema  # noqa: E402
from tests.form_walk import walk  # noqa: E402
from tests.pages import PageClient  # noqa: E402
from tests.settings import app_overrides, isolated_environ  # noqa: E402

REPEATS = int(os.environ.get("BENCH_REPEATS", "30"))
RELEASED_HOLDS = int(os.environ.get("BENCH_RELEASED_HOLDS", "20"))
ATTEMPTS, PLACES = 50, 5
SERVICE = "bulky-waste"


def seed_a_year(app) -> int:
    with app.app_context():
        settings = forms_engine.settings_for(SERVICE)
        today = date.today()
        made = 0
        for round_ in settings.rounds:
            weekdays = {weekday.number for weekday in round_.weekdays}
            day = today - timedelta(days=365)
            while day <= today + timedelta(weeks=settings.booking.weeks_ahead):
                if day.weekday() in weekdays:
                    slot = CollectionSlot(service_id=SERVICE, round_id=round_.id, collection_date=day)
                    db.session.add(slot)
                    db.session.flush()
                    full = round_.capacity if day < today + timedelta(weeks=2) else round_.capacity - 1
                    status = "collected" if day < today else "confirmed"
                    rows = [{"slot_id": slot.id, "status": status, "items": {"sofa": 1}} for _ in range(full)]
                    rows += [{"slot_id": slot.id, "status": "released", "items": {}} for _ in range(RELEASED_HOLDS)]
                    db.session.execute(sa.insert(Booking), rows)
                    made += len(rows)
                day += timedelta(days=1)
        db.session.commit()
        return made


def timed(function, repeats=REPEATS) -> tuple[float, float]:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), statistics.quantiles(timings, n=20)[-1]


def race(app) -> tuple[dict, float]:
    """ATTEMPTS threads, each with its own connection, released together at a day with PLACES free."""
    with app.app_context():
        settings = forms_engine.settings_for(SERVICE)
    round_ = settings.rounds[0]
    today = date.today()
    assert round_.capacity == PLACES
    # A day past the seeded weeks, so all its places are free; the rules are stretched to reach it.
    day = collection_rounds.round_days(settings, round_, today)[-1] + timedelta(weeks=1)
    extended = settings.model_copy(update={"booking": settings.booking.model_copy(update={"weeks_ahead": 26})})
    start = threading.Barrier(ATTEMPTS)
    outcomes: list[str] = []

    def attempt():
        with app.app_context():
            start.wait()
            try:
                collection_rounds.hold(
                    SERVICE, extended, round_, day, until=utcnow() + timedelta(minutes=30), today=today
                )
                db.session.commit()
                outcomes.append("held")
            except ServiceError as error:
                db.session.rollback()
                outcomes.append(error.message)

    threads = [threading.Thread(target=attempt) for _ in range(ATTEMPTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {outcome: outcomes.count(outcome) for outcome in set(outcomes)}, elapsed


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="doorstep-bench-bookings-"))
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp / 'bench.sqlite'}"
    app = create_app(app_overrides(tmp, url, LOG_LEVEL="WARNING"), environ=isolated_environ(tmp))
    reset_schema(app)
    with app.app_context():
        demo.load()
        db.session.commit()
    made = seed_a_year(app)
    print(f"\nBooked collections: {made} bookings over a year and the weeks ahead, database {url.split(':')[0]}")
    print(f"{'measured':<52} {'median ms':>10} {'p95 ms':>8}")
    with app.app_context():
        settings = forms_engine.settings_for(SERVICE)
        north = settings.round("north")
        today = date.today()
        median, p95 = timed(lambda: collection_rounds.available_days(SERVICE, settings, north, today))
        days = collection_rounds.available_days(SERVICE, settings, north, today)
    print(f"{'free days for an address (' + str(len(days)) + ' offered)':<52} {median:>10.2f} {p95:>8.2f}")

    resident = PageClient(app.test_client())
    with app.app_context():
        walk(resident, forms_engine.get(SERVICE))  # the example answers: an address, items, a day
    day_page = f"/services/{SERVICE}/collection-day"
    assert resident.get(day_page).status == 200
    median, p95 = timed(lambda: resident.get(day_page))
    print(f"{'the collection day page (the dates shown to a person)':<52} {median:>10.2f} {p95:>8.2f}")

    staff = app.test_client()
    page = staff.get("/sign-in").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    account = demo.DEMO_ACCOUNTS[3]
    staff.post("/sign-in", data={"csrf_token": token, "email": account.email, "password": account.password})
    busy_day = today - timedelta(days=(today.weekday() - 0) % 7 or 7)  # last Monday: a full north day
    schedule = f"/staff/collections?service={SERVICE}&round=north&date={busy_day.isoformat()}"
    assert staff.get(schedule).status_code == 200
    median, p95 = timed(lambda: staff.get(schedule).close())
    print(f"{'crew schedule page for a full day':<52} {median:>10.2f} {p95:>8.2f}")

    outcomes, elapsed = race(app)
    print(f"{ATTEMPTS} people at once for {PLACES} places: {outcomes} in {elapsed * 1000:.0f} ms")
    return 0 if outcomes.get("held") == PLACES else 1


if __name__ == "__main__":
    sys.exit(main())
