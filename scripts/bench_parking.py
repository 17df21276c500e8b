"""Benchmark: the parking enforcement check with many permits and many logged checks, and the quote.

With BENCH_PERMITS permits (default 200,000; the issue's full size is 500,000) spread over 2 zones
and BENCH_CHECKS already logged checks (default 1,000,000; the full size is 5,000,000), it times
the check on its own (the service: the permit query and the log row) for vehicles with a permit
and without, then whole requests to GET /api/enforcement/v1/vrm/<VRM> with a key, the quote of
a permit price, and pages of the feed GET /api/enforcement/v1/permits (first, deep, changed_since).
Median and p99 in milliseconds, and the statements each takes. Run with `make bench`;
BENCH_REPEATS (default 20) scales the number of calls; BENCH_DATABASE_URL measures on PostgreSQL.
"""

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import create_app, form_model  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import EnforcementCheck, ParkingPermit, utcnow  # noqa: E402
from app.services import api_keys  # noqa: E402
from app.services.parking import enforcement, tariff  # noqa: E402
from app.services.vehicles import VehicleAnswer, VehicleDetails  # noqa: E402
from tests.database import reset_schema  # noqa: E402
from tests.settings import app_overrides, isolated_environ  # noqa: E402

PERMITS = int(os.environ.get("BENCH_PERMITS", "200000"))
CHECKS = int(os.environ.get("BENCH_CHECKS", "1000000"))
CALLS = int(os.environ.get("BENCH_REPEATS", "20")) * 100
BATCH = 10_000


AGES = [f"{year:02d}" for year in range(2, 26)] + [str(year) for year in range(51, 76)]  # issued by 2026
LETTERS = "ABCDEFGHJKLMNOPRSTUVWXYZ"  # never I or Q in the last three


