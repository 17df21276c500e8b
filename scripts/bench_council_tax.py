"""Benchmark of the council tax import and pages, run by `make bench`.

Generates an extract of BENCH_CT_PROPERTIES made-up properties (default 200,000; one account each,
with three years of instalments and payments: about 25 transactions an account), then imports it twice, each
time in a process of its own: time and peak memory (maximum resident set size) of each run, and that
the second run changes nothing. Then, in the app, a resident who has linked BENCH_CT_SAMPLE accounts
spread over the table (default 200) opens each one's account page and bill page BENCH_CT_REPEATS
times (default 2): median and p99 server time, and queries per page. SQLite by default,
BENCH_DATABASE_URL for PostgreSQL (emptied first).
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from tests.database import reset_schema  # noqa: E402
from tests.settings import app_overrides, isolated_environ  # noqa: E402

PROPERTIES = int(os.environ.get("BENCH_CT_PROPERTIES", "200000"))
SAMPLE = int(os.environ.get("BENCH_CT_SAMPLE", "200"))
REPEATS = int(os.environ.get("BENCH_CT_REPEATS", "2"))
PASSWORD = "bench-resident-password"  # noqa: S105  (a made-up account in a throwaway database)
FLASK = str(Path(sys.executable).with_name("flask"))


def run(arguments: list[str], environ: dict) -> tuple[float, int, str]:
    """Seconds, peak memory in MB and output of one command in a process of its own."""
    started = time.perf_counter()
    process = subprocess.Popen([FLASK, *arguments], env=environ, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = process.stdout.read().decode()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 3):
        raise SystemExit(f"{' '.join(arguments)} failed:\n{output}")
    return time.perf_counter() - started, usage.ru_maxrss // 1024, output


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="doorstep-bench-council-tax-"))
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp / 'bench.sqlite'}"
    reset_schema(create_app(app_overrides(tmp, url), environ=isolated_environ(tmp)))
    environ = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "DATABASE_URL": url,
        "DOORSTEP_INSTANCE_PATH": str(tmp / "instance"),
        "SECRET_KEY": "bench-secret-key-that-is-long-enough-for-the-bench",
        "LOG_LEVEL": "WARNING",
    }
    folder = tmp / "extract"
    seconds, _memory, output = run(
        ["council-tax", "demo-extract", str(folder), "--synthetic", str(PROPERTIES), "--accounts-per-property", "1"],
        environ,
    )
    lines = {
        part.split(":")[0].strip(): part.split(":")[1].strip() for part in output.strip().splitlines()[-1].split(",")
    }
    print(f"Council tax import: {PROPERTIES} properties, database {url.split(':')[0]}")
    print(f"extract generated in {seconds:.0f} s: {', '.join(f'{name} {count}' for name, count in lines.items())}")
    print(f"{'run':<12} {'seconds':>8} {'peak MB':>8}  result")
    for label in ("first", "second"):
        seconds, memory, output = run(["council-tax", "import", str(folder), "--batch-size", "1000"], environ)
        result = " / ".join(line for line in output.splitlines() if line.startswith(("properties:", "accounts:")))
        print(f"{label:<12} {seconds:>8.1f} {memory:>8}  {result}")
        if label == "second" and (" 0 added, 0 updated" not in output or output.count(" 0 added, 0 updated") != 2):
            print("the second run changed something")
            return 1
    return pages(url, tmp)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def pages(url: str, tmp: Path) -> int:
    """The account page and the bill page of SAMPLE accounts spread over the table."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import CouncilTaxAccount, Role, User, utcnow
    from app.services import passwords
    from app.services.council_tax import links

    app = create_app(app_overrides(tmp, url, LOG_LEVEL="WARNING"), environ=isolated_environ(tmp))
    with app.test_request_context():
        total = db.session.scalar(sa.select(sa.func.count(CouncilTaxAccount.id)))
        step = max(total // SAMPLE, 1)
        references = list(
            db.session.scalars(
                sa.select(CouncilTaxAccount.reference)
                .where(CouncilTaxAccount.id % step == 0)
                .order_by(CouncilTaxAccount.id)
                .limit(SAMPLE)
            )
        )
        user = User(
            email="bench-council-tax@example.com",
            full_name="Bench Resident",
            password_hash=passwords.hash_password(PASSWORD),
            role=Role.RESIDENT,
            email_verified_at=utcnow(),
            language="en",
        )
        db.session.add(user)
        db.session.flush()
        for reference in references:
            links.link_demo_account(user, reference)
        db.session.commit()
    client = app.test_client()
    token = client.get("/sign-in").get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1]
    client.post(
        "/sign-in",
        data={"csrf_token": token.split('"')[0], "email": "bench-council-tax@example.com", "password": PASSWORD},
    )
    queries = []
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", lambda *args: queries.append(1))
    print(f"\nCouncil tax pages: {len(references)} linked accounts of {total}, {REPEATS} requests each")
    print(f"{'page':<14} {'median ms':>10} {'p99 ms':>8} {'queries':>8}")
    for name, suffix in (("account page", ""), ("bill page", "/bill")):
        timings, counts = [], []
        for _ in range(REPEATS):
            for reference in references:
                queries.clear()
                started = time.perf_counter()
                response = client.get(f"/services/council-tax/accounts/{reference}{suffix}")
                timings.append((time.perf_counter() - started) * 1000)
                counts.append(len(queries))
                if response.status_code != 200:
                    print(f"{name} for {reference} answered {response.status_code}")
                    return 1
        print(
            f"{name:<14} {statistics.median(timings):>10.2f} {percentile(timings, 0.99):>8.2f}"
            f" {statistics.median(counts):>8.0f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
