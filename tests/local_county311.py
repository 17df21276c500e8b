"""The local stand-in county Open311 server (devtools/local_county311.py), started for the tests that
need it, from empty, on a free port."""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time

import requests

from tests.local_stripe import ROOT, free_port

ADMIN_KEY = "doorstep-local-county311-admin"


class LocalCounty311:
    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.endpoint = f"{self.url}/open311/v2/"
        command = [sys.executable, "-m", "devtools.local_county311", "--port", str(self.port), "--admin-key", ADMIN_KEY]
        self.log = tempfile.TemporaryFile()  # noqa: SIM115  (closed in stop(); a pipe could fill and stall it)
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise RuntimeError("the local county Open311 stand-in stopped: " + self.log.read().decode())
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the local county Open311 stand-in did not start")

    def _admin(self, method: str, path: str, **settings):
        response = requests.request(
            method,
            f"{self.url}/_config/{path}",
            json=settings or None,
            headers={"Authorization": f"Bearer {ADMIN_KEY}"},
            timeout=10,
        )
        response.raise_for_status()
        return response.json()

    def outage(self, status: int, seconds: float = 60) -> None:
        self._admin("POST", "outage", status=status, seconds=seconds)

    def slowness(self, delay: float, seconds: float = 60) -> None:
        self._admin("POST", "slowness", delay=delay, seconds=seconds)

    def misbehave(self, answer: str, seconds: float = 60) -> None:
        """POST requests.json answers 200 with junk, huge, empty or token."""
        self._admin("POST", "misbehave", answer=answer, seconds=seconds)

    def change(self, service_request_id: str, status: str, status_notes: str = "") -> dict:
        return self._admin("POST", f"requests/{service_request_id}", status=status, status_notes=status_notes)

    def back_to_normal(self) -> None:
        for path in ("outage", "slowness", "misbehave"):
            self._admin("DELETE", path)

    def received(self) -> list[dict]:
        return self._admin("GET", "requests")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log.close()
