"""Benchmark: the channel-shift figures for a year, as the cases and contacts grow.

Cases are spread over the last 15 months (so a year is about four fifths of them) across six
services, five channels, three wards and two places; each case has on average two contacts
(BENCH_CONTACTS, default twice the cases) and one in five a satisfaction answer. The same figures
are timed with BENCH_SMALL cases (default 20,000) and again after adding cases up to
BENCH_CASES (default 1,000,000):

- channel_figures.figures for the last twelve months: all services; one service; one ward; one place;
- GET /staff/figures as a manager: the whole page (charts and tables) for the last twelve months.

Median and p99 in milliseconds, and the statements each takes. Run with `make bench`; BENCH_REPEATS
(default 20) is the number of calls of each; BENCH_DATABASE_URL measures on PostgreSQL.
"""

import os
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Case, CaseContact, Place, PlaceKind, Role, SatisfactionResponse, User  # noqa: E402
from app.services import cases, channel_figures, channel_figures_counts, passwords  # noqa: E402
from tests.database import reset_schema  # noqa: E402
from tests.settings import app_overrides, isolated_environ  # noqa: E402

LARGE = int(os.environ.get("BENCH_CASES", "1000000"))
SMALL = int(os.environ.get("BENCH_SMALL", "20000"))
CONTACTS_PER_CASE = int(os.environ.get("BENCH_CONTACTS", str(2 * LARGE))) / LARGE
CALLS = int(os.environ.get("BENCH_REPEATS", "20"))
BATCH = 20_000
SERVICES = ["missed-bin", "bulky-waste", "fly-tipping", "alternative-formats", "parking-permits", "litter"]
CHANNELS = ["online"] * 6 + ["assisted", "telephone", "telephone", "face_to_face"]
CONTACT_CHANNELS = ["telephone"] * 6 + ["email"] * 3 + ["face_to_face", "letter"]
WARDS = ["Riverside", "Hillside", "Central"]
RATINGS = ["very_satisfied", "satisfied", "neither", "dissatisfied", "very_dissatisfied"]
SPAN_MINUTES = 15 * 30 * 24 * 60
PASSWORD = "bench-manager-password"  # noqa: S105 (a throwaway account in a throwaway database)
COSTS = {"face_to_face": 786, "telephone": 235, "web": 21, "letter_in": 67, "letter_out": 46}


def seed(app, start: int, stop: int, rng: random.Random, places: list[int]) -> None:
    """Cases numbered start..stop-1, with their contacts and satisfaction answers."""
    now = datetime.now(UTC)
    contact_id = int(start * CONTACTS_PER_CASE) + 1
    with app.app_context():
        for first in range(start, stop, BATCH):
            case_rows, contact_rows, rating_rows = [], [], []
            for number in range(first, min(first + BATCH, stop)):
                made = now - timedelta(minutes=rng.randrange(SPAN_MINUTES))
                channel = rng.choice(CHANNELS)
                place = rng.choice(places) if channel == "assisted" or rng.random() < 0.05 else None
                due = (made + timedelta(days=10)).date()
                closed = made + timedelta(days=rng.randrange(1, 14)) if rng.random() < 0.9 else None
                if closed and closed > now:
                    closed = None
                service = SERVICES[number % len(SERVICES)]
                ward = WARDS[number % len(WARDS)]
                case_rows.append(
                    {
                        "id": number + 1,
                        "reference": f"C{number:09d}",
                        "service_id": service,
                        "definition_version": 1,
                        "team": "bench",
                        "answers": {},
                        "channel": channel,
                        "language": "en",
                        "status": "closed" if closed else "received",
                        "urgent": False,
                        "ward": ward,
                        "due_date": due,
                        "created_at": made,
                        "closed_at": closed,
                        "place_id": place,
                    }
                )
                contacts = int(CONTACTS_PER_CASE) + (1 if rng.random() < CONTACTS_PER_CASE % 1 else 0)
                for _ in range(contacts):
                    contacted = min(now, made + timedelta(hours=rng.randrange(1, 20 * 24)))
                    contact_rows.append(
                        {
                            "id": contact_id,
                            "case_id": number + 1,
                            "channel": rng.choice(CONTACT_CHANNELS),
                            "contacted_at": contacted,
                            "avoidable": (closed is None or contacted < closed) and contacted.date() <= due,
                            "service_id": service,
                            "ward": ward,
                            "place_id": place,
                        }
                    )
                    contact_id += 1
                if number % 5 == 0:
                    rating_rows.append(
                        {
                            "service_id": service,
                            "channel": channel,
                            "rating": rng.choice(RATINGS),
                            "case_id": number + 1,
                            "created_at": made + timedelta(minutes=2),
                        }
                    )
            db.session.execute(Case.__table__.insert(), case_rows)
            db.session.execute(CaseContact.__table__.insert(), contact_rows)
            db.session.execute(SatisfactionResponse.__table__.insert(), rating_rows)
            db.session.commit()
        started = time.perf_counter()
        rows = channel_figures_counts.rebuild()
        db.session.commit()
        print(f"{'':>10} (counted again in {time.perf_counter() - started:.0f} s: {rows:,} count rows)", flush=True)
        if db.engine.dialect.name == "postgresql":
            db.session.commit()
            for table in ("cases", "case_contacts", "satisfaction_responses"):
                db.session.execute(sa.text(f"VACUUM ANALYZE {table}").execution_options(autocommit=True))
        else:
            db.session.execute(sa.text("ANALYZE"))
        db.session.commit()


