"""The local DVLA stand-in (devtools/local_dvla.py) started for the tests, from empty, on a free port."""

from __future__ import annotations

from tests.local_process import ConfigurableStandIn

API_KEY = "doorstep-local-dvla-key"
ADMIN_KEY = "doorstep-local-dvla-admin"


class LocalDvla(ConfigurableStandIn):
    """received(): the look-ups it has had (registrationNumber, correlationId, contentType)."""

    name = "the local DVLA stand-in"
    admin_key = ADMIN_KEY

    def __init__(self):
        super().__init__("devtools.local_dvla")

    def back_to_normal(self) -> None:
        self._admin("DELETE", "outage")
        self._admin("DELETE", "slowness")


def close_vehicle_client(application) -> None:
    """Close the connections of an app's DVLA client (app.services.vehicles.client()), if it made one."""
    client = application.extensions.get("dvla_client")
    if client is not None:
        client.close()
