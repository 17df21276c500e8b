"""A local stand-in for the DVLA Vehicle Enquiry Service API, for development and tests.

It speaks the real protocol: POST /vehicle-enquiry/v1/vehicles with an `x-api-key` header and
JSON {"registrationNumber": "AB12CDE"}, answered with the DVLA's documented bodies and statuses.
A wrong or missing key gets 403 {"message": "Forbidden"}, the API gateway's answer. The vehicles it
knows are data (devtools/dvla_vehicles.yaml): the DVLA's published test registration numbers,
errors included, and Doorstep's demo vehicles. Any other well-formed registration number is
"Vehicle Not Found", as on the real service.

For tests, outside the DVLA's protocol and only with the admin key
(`Authorization: Bearer <admin key>`):

    POST   /_config/outage    {"status": 503, "seconds": 30}   every look-up fails this way for a while
    DELETE /_config/outage                                      ends it now
    POST   /_config/slowness  {"delay": 2.5, "seconds": 30}    every look-up waits first
    DELETE /_config/slowness
    GET    /_config/requests                                    the last look-ups received (newest last)

It never runs in production: it refuses to start there, it listens on 127.0.0.1 only, and the
production configuration accepts only the DVLA's own addresses.

    python -m devtools.local_dvla --port 8421
"""

from __future__ import annotations

import argparse
import asyncio
import calendar
import json
import logging
import os
import re
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import yaml
from aiohttp import web

VEHICLES_FILE = Path(__file__).with_name("dvla_vehicles.yaml")
ENQUIRY_PATH = "/vehicle-enquiry/v1/vehicles"
# Not secrets: config.py's development key (the app sends it outside production) and the key the
# tests use to configure this server.
DEVELOPMENT_API_KEY = "doorstep-local-dvla-key"
DEVELOPMENT_ADMIN_KEY = "doorstep-local-dvla-admin"  # noqa: S105
OUTAGE_STATUSES = {429, 500, 502, 503, 504}
# What the API gateway in front of the service says when the service itself cannot answer.
GATEWAY_BODIES = {502: {"message": "Bad Gateway"}, 504: {"message": "Endpoint request timed out"}}
FORBIDDEN = {"message": "Forbidden"}
RELATIVE_DATE = re.compile(r"today(?:([+-]\d{1,3})([dmy]))?")
REGISTRATION = re.compile(r"[A-Z0-9]{1,7}")


@dataclass
class Vehicle:
    status: int
    purpose: str
    body: dict


@dataclass
class Spell:
    """An outage or slowness that lasts until `ends` (time.monotonic())."""

    value: float
    ends: float

    def active(self) -> bool:
        return time.monotonic() < self.ends


@dataclass
class State:
    api_key: str
    admin_key: str
    vehicles: dict[str, Vehicle]
    outage: Spell | None = None
    slowness: Spell | None = None
    received: deque = field(default_factory=lambda: deque(maxlen=100))

    def error_body(self, status: int) -> dict:
        """The body the DVLA's test vehicles answer with for this status."""
        for vehicle in self.vehicles.values():
            if vehicle.status == status:
                return vehicle.body
        return GATEWAY_BODIES.get(status, {"message": "Service Unavailable"})


STATE = web.AppKey("state", State)


def load_vehicles(path: Path = VEHICLES_FILE) -> dict[str, Vehicle]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    vehicles = {}
    for registration, entry in data["vehicles"].items():
        if not REGISTRATION.fullmatch(registration):
            raise ValueError(f"{path.name}: {registration!r} must be upper case letters and digits, no spaces")
        vehicles[registration] = Vehicle(int(entry.get("status", 200)), entry["for"], entry["body"])
    return vehicles


def resolve_dates(value, today: date):
    """The body with every "today", "today+1y", "today-7m" or "today+45d" made a real date."""
    if isinstance(value, dict):
        return {key: resolve_dates(item, today) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve_dates(item, today) for item in value]
    if isinstance(value, str) and (relative := RELATIVE_DATE.fullmatch(value)):
        amount, unit = relative.groups()
        return shift(today, int(amount or 0), unit or "d").isoformat()
    return value


def shift(day: date, amount: int, unit: str) -> date:
    if unit == "d":
        return day + timedelta(days=amount)
    months = amount * (12 if unit == "y" else 1)
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


