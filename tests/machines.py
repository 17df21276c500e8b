"""Several Doorstep processes as several machines would run them: web processes (gunicorn) and
schedulers against one PostgreSQL, one Redis (a redis-server started here on a free port, keeping
nothing on disk) and one S3-compatible store. Used by tests/integration/test_many_machines.py."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from sqlalchemy.engine import make_url

from tests.local_process import ROOT, free_port
from tests.settings import ensure_postgresql_database

SECRET_KEY = "a-secret-key-every-machine-of-the-test-shares-0123456789"


def postgresql_url() -> str:
    """A database of this test's own on the PostgreSQL server TEST_DATABASE_URL names (CI's), or
    else the local one as its superuser: named after this checkout, so two checkouts never share it,
    and after the pytest-xdist process, so two processes never share it either."""
    given = os.environ.get("TEST_DATABASE_URL", "")
    if given.startswith("postgresql"):
        url = make_url(given)
    else:
        checkout = re.sub(r"[^a-z0-9]+", "_", ROOT.name.lower()).strip("_") or "checkout"
        url = make_url(f"postgresql+psycopg://postgres@127.0.0.1:5432/doorstep_{checkout}")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return ensure_postgresql_database(url, suffix=f"machines_{worker}")


class Redis:
    def __init__(self, directory: Path):
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed: `make test` installs it (apt-get install redis-server)")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = (directory / "redis.log").open("wb")
        command = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, cwd=directory, stdout=self.log, stderr=subprocess.STDOUT)
        import redis

        self.client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while True:
            try:
                self.client.ping()
                return
            except redis.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"redis-server did not start: {(directory / 'redis.log').read_text()}")
                time.sleep(0.05)

    def stop(self):
        self.client.close()
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log.close()


@dataclass
class Process:
    name: str
    process: subprocess.Popen
    log_path: Path
    outbox: Path
    url: str | None = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@dataclass
class Machines:
    directory: Path
    environ: dict
    processes: list[Process] = field(default_factory=list)

    def start(self, name: str, command: list[str], **extra_environ) -> Process:
        outbox = self.directory / name / "outbox"
        instance = self.directory / name / "instance"
        outbox.mkdir(parents=True)
        environ = {
            **self.environ,
            "MACHINE_NAME": name,
            "MESSAGE_OUTBOX_DIR": str(outbox),
            "DOORSTEP_INSTANCE_PATH": str(instance),
            **extra_environ,
        }
        log_path = self.directory / f"{name}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(command, cwd=ROOT, env=environ, stdout=log, stderr=subprocess.STDOUT)
        started = Process(name, process, log_path, outbox)
        self.processes.append(started)
        return started

    def web(self, name: str) -> Process:
        port = free_port()
        # Production's gunicorn.conf.py, with one worker of eight threads each and a short grace period.
        command = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"]
        started = self.start(
            name,
            command,
            WEB_BIND=f"127.0.0.1:{port}",
            WEB_WORKERS="1",
            WEB_THREADS="8",
            WEB_GRACEFUL_TIMEOUT="5",
        )
        started.url = f"http://127.0.0.1:{port}"
        return started

    def scheduler(self, name: str) -> Process:
        # DEBUG: every job run is logged, idle ones too, for the test to check none overlapped.
        command = [sys.executable, "-m", "flask", "scheduler", "run", "--tick", "0.5"]
        return self.start(name, command, LOG_LEVEL="DEBUG")

    def wait_until_serving(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        for started in self.processes:
            while started.url is not None:
                if started.process.poll() is not None:
                    pytest.fail(f"{started.name} stopped:\n{started.log()[-3000:]}")
                try:
                    if requests.get(f"{started.url}/healthz", timeout=5).status_code == 200:
                        break
                except requests.RequestException:
                    pass  # not listening yet, or its worker is still loading the app
                if time.monotonic() > deadline:
                    pytest.fail(f"{started.name} did not start serving:\n{started.log()[-3000:]}")
                time.sleep(0.1)

    def stop(self) -> dict[str, int | None]:
        """SIGTERM to each, as a machine shutting down sends; their exit codes."""
        for started in self.processes:
            if started.process.poll() is None:
                started.process.send_signal(signal.SIGTERM)
        codes = {}
        for started in self.processes:
            try:
                codes[started.name] = started.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                started.process.kill()
                codes[started.name] = None
        return codes


class Response:
    """What tests/pages.py reads from a Flask test response, from a real HTTP one."""

    def __init__(self, response: requests.Response):
        self.raw = response
        self.status_code = response.status_code
        self.headers = response.headers
        self.mimetype = response.headers.get("Content-Type", "").split(";")[0]

    def get_data(self, as_text: bool = False):
        return self.raw.text if as_text else self.raw.content


class BalancedBrowser:
    """One person's browser behind a load balancer that sends each request to the next machine in
    turn (no sticky sessions), from their own address (X-Forwarded-For, as the balancer adds it).
    Wrap it in tests.pages.PageClient to use the same helpers as the in-process tests."""

    def __init__(self, servers: list[str], address: str):
        self.session = requests.Session()
        self.servers = itertools.cycle(servers)
        self.address = address
        self.served_by: list[str] = []
        self.requests: list[tuple[str, str]] = []  # (method, path), in step with served_by

    def _send(self, method: str, path: str, headers=None, **options) -> Response:
        server = next(self.servers)
        self.served_by.append(server)
        self.requests.append((method, path))
        # A new connection each time: a kept-alive one the server has just timed out would be reset.
        headers = {"X-Forwarded-For": self.address, "Connection": "close", **(headers or {})}
        response = self.session.request(
            method, server + path, headers=headers, allow_redirects=False, timeout=60, **options
        )
        return Response(response)

    def get(self, path: str, **options) -> Response:
        return self._send("GET", path, **options)

    def post(self, path: str, data=None, **options) -> Response:
        fields, files = {}, {}
        for name, value in (data or {}).items():
            values = value if isinstance(value, list) else [value]
            if values and isinstance(values[0], tuple):  # an upload: (stream, file name)
                stream, filename = values[0]
                files[name] = (filename, stream)
            else:
                fields[name] = value
        return self._send("POST", path, data=fields, files=files or None, **options)
