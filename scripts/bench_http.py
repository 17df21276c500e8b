"""HTTP load test of gunicorn in the production configuration: requests a second, median and p99
latency at 10 and 50 connections for the question page, the home page, the account page and the
staff inbox (signed in as staff), and each worker's memory before and after.

Run by `make bench` (which installs Debian's `wrk`, the load generator). gunicorn runs with the
repository's gunicorn.conf.py and DOORSTEP_ENV=production against PostgreSQL and Redis, as on a
council's machine: the local server as `postgres` (database doorstep_bench_http), or the one
BENCH_HTTP_DATABASE_URL names, and a redis-server started here on a free port. Settings:
BENCH_HTTP_SECONDS (10) per run, BENCH_HTTP_CONNECTIONS ("10,50"), WEB_WORKERS (2) and
WEB_THREADS (4) as gunicorn.conf.py reads them, BENCH_HTTP_ROOT to measure another checkout of
Doorstep with this gunicorn.conf.py (for before and after figures).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import sqlalchemy as sa
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
APP_ROOT = Path(os.environ.get("BENCH_HTTP_ROOT") or ROOT).resolve()
sys.path.insert(0, str(ROOT))

from tests.local_process import free_port  # noqa: E402

SECONDS = int(os.environ.get("BENCH_HTTP_SECONDS", "10"))
CONNECTIONS = [int(n) for n in os.environ.get("BENCH_HTTP_CONNECTIONS", "10,50").split(",")]
PAGES = {
    "question page": "/services/missed-bin/bin-type",
    "home page": "/",
    "account page": "/account/",
    "staff inbox": "/staff/cases",
}
STAFF = ("staff@demo.doorstep.example", "demo-staff-pass")


def database_url() -> str:
    url = make_url(
        os.environ.get("BENCH_HTTP_DATABASE_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/doorstep_bench_http"
    )
    engine = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
    engine.dispose()
    return url.render_as_string(hide_password=False)


def start_redis(directory: Path) -> tuple[subprocess.Popen, str]:
    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit("The HTTP bench needs redis-server: make bench installs it (apt-get install redis-server)")
    port = free_port()
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    process = subprocess.Popen(command, cwd=directory, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return process, f"redis://127.0.0.1:{port}/0"


def production_environ(directory: Path, database: str, redis_url: str, port: int) -> dict:
    return {
        "PATH": os.environ.get("PATH", ""),
        "DOORSTEP_ENV": "production",
        "SECRET_KEY": "a-secret-key-only-for-the-http-benchmark-0123456789",
        "DATABASE_URL": database,
        "PUBLIC_BASE_URL": "https://doorstep.example",
        "RATELIMIT_STORAGE_URI": redis_url,
        "MESSAGE_DELIVERY": "smtp",
        "STRIPE_SECRET_KEY": "sk_test_only_for_the_http_benchmark",
        "STRIPE_WEBHOOK_SECRET": "whsec_only_for_the_http_benchmark",
        "DVLA_API_BASE": "https://uat.driver-vehicle-licensing.api.gov.uk",
        "DVLA_API_KEY": "only-for-the-http-benchmark",
        "DOORSTEP_INSTANCE_PATH": str(directory / "instance"),
        "LOG_LEVEL": "WARNING",
        "FLASK_APP": "wsgi",
        "WEB_BIND": f"127.0.0.1:{port}",
        "WEB_WORKERS": os.environ.get("WEB_WORKERS", "2"),
        "WEB_THREADS": os.environ.get("WEB_THREADS", "4"),
        "WEB_ACCESS_LOG": "false",  # as the app logs each request too; kept off so the figures are the app's
        "WEB_MAX_REQUESTS": "0",  # no worker is replaced in the middle of a run
    }


def flask(environ: dict, *arguments: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "flask", *arguments], cwd=APP_ROOT, env=environ, check=True, capture_output=True
    )


def sign_in(base: str) -> str:
    """Signs the demo member of staff in; the Cookie header for their requests. (Production's
    cookies are Secure, which requests keeps to https, so the header is made here.)"""
    cookies: dict[str, str] = {}

    def remember(response):
        for name, value in response.cookies.items():
            cookies[name] = value

    page = requests.get(f"{base}/sign-in", timeout=10)
    remember(page)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)[1]
    header = "; ".join(f"{name}={value}" for name, value in cookies.items())
    response = requests.post(
        f"{base}/sign-in",
        data={"csrf_token": token, "email": STAFF[0], "password": STAFF[1]},
        headers={"Cookie": header},
        allow_redirects=False,
        timeout=10,
    )
    remember(response)
    assert response.status_code == 302, f"signing in failed: {response.status_code}"
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def workers_of(master: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()
    return sorted(int(pid) for pid in found)


def memory_mb(pid: int) -> tuple[float, float]:
    """Resident and proportional set size (shared pages divided among the processes sharing them)."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        fields[name] = int(value.split()[0])
    return fields["Rss"] / 1024, fields["Pss"] / 1024


