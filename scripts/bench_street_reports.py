"""Benchmark: "Already reported?" and the public list of reports near a postcode, as reports grow.

Reports are spread at random over the demo borough (about 6.7 km by 4.4 km), a tenth of them open,
in four categories, over five years. The same searches are timed with BENCH_SMALL reports (default
10,000) and again after adding reports up to BENCH_STREET_REPORTS (default 1,000,000: about 3,000
in every 280-metre square of the grid), so the two lines show whether the cost stays flat:

- street_report_search.open_nearby: open reports of a category within 250 m of a random point
  (what check your answers shows);
- street_report_search.recent_near: the 20 newest reports in the squares around a random point;
- GET /street-reports/near?postcode=...: the whole public page for a random demo postcode;
- GET /open311/v2/requests.json: Open311's list of requests with no filters (the newest 1,000 of
  the last 90 days), and with a category and status=open (fewer, older ones reached).

Median and p99 in milliseconds, and the statements each takes. Run with `make bench`; BENCH_REPEATS
(default 20) scales the number of calls; BENCH_DATABASE_URL measures on PostgreSQL.
"""

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Case, GazetteerAddress, StreetReport, utcnow  # noqa: E402
from app.services import demo, gazetteer, street_grid, street_report_search  # noqa: E402
from tests.database import reset_schema  # noqa: E402
from tests.settings import app_overrides, isolated_environ  # noqa: E402

LARGE = int(os.environ.get("BENCH_STREET_REPORTS", "1000000"))
SMALL = int(os.environ.get("BENCH_SMALL", "10000"))
CALLS = int(os.environ.get("BENCH_REPEATS", "20")) * 100
BATCH = 20_000
# The demo borough's three wards, side by side.
SOUTH, NORTH, WEST, EAST = 52.37, 52.43, -3.03, -2.97
CATEGORIES = ["fly-tipping", "graffiti", "litter", "dog-fouling"]
CLOSED_STATES = ["fixed"] * 7 + ["closed_not_fixed"] * 2  # nine in ten closed
OPEN_STATES = ["open", "investigating", "action_scheduled", "reopened"]


def seed(app, start: int, stop: int, rng: random.Random) -> None:
    """Reports numbered start..stop-1, each with its case."""
    now = utcnow()
    with app.app_context():
        for first in range(start, stop, BATCH):
            numbers = range(first, min(first + BATCH, stop))
            cases, reports = [], []
            for number in numbers:
                made = now - timedelta(minutes=rng.randrange(5 * 365 * 24 * 60))
                category = CATEGORIES[number % 4]
                cases.append(
                    {
                        "id": number + 1,
                        "reference": f"B{number:09d}",
                        "service_id": category,
                        "definition_version": 1,
                        "team": "street-scene",
                        "answers": {},
                        "channel": "online",
                        "language": "en",
                        "status": "closed",
                        "urgent": False,
                        "due_date": made.date(),
                        "created_at": made,
                    }
                )
                latitude, longitude = rng.uniform(SOUTH, NORTH), rng.uniform(WEST, EAST)
                reports.append(
                    {
                        "id": number + 1,
                        "case_id": number + 1,
                        "category": category,
                        "state": rng.choice(OPEN_STATES) if number % 10 == 0 else rng.choice(CLOSED_STATES),
                        "place": "High Street, Demoton",
                        "latitude": latitude,
                        "longitude": longitude,
                        "grid_cell": street_grid.cell_of(latitude, longitude),
                        "ward": "Central",
                        "description": "By the lamp post",
                        "photo_hidden": False,
                        "created_at": made,
                        "updated_at": made,
                    }
                )
            db.session.execute(sa.insert(Case), cases)
            db.session.execute(sa.insert(StreetReport), reports)
            db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text("ANALYZE street_reports"))
            db.session.execute(sa.text("ANALYZE cases"))
        else:
            db.session.execute(sa.text("ANALYZE"))
        db.session.commit()


def summary(timings: list[float]) -> str:
    ordered = sorted(timings)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"{statistics.median(ordered):>10.3f} {p99:>8.3f}"


def measure(app, size: int, postcodes: list[str], statements: list) -> None:
    rng = random.Random(size)
    with app.test_request_context():
        for label, call in (
            (
                "open_nearby: same category within 250 m",
                lambda: street_report_search.open_nearby(
                    rng.choice(CATEGORIES), rng.uniform(SOUTH, NORTH), rng.uniform(WEST, EAST), metres=250
                ),
            ),
            (
                "recent_near: 20 newest around a point",
                lambda: street_report_search.recent_near(rng.uniform(SOUTH, NORTH), rng.uniform(WEST, EAST)),
            ),
        ):
            timings = []
            statements.clear()
            found = 0
            for _ in range(CALLS):
                begun = time.perf_counter()
                found += len(call())
                timings.append((time.perf_counter() - begun) * 1000)
                db.session.expunge_all()
            shown = f"{label} ({found / CALLS:.1f} found)"
            print(f"{size:>10,} {shown:<52} {summary(timings)} {len(statements) / CALLS:>10.2f}")
    client = app.test_client()
    timings = []
    statements.clear()
    for _ in range(CALLS // 4):
        postcode = rng.choice(postcodes)
        begun = time.perf_counter()
        response = client.get("/street-reports/near", query_string={"postcode": postcode})
        timings.append((time.perf_counter() - begun) * 1000)
        assert response.status_code == 200, response.status_code
        response.close()
    label = "GET /street-reports/near?postcode=, whole page"
    print(f"{size:>10,} {label:<52} {summary(timings)} {len(statements) / (CALLS // 4):>10.2f}")
    measure_open311(client, size, rng, statements)


def measure_open311(client, size: int, rng: random.Random, statements: list) -> None:
    calls = max(20, CALLS // 20)
    for label, query in (
        ("GET open311 requests.json, no filters", lambda: {}),
        (
            "GET open311 requests.json?service_code&status=open",
            lambda: {"service_code": rng.choice(CATEGORIES), "status": "open"},
        ),
    ):
        timings, found = [], 0
        statements.clear()
        for _ in range(calls):
            begun = time.perf_counter()
            response = client.get("/open311/v2/requests.json", query_string=query())
            timings.append((time.perf_counter() - begun) * 1000)
            assert response.status_code == 200, response.status_code
            found += len(response.json)
            response.close()
        shown = f"{label} ({found / calls:.0f})"
        print(f"{size:>10,} {shown:<52} {summary(timings)} {len(statements) / calls:>10.2f}")


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="doorstep-bench-streets-"))
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp / 'bench.sqlite'}"
    app = create_app(app_overrides(tmp, url, LOG_LEVEL="WARNING"), environ=isolated_environ(tmp))
    reset_schema(app)
    with app.app_context():
        gazetteer.import_csv(demo.DEMO_GAZETTEER)
        db.session.commit()
        postcodes = sorted({address.postcode for address in db.session.scalars(sa.select(GazetteerAddress))})
    statements = []
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(1))
    rng = random.Random(11)
    print(f"Street reports near a point, database {url.split(':')[0]}, {CALLS} calls each")
    print(f"{'reports':>10} {'what':<52} {'median ms':>10} {'p99 ms':>8} {'statements':>10}")
    done = 0
    for size in (SMALL, LARGE):
        started = time.perf_counter()
        seed(app, done, size, rng)
        print(f"{'':>10} (seeded {size - done:,} more in {time.perf_counter() - started:.0f} s)")
        done = size
        measure(app, size, postcodes, statements)
    return 0


if __name__ == "__main__":
    sys.exit(main())
