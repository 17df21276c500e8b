"""The local DVLA stand-in (devtools/local_dvla.py) started for the tests, from empty, on a free port."""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time

import requests

from tests.local_stripe import ROOT, free_port

API_KEY = "doorstep-local-dvla-key"
ADMIN_KEY = "doorstep-local-dvla-admin"


class LocalDvla:
    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "devtools.local_dvla", "--port", str(self.port), "--admin-key", ADMIN_KEY]
        self.log = tempfile.TemporaryFile()  # noqa: SIM115  (closed in stop(); a pipe could fill and stall it)
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise RuntimeError("the local DVLA stand-in stopped: " + self.log.read().decode())
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the local DVLA stand-in did not start")

    def _admin(self, method: str, path: str, **settings) -> dict:
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
        """Every look-up fails with this status (429, 500, 502, 503 or 504) for `seconds`."""
        self._admin("POST", "outage", status=status, seconds=seconds)

    def slowness(self, delay: float, seconds: float = 60) -> None:
        """Every look-up waits `delay` seconds before it is answered, for `seconds`."""
        self._admin("POST", "slowness", delay=delay, seconds=seconds)

    def back_to_normal(self) -> None:
        self._admin("DELETE", "outage")
        self._admin("DELETE", "slowness")

    def received(self) -> list[dict]:
        """The look-ups the stand-in has received (registrationNumber, correlationId, contentType)."""
        return self._admin("GET", "requests")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log.close()


def close_vehicle_client(application) -> None:
    """Close the connections of an app's DVLA client (app.services.vehicles.client()), if it made one."""
    client = application.extensions.get("dvla_client")
    if client is not None:
        client.close()
