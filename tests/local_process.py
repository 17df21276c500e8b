"""A local stand-in server (one of devtools/) started for the tests as its own process, from empty,
on a free port of 127.0.0.1, and stopped with them. Its log is kept in a file, not a pipe, which
could fill and stall it; it is read only to say why the stand-in stopped."""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalProcess:
    """`python -m <module> --port <free port> <arguments>`, waited for until it takes connections."""

    name = "the local stand-in"  # how errors name it

    def __init__(self, module: str, *arguments: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", module, "--port", str(self.port), *arguments]
        self.log = tempfile.TemporaryFile()  # noqa: SIM115  (closed in stop())
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"{self.name} stopped: " + self.log.read().decode())
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"{self.name} did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log.close()


class ConfigurableStandIn(LocalProcess):
    """A stand-in with the test controls under /_config/ (an admin key): outages and slowness for a
    while, and what it has received."""

    admin_key = ""

    def __init__(self, module: str, *arguments: str):
        super().__init__(module, "--admin-key", self.admin_key, *arguments)

    def _admin(self, method: str, path: str, **settings):
        response = requests.request(
            method,
            f"{self.url}/_config/{path}",
            json=settings or None,
            headers={"Authorization": f"Bearer {self.admin_key}"},
            timeout=10,
        )
        response.raise_for_status()
        return response.json()

    def outage(self, status: int, seconds: float = 60) -> None:
        """Every request fails with this status for `seconds`."""
        self._admin("POST", "outage", status=status, seconds=seconds)

    def slowness(self, delay: float, seconds: float = 60) -> None:
        """Every request waits `delay` seconds before it is answered, for `seconds`."""
        self._admin("POST", "slowness", delay=delay, seconds=seconds)

    def received(self) -> list[dict]:
        return self._admin("GET", "requests")