def vrm(number: int) -> str:
    """A distinct, valid current-format registration number for each number below 677,376."""
    number, age = divmod(number, len(AGES))
    letters = "".join(LETTERS[number // step % len(LETTERS)] for step in (1, 24, 576))
    return f"BN{AGES[age]}{letters}"


def seed(app) -> str:
    """PERMITS permits (a third ended, a tenth cancelled), CHECKS logged checks, and an enforcement key."""
    now = utcnow()
    with app.app_context():
        for start in range(0, PERMITS, BATCH):
            rows = []
            for number in range(start, min(start + BATCH, PERMITS)):
                begins = now - timedelta(days=number % 500)
                rows.append(
                    {
                        "reference": f"BENCH-{number}",
                        "permit_type": "resident",
                        "status": "cancelled" if number % 10 == 0 else "active",
                        "uprn": 100000000001 + number % 60,
                        "zone": "A" if number % 2 else "B",
                        "vrm": vrm(number),
                        "vehicle": {},
                        "starts_at": begins,
                        "ends_at": begins + timedelta(days=365),
                        "months": 12,
                        "price_pence": 8200,
                        "quote": {},
                        "created_at": now,
                        "updated_at": now - timedelta(seconds=PERMITS - number),  # one change a second
                    }
                )
            db.session.execute(sa.insert(ParkingPermit), rows)
        for start in range(0, CHECKS, BATCH * 5):
            rows = [
                {"checked_at": now, "vrm": vrm(n % PERMITS), "zone": "A", "at": now, "valid": bool(n % 2)}
                for n in range(start, min(start + BATCH * 5, CHECKS))
            ]
            db.session.execute(sa.insert(EnforcementCheck), rows)
        created = api_keys.create("Bench handhelds", api_keys.ENFORCEMENT, created_by=None)
        db.session.commit()
        # As autovacuum would soon after a load this size: without statistics PostgreSQL guessed
        # a few hundred active permits and read 450,000 of them through the status index.
        for table in ("parking_permits", "parking_enforcement_checks"):
            db.session.execute(sa.text(f"ANALYZE {table}"))
        db.session.commit()
        return created.secret


def summary(timings: list[float]) -> str:
    ordered = sorted(timings)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"{statistics.median(ordered):>10.3f} {p99:>8.3f}"


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="doorstep-bench-parking-"))
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp / 'bench.sqlite'}"
    app = create_app(app_overrides(tmp, url, LOG_LEVEL="WARNING"), environ=isolated_environ(tmp))
    reset_schema(app)
    started = time.perf_counter()
    secret = seed(app)
    print(
        f"Parking: {PERMITS:,} permits, {CHECKS:,} logged checks (seeded in {time.perf_counter() - started:.0f} s), "
        f"{CALLS} calls each, database {url.split(':')[0]}"
    )
    statements = []
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(1))
    print(f"{'what':<52} {'median ms':>10} {'p99 ms':>8} {'statements':>10}")
    rng = random.Random(7)
    now = datetime.now(UTC)
    with app.app_context():
        timings = []
        statements.clear()
        grace = timedelta(minutes=5)
        for _ in range(CALLS):
            asked = vrm(rng.randrange(1, PERMITS))
            begun = time.perf_counter()
            enforcement.covering_permits(asked, "A", now, grace)
            timings.append((time.perf_counter() - begun) * 1000)
        label = "the permits query alone (indexed by vrm, ends_at)"
        print(f"{label:<52} {summary(timings)} {len(statements) / CALLS:>10.2f}")
        db.session.rollback()
        for label, pick in (
            ("enforcement.check and its log row, committed", lambda: vrm(rng.randrange(1, PERMITS))),
            ("the same, a vehicle with no permit", lambda: "ZZ99ZZZ"),
        ):
            timings = []
            statements.clear()
            for _ in range(CALLS):
                asked = pick()
                begun = time.perf_counter()
                enforcement.check(asked, "A", now, api_key_id=None)
                db.session.commit()
                timings.append((time.perf_counter() - begun) * 1000)
            print(f"{label:<52} {summary(timings)} {len(statements) / CALLS:>10.2f}")
        prices = form_model.settings_for("parking-permits").prices
        car = VehicleAnswer.from_dvla(
            VehicleDetails(
                registration="DM14DSL",
                looked_up_at=now,
                co2_emissions=150,
                fuel_type="DIESEL",
                month_of_first_registration=datetime(2014, 6, 1).date(),
            )
        )
        timings = []
        with app.test_request_context():
            for _ in range(CALLS):
                begun = time.perf_counter()
                tariff.quote(prices, car, 6, now.date(), "en", household_position=2)
                timings.append((time.perf_counter() - begun) * 1000)
        print(f"{'tariff.quote, diesel, 6 months, second permit':<52} {summary(timings)} {0:>10.2f}")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    timings = []
    statements.clear()
    for _ in range(CALLS):
        path = f"/api/enforcement/v1/vrm/{vrm(rng.randrange(1, PERMITS))}?zone=A"
        begun = time.perf_counter()
        response = client.get(path, headers=headers)
        timings.append((time.perf_counter() - begun) * 1000)
        assert response.status_code == 200, response.get_data(as_text=True)
        response.close()
    print(
        f"{'GET /api/enforcement/v1/vrm/<VRM>, whole request':<52} {summary(timings)} {len(statements) / CALLS:>10.2f}"
    )
    time_feed(client, headers, now)
    return 0


def time_feed(client, headers, now) -> None:
    """The enforcement feed: its first page, a page deep in the zone (by the cursor the page before
    gave), and the changes of the last hour, 500 permits a page."""
    deep = client.get("/api/enforcement/v1/permits?zone=A&limit=1000", headers=headers).get_json()
    for _ in range(PERMITS // 4000):  # about half way through zone A's permits
        deep = client.get(f"/api/enforcement/v1/permits?zone=A&limit=1000&after={deep['next_cursor']}", headers=headers)
        deep = deep.get_json()
    hour_ago = (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    for label, path in (
        ("GET .../permits?zone=A, first page of 500", "/api/enforcement/v1/permits?zone=A"),
        ("the same, a page half way through", f"/api/enforcement/v1/permits?zone=A&after={deep['next_cursor']}"),
        ("the same, changed_since an hour ago", f"/api/enforcement/v1/permits?zone=A&changed_since={hour_ago}"),
    ):
        timings = []
        for _ in range(max(10, CALLS // 20)):
            begun = time.perf_counter()
            response = client.get(path, headers=headers)
            timings.append((time.perf_counter() - begun) * 1000)
            assert response.status_code == 200, response.get_data(as_text=True)
            response.close()
        print(f"{label:<52} {summary(timings)} {'':>10}")


if __name__ == "__main__":
    sys.exit(main())
