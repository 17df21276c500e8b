"""The local stand-in county Open311 server (devtools/local_county311.py), started for the tests that
need it, from empty, on a free port."""

from __future__ import annotations

from tests.local_process import ConfigurableStandIn

ADMIN_KEY = "doorstep-local-county311-admin"


class LocalCounty311(ConfigurableStandIn):
    name = "the local county Open311 stand-in"
    admin_key = ADMIN_KEY

    def __init__(self):
        super().__init__("devtools.local_county311")
        self.endpoint = f"{self.url}/open311/v2/"

    def misbehave(self, answer: str, seconds: float = 60) -> None:
        """POST requests.json answers 200 with junk, huge, empty or token."""
        self._admin("POST", "misbehave", answer=answer, seconds=seconds)

    def change(self, service_request_id: str, status: str, status_notes: str = "") -> dict:
        return self._admin("POST", f"requests/{service_request_id}", status=status, status_notes=status_notes)

    def back_to_normal(self) -> None:
        for path in ("outage", "slowness", "misbehave"):
            self._admin("DELETE", path)