async def enquiry(request: web.Request) -> web.Response:
    state: State = request.app[STATE]
    if request.headers.get("x-api-key") != state.api_key:
        return web.json_response(FORBIDDEN, status=403)
    if state.slowness and state.slowness.active():
        await asyncio.sleep(state.slowness.value)
    try:
        payload = json.loads(await request.read())
    except (ValueError, UnicodeDecodeError):
        payload = None
    registration = payload.get("registrationNumber") if isinstance(payload, dict) else None
    state.received.append(
        {
            "registrationNumber": registration if isinstance(registration, str) else None,
            "correlationId": request.headers.get("X-Correlation-Id"),
            "contentType": request.headers.get("Content-Type"),
        }
    )
    if state.outage and state.outage.active():
        status = int(state.outage.value)
        return web.json_response(state.error_body(status), status=status)
    if not isinstance(registration, str) or not REGISTRATION.fullmatch(registration):
        return web.json_response(state.error_body(400), status=400)
    vehicle = state.vehicles.get(registration)
    if vehicle is None:
        return web.json_response(state.error_body(404), status=404)
    return web.json_response(resolve_dates(vehicle.body, date.today()), status=vehicle.status)


# Test support, with the admin key only ---------------------------------------------------------


@web.middleware
async def admin_only(request: web.Request, handler):
    admin = f"Bearer {request.app[STATE].admin_key}"
    if request.path.startswith("/_config/") and request.headers.get("Authorization") != admin:
        return web.json_response(FORBIDDEN, status=403)
    return await handler(request)


async def _settings(request: web.Request) -> dict:
    try:
        settings = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="send a JSON object") from None
    seconds = settings.get("seconds") if isinstance(settings, dict) else None
    if not isinstance(seconds, int | float) or not 0 < seconds <= 3600:
        raise web.HTTPBadRequest(text="seconds must be a number from 0 to 3600")
    return settings


async def start_outage(request: web.Request) -> web.Response:
    settings = await _settings(request)
    if settings.get("status") not in OUTAGE_STATUSES:
        raise web.HTTPBadRequest(text=f"status must be one of {sorted(OUTAGE_STATUSES)}")
    request.app[STATE].outage = Spell(settings["status"], time.monotonic() + settings["seconds"])
    return web.json_response({"outage": settings["status"], "seconds": settings["seconds"]})


async def end_outage(request: web.Request) -> web.Response:
    request.app[STATE].outage = None
    return web.json_response({"outage": None})


async def start_slowness(request: web.Request) -> web.Response:
    settings = await _settings(request)
    delay = settings.get("delay")
    if not isinstance(delay, int | float) or not 0 < delay <= 60:
        raise web.HTTPBadRequest(text="delay must be a number of seconds from 0 to 60")
    request.app[STATE].slowness = Spell(delay, time.monotonic() + settings["seconds"])
    return web.json_response({"delay": delay, "seconds": settings["seconds"]})


async def end_slowness(request: web.Request) -> web.Response:
    request.app[STATE].slowness = None
    return web.json_response({"delay": None})


async def received(request: web.Request) -> web.Response:
    return web.json_response(list(request.app[STATE].received))


def build_app(api_key: str = DEVELOPMENT_API_KEY, admin_key: str = DEVELOPMENT_ADMIN_KEY) -> web.Application:
    app = web.Application(middlewares=[admin_only], client_max_size=64 * 1024)
    app[STATE] = State(api_key=api_key, admin_key=admin_key, vehicles=load_vehicles())
    app.router.add_post(ENQUIRY_PATH, enquiry)
    app.router.add_post("/_config/outage", start_outage)
    app.router.add_delete("/_config/outage", end_outage)
    app.router.add_post("/_config/slowness", start_slowness)
    app.router.add_delete("/_config/slowness", end_slowness)
    app.router.add_get("/_config/requests", received)
    return app


def main(argv=None) -> None:
    if os.environ.get("DOORSTEP_ENV") == "production":
        raise SystemExit("The local DVLA stand-in is for development and tests only, never production")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("LOCAL_DVLA_PORT", "8421")))
    parser.add_argument("--api-key", default=DEVELOPMENT_API_KEY, help="the x-api-key it accepts")
    parser.add_argument("--admin-key", default=DEVELOPMENT_ADMIN_KEY, help="the key for /_config/ (tests)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    # 127.0.0.1 only.
    web.run_app(
        build_app(args.api_key, args.admin_key),
        host="127.0.0.1",
        port=args.port,
        access_log=None,
        print=lambda message: print(message, flush=True),
    )


if __name__ == "__main__":
    main()
