"""Benchmark: the staff list of assisted sessions ("Volunteers helping people") as it grows.

Every time a volunteer helps someone is one row, for ever, so the list must cost the same on its
400th page as on its first. With BENCH_ASSISTED_SESSIONS sessions (default 500,000: a hundred
libraries' kiosks for about ten years), it times the first page, page 400 reached through the
"Next" link (keyset), and page 400 typed as a number (read by offset), median and p99 of
BENCH_REPEATS requests each (default 30). BENCH_DATABASE_URL measures on PostgreSQL.
"""

import os
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
from app.models import AssistedSession, User, utcnow  # noqa: E402
from app.services import demo  # noqa: E402
from tests.database import reset_schema  # noqa: E402
from tests.settings import app_overrides, isolated_environ  # noqa: E402

SESSIONS = int(os.environ.get("BENCH_ASSISTED_SESSIONS", "500000"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "30"))


def seed(app) -> None:
    with app.app_context():
        demo.load()
        volunteer_id = db.session.scalar(sa.select(User.id).where(User.email == demo.DEMO_ACCOUNTS[2].email))
        started = utcnow() - timedelta(minutes=SESSIONS)
        batch = []
        for number in range(SESSIONS):
            at = started + timedelta(minutes=number)
            batch.append(
                {
                    "volunteer_id": volunteer_id,
                    "person_name": f"Bench person {number}",
                    "consent_given": "in_person",
                    "consent_services": ["missed-bin"],
                    "consent_lasts": "visit",
                    "consent_expires_at": at + timedelta(hours=1),
                    "started_at": at,
                    "ended_at": at + timedelta(minutes=20),
                    "confirm_by_post": False,
                }
            )
            if len(batch) == 20000:
                db.session.execute(sa.insert(AssistedSession), batch)
                batch.clear()
        if batch:
            db.session.execute(sa.insert(AssistedSession), batch)
        db.session.commit()


def timed(client, url: str) -> tuple[float, float]:
    timings = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        response.close()
    return statistics.median(timings), statistics.quantiles(timings, n=100)[-1]


def next_link(client, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    return html.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="doorstep-bench-assisted-"))
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp / 'bench.sqlite'}"
    app = create_app(app_overrides(tmp, url, LOG_LEVEL="WARNING"), environ=isolated_environ(tmp))
    reset_schema(app)
    seed(app)
    client = app.test_client()
    token = client.get("/sign-in").get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1]
    staff = demo.DEMO_ACCOUNTS[4]
    client.post("/sign-in", data={"csrf_token": token.split('"')[0], "email": staff.email, "password": staff.password})
    page_399 = "/staff/assisted?page=399"
    views = [
        ("first page", "/staff/assisted"),
        ("page 400 by its Next link", next_link(client, page_399)),
        ("page 400 typed", "/staff/assisted?page=400"),
    ]
    print(f"Assisted sessions list: {SESSIONS} sessions, database {url.split(':')[0]}, {REPEATS} requests each")
    print(f"{'view':<28} {'median ms':>10} {'p99 ms':>8}")
    for name, view in views:
        median, p99 = timed(client, view)
        print(f"{name:<28} {median:>10.2f} {p99:>8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
