"""Benchmark of the council tax import, run by `make bench`.

Generates an extract of BENCH_CT_PROPERTIES made-up properties (default 200,000; one account each,
with three years of instalments and payments: about 25 transactions an account), then imports it twice, each
time in a process of its own: time and peak memory (maximum resident set size) of each run, and that
the second run changes nothing. SQLite by default, BENCH_DATABASE_URL for PostgreSQL (emptied first).
"""

import os
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