def summary(timings: list[float]) -> str:
    ordered = sorted(timings)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"{statistics.median(ordered):>10.1f} {p99:>8.1f}"


def measure(app, size: int, places: list[int], statements: list) -> None:
    today = cases.london_today()
    year = channel_figures.last_twelve_months(today)
    with app.test_request_context():
        for label, filters in (
            ("figures: a year, all services", year),
            (
                "figures: a year, one service",
                channel_figures.Filters(year.first_month, year.last_month, service="missed-bin"),
            ),
            ("figures: a year, one ward", channel_figures.Filters(year.first_month, year.last_month, ward="Hillside")),
            (
                "figures: a year, one place",
                channel_figures.Filters(year.first_month, year.last_month, place_id=places[0]),
            ),
        ):
            timings = []
            statements.clear()
            for _ in range(CALLS):
                begun = time.perf_counter()
                found = channel_figures.figures(filters, unit_costs=COSTS, today=today)
                timings.append((time.perf_counter() - begun) * 1000)
                db.session.expunge_all()
            shown = f"{label} ({found.total_transactions:,} cases)"
            print(f"{size:>10,} {shown:<52} {summary(timings)} {len(statements) / CALLS:>10.2f}", flush=True)
    client = app.test_client()
    page = client.get("/sign-in")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1)
    signed = client.post("/sign-in", data={"email": "manager@bench.example", "password": PASSWORD, "csrf_token": token})
    assert signed.status_code == 302, signed.status_code
    timings = []
    statements.clear()
    for _ in range(CALLS):
        begun = time.perf_counter()
        response = client.get("/staff/figures")
        timings.append((time.perf_counter() - begun) * 1000)
        assert response.status_code == 200, response.status_code
        response.close()
    label = "GET /staff/figures, a year, whole page"
    print(f"{size:>10,} {label:<52} {summary(timings)} {len(statements) / CALLS:>10.2f}", flush=True)


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="doorstep-bench-figures-"))
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp / 'bench.sqlite'}"
    app = create_app(app_overrides(tmp, url, LOG_LEVEL="WARNING"), environ=isolated_environ(tmp))
    reset_schema(app)
    with app.app_context():
        library = Place(name="Central Library", kind=PlaceKind.LIBRARY, ward="Central")
        centre = Place(name="Hillside Community Centre", kind=PlaceKind.COMMUNITY_CENTRE, ward="Hillside")
        manager = User(
            email="manager@bench.example",
            full_name="Bench Manager",
            password_hash=passwords.hash_password(PASSWORD),
            role=Role.MANAGER,
            email_verified_at=datetime.now(UTC),
        )
        db.session.add_all([library, centre, manager])
        db.session.commit()
        places = [library.id, centre.id]
    statements = []
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(1))
    rng = random.Random(13)
    print(
        f"Channel-shift figures, database {url.split(':')[0]}, {CALLS} calls each, "
        f"{CONTACTS_PER_CASE:g} contacts a case, one in five cases with a satisfaction answer"
    )
    print(f"{'cases':>10} {'what':<52} {'median ms':>10} {'p99 ms':>8} {'statements':>10}")
    done = 0
    for size in (SMALL, LARGE):
        started = time.perf_counter()
        seed(app, done, size, rng, places)
        print(f"{'':>10} (seeded {size - done:,} more cases in {time.perf_counter() - started:.0f} s)", flush=True)
        done = size
        measure(app, size, places, statements)
    return 0


if __name__ == "__main__":
    sys.exit(main())