def wrk(url: str, cookie: str, connections: int) -> dict:
    command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{SECONDS}s", "--latency"]
    command += ["-H", f"Cookie: {cookie}", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    assert non_2xx is None, f"{url} answered errors under load:\n{output}"
    assert "Socket errors" not in output or "timeout 0" in output, output

    def latency(percent: str) -> float:
        value, unit = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        "p50": latency("50"),
        "p99": latency("99"),
    }


def main() -> int:
    if shutil.which("wrk") is None:
        sys.exit("The HTTP bench needs wrk: make bench installs it (apt-get install wrk)")
    directory = Path(tempfile.mkdtemp(prefix="doorstep-http-bench-"))
    database = database_url()
    redis, redis_url = start_redis(directory)
    port = free_port()
    environ = production_environ(directory, database, redis_url, port)
    gunicorn = None
    try:
        flask(environ, "db", "upgrade")
        flask(environ | {"DOORSTEP_ENV": "development", "DEV_OUTBOX_PAGE": "false"}, "demo", "load")
        log = (directory / "gunicorn.log").open("wb")
        command = [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py"), "wsgi:app"]
        gunicorn = subprocess.Popen(command, cwd=APP_ROOT, env=environ, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if gunicorn.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"gunicorn did not start:\n{(directory / 'gunicorn.log').read_text()[-3000:]}")
            time.sleep(0.2)
        cookie = sign_in(base)
        for path in PAGES.values():  # every page answers, and each worker has loaded it once
            for _ in range(20):
                response = requests.get(base + path, headers={"Cookie": cookie}, timeout=10)
                assert response.status_code == 200, f"{path}: {response.status_code}"
        workers = workers_of(gunicorn.pid)
        before = {pid: memory_mb(pid) for pid in workers}
        print(
            f"HTTP load test: gunicorn with gunicorn.conf.py, {environ['WEB_WORKERS']} workers x "
            f"{environ['WEB_THREADS']} threads, DOORSTEP_ENV=production, PostgreSQL and Redis, signed in as "
            f"staff; wrk for {SECONDS} s per line on the same machine ({os.cpu_count()} cores)"
        )
        print(f"{'page':<16} {'connections':>11} {'requests/s':>11} {'median ms':>10} {'p99 ms':>8}")
        for name, path in PAGES.items():
            for connections in CONNECTIONS:
                figures = wrk(base + path, cookie, connections)
                print(
                    f"{name:<16} {connections:>11} {figures['rps']:>11.0f} {figures['p50']:>10.2f} "
                    f"{figures['p99']:>8.2f}"
                )
        after = {pid: memory_mb(pid) for pid in workers_of(gunicorn.pid)}
        print("worker memory (MB): resident (RSS) and proportional (PSS), before and after the load")
        for pid in sorted(set(before) | set(after)):
            was = "{:.1f} / {:.1f}".format(*before[pid]) if pid in before else "-"
            now = "{:.1f} / {:.1f}".format(*after[pid]) if pid in after else "- (replaced)"
            print(f"  worker {pid}: before {was}, after {now}")
    finally:
        if gunicorn is not None and gunicorn.poll() is None:
            gunicorn.send_signal(signal.SIGTERM)
            gunicorn.wait(timeout=30)
        redis.terminate()
        redis.wait(timeout=10)
        shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
