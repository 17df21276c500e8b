"""Benchmark: what checking an API key costs each call an API takes.

With BENCH_API_KEYS keys in the table (default 10,000; a council has tens, this is headroom), it
times the key check on its own, then whole requests to a test-only API (tests/api_app.py, registered
on the benchmark's own app) with a key and without one, and counts the database statements per call
and the "last used" writes over the run. Run with `make bench`; BENCH_REPEATS (default 30) scales the
number of calls; BENCH_DATABASE_URL measures on PostgreSQL.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask import Blueprint  # noqa: E402

from app import create_app  # noqa: E402
from app.api import register_api_blueprint  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import ApiKey, utcnow  # noqa: E402
from app.services import api_keys  # noqa: E402
from tests.api_app import BEARER_PREFIX, register_test_apis  # noqa: E402
from tests.database import reset_schema  # noqa: E402
from tests.settings import app_overrides, isolated_environ  # noqa: E402

KEYS = int(os.environ.get("BENCH_API_KEYS", "10000"))
CALLS = int(os.environ.get("BENCH_REPEATS", "30")) * 100


def baseline_api() -> Blueprint:
    """A view that reads one row and checks no key: what any API view pays for the database anyway."""
    bp = Blueprint("bench_baseline_api", __name__, url_prefix="/api/bench/v1")

    @bp.get("/one-row")
    def one_row():
        return {"id": db.session.scalar(sa.select(ApiKey.id).limit(1))}

    return bp


def seed(app) -> str:
    """KEYS keys (every tenth revoked), and one more whose secret is returned."""
    with app.app_context():
        now = utcnow()
        rows = [
            {
                "name": f"Bench key {i}",
                "scope": api_keys.ENFORCEMENT if i % 2 else api_keys.OPEN311,
                "prefix": f"{i:08x}",
                "secret_hash": api_keys.hash_secret(f"bench {i}"),
                "created_at": now,
                "revoked_at": now if i % 10 == 0 else None,
            }
            for i in range(KEYS)
        ]
        for start in range(0, len(rows), 5000):
            db.session.execute(sa.insert(ApiKey), rows[start : start + 5000])
        created = api_keys.create("Bench handhelds", api_keys.ENFORCEMENT, created_by=None)
        db.session.commit()
        return created.secret


def summary(timings: list[float]) -> str:
    ordered = sorted(timings)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"{statistics.median(ordered):>10.3f} {p99:>8.3f}"


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="doorstep-bench-keys-"))
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp / 'bench.sqlite'}"
    app = create_app(app_overrides(tmp, url, LOG_LEVEL="WARNING"), environ=isolated_environ(tmp))
    register_test_apis(app)
    register_api_blueprint(app, baseline_api())
    reset_schema(app)
    secret = seed(app)
    statements, writes = [], []

    def count(conn, cursor, statement, *args):
        statements.append(1)
        if statement.lstrip().upper().startswith("UPDATE API_KEYS"):
            writes.append(1)

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", count)

    print(f"API keys: {KEYS + 1} keys, {CALLS} calls each, database {url.split(':')[0]}")
    print(f"{'what':<52} {'median ms':>10} {'p99 ms':>8} {'statements':>10}")

    with app.app_context():
        timings = []
        statements.clear()
        for _ in range(CALLS):
            started = time.perf_counter()
            assert api_keys.check(api_keys.ENFORCEMENT, secret).key is not None
            timings.append((time.perf_counter() - started) * 1000)
        db.session.commit()
        print(f"{'api_keys.check, good key':<52} {summary(timings)} {len(statements) / CALLS:>10.2f}")
        db.session.execute(sa.update(ApiKey).values(last_used_at=None))
        db.session.commit()

    client = app.test_client()
    cases = [
        ("request, good key", f"{BEARER_PREFIX}/whoami", {"Authorization": f"Bearer {secret}"}, 200),
        ("request, unknown key", f"{BEARER_PREFIX}/whoami", {"Authorization": "Bearer dsk_ffffffff_" + "a" * 43}, 401),
        ("request, no key", f"{BEARER_PREFIX}/whoami", {}, 401),
        ("baseline: a view without a key check, no database", f"{BEARER_PREFIX}/public", {}, 200),
        ("baseline: a view without a key check, reads one row", "/api/bench/v1/one-row", {}, 200),
    ]
    for label, path, headers, status in cases:
        timings = []
        statements.clear()
        writes.clear()
        for _ in range(CALLS):
            started = time.perf_counter()
            response = client.get(path, headers=headers)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == status, (label, response.status_code)
            response.close()
        print(f"{label:<52} {summary(timings)} {len(statements) / CALLS:>10.2f}")
        if label == "request, good key":
            good_writes = len(writes)
    print(f'"last used" writes during {CALLS} calls with one key: {good_writes} (at most one a minute)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
