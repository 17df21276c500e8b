"""A local stand-in for a county council's Open311 GeoReport v2 server, for development and tests.

In a two-tier area Doorstep sends the reports the county deals with (roads, say) to the county's
Open311 endpoint (app/services/county_forwards.py). This server speaks that protocol, as the
standard (https://wiki.open311.org/GeoReport_v2) and FixMyStreet's Open311 client use it:

    GET  /open311/v2/services.json                  the county's services (service_code, service_name)
    POST /open311/v2/requests.json                  form fields: api_key, service_code, lat and long or
                                                    address_string, description, email, first_name,
                                                    last_name, phone, media_url, attribute[...];
                                                    answers [{"service_request_id", "service_notice"}]
    GET  /open311/v2/requests/<id>.json             [{"service_request_id", "status", "status_notes", ...}]
    GET  /open311/v2/tokens/<token>.json            [{"service_request_id", "token"}]

Errors are the standard's list, [{"code": 403, "description": "..."}], with that HTTP status. It is
not Doorstep's own Open311 server (app/open311/), and keeps what it receives in memory only.

For tests, outside the protocol and only with the admin key (`Authorization: Bearer <admin key>`):

    POST   /_config/outage     {"status": 503, "seconds": 30}   every request fails this way for a while
    POST   /_config/slowness   {"delay": 2.5, "seconds": 30}    every request waits first
    POST   /_config/misbehave  {"answer": "junk", "seconds": 30} POST requests.json answers 200 with
                               junk (not JSON), huge (a megabyte of JSON), empty ([]), or token (a
                               token instead of an id)
    DELETE /_config/outage, /_config/slowness, /_config/misbehave   end it now
    POST   /_config/requests/<id>  {"status": "closed", "status_notes": "..."}   the county's update
    GET    /_config/requests   the requests received (newest last)

It never runs in production: it refuses to start there, listens on 127.0.0.1 only, and the
production configuration never sends reports to it.

    python -m devtools.local_county311 --port 8422
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import os
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime

from aiohttp import web

PREFIX = "/open311/v2"
# Not secrets: config.py's development key (the app sends it outside production) and the key the
# tests use to configure this server.
DEVELOPMENT_API_KEY = "doorstep-local-county311-key"
DEVELOPMENT_ADMIN_KEY = "doorstep-local-county311-admin"  # noqa: S105
SERVICES = [
    {"service_code": "POTHOLE", "service_name": "Pothole or damaged road", "group": "Roads"},
    {"service_code": "PAVEMENT", "service_name": "Broken or uneven pavement", "group": "Roads"},
    {"service_code": "STREETLIGHT", "service_name": "Street light out or damaged", "group": "Lighting"},
]
OUTAGE_STATUSES = {429, 500, 502, 503, 504}
MISBEHAVIOURS = {"junk", "huge", "empty", "token"}
STATUSES = {"open", "closed"}


@dataclass
class Spell:
    value: object
    ends: float

    def active(self) -> bool:
        return time.monotonic() < self.ends


@dataclass
class State:
    api_key: str
    admin_key: str
    numbers: itertools.count = field(default_factory=lambda: itertools.count(100001))
    requests: dict[str, dict] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    received: deque = field(default_factory=lambda: deque(maxlen=200))
    outage: Spell | None = None
    slowness: Spell | None = None
    misbehaviour: Spell | None = None


STATE = web.AppKey("state", State)


def error(status: int, description: str) -> web.Response:
    return web.json_response([{"code": status, "description": description}], status=status)


def now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


async def services(request: web.Request) -> web.Response:
    return web.json_response(
        [service | {"metadata": False, "type": "realtime", "description": "", "keywords": ""} for service in SERVICES]
    )


def _number(value: str | None, low: float, high: float) -> float | None:
    try:
        number = float(value) if value not in (None, "") else None
    except ValueError:
        return None
    return number if number is not None and low <= number <= high else None


async def post_request(request: web.Request) -> web.Response:
    state: State = request.app[STATE]
    if state.slowness and state.slowness.active():
        await asyncio.sleep(float(state.slowness.value))
    fields = await request.post()
    state.received.append({key: fields.getall(key) if len(fields.getall(key)) > 1 else fields[key] for key in fields})
    if state.outage and state.outage.active():
        status = int(state.outage.value)
        return error(status, "The service is not available: try again later")
    if fields.get("api_key") != state.api_key:
        return error(403, "Invalid api_key")
    service_code = fields.get("service_code")
    if not service_code:
        return error(400, "service_code is required")
    if service_code not in {service["service_code"] for service in SERVICES}:
        return error(404, f"Service {service_code} not found")
    lat, long = _number(fields.get("lat"), -90, 90), _number(fields.get("long"), -180, 180)
    if (lat is None or long is None) and not fields.get("address_string"):
        return error(400, "lat and long, address_string or address_id is required")
    misbehaviour = state.misbehaviour.value if state.misbehaviour and state.misbehaviour.active() else None
    if misbehaviour == "junk":
        return web.Response(text="<html><body>Welcome to Northshire</body></html>", content_type="text/html")
    if misbehaviour == "huge":
        return web.json_response([{"service_request_id": "x" * 100, "padding": "y" * (1024 * 1024)}])
    if misbehaviour == "empty":
        return web.json_response([])
    service_request_id = f"NS-{next(state.numbers)}"
    state.requests[service_request_id] = {
        "service_request_id": service_request_id,
        "status": "open",
        "status_notes": "",
        "service_code": service_code,
        "service_name": next(s["service_name"] for s in SERVICES if s["service_code"] == service_code),
        "description": fields.get("description", ""),
        "agency_responsible": "Northshire County Council",
        "requested_datetime": now(),
        "updated_datetime": now(),
        "address": fields.get("address_string", ""),
        "lat": lat,
        "long": long,
        "media_url": fields.get("media_url", ""),
    }
    notice = "Northshire County Council will look at your report within 10 working days."
    if misbehaviour == "token":
        token = str(uuid.uuid4())
        state.tokens[token] = service_request_id
        return web.json_response([{"token": token, "service_notice": notice}])
    return web.json_response([{"service_request_id": service_request_id, "service_notice": notice, "account_id": None}])


async def get_request(request: web.Request) -> web.Response:
    state: State = request.app[STATE]
    found = state.requests.get(request.match_info["id"])
    if found is None:
        return error(404, "Request not found")
    return web.json_response([found])


async def get_token(request: web.Request) -> web.Response:
    token = request.match_info["token"]
    found = request.app[STATE].tokens.get(token)
    if found is None:
        return error(404, "Token not found")
    return web.json_response([{"service_request_id": found, "token": token}])


async def not_found(request: web.Request) -> web.Response:
    return error(404, "Not found")


# Test support, with the admin key only ---------------------------------------------------------


@web.middleware
async def admin_only(request: web.Request, handler):
    admin = f"Bearer {request.app[STATE].admin_key}"
    if request.path.startswith("/_config/") and request.headers.get("Authorization") != admin:
        return error(403, "Forbidden")
    return await handler(request)


async def _settings(request: web.Request) -> dict:
    try:
        settings = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="send a JSON object") from None
    if not isinstance(settings, dict):
        raise web.HTTPBadRequest(text="send a JSON object")
    return settings


def _seconds(settings: dict) -> float:
    seconds = settings.get("seconds", 60)
    if not isinstance(seconds, int | float) or not 0 < seconds <= 3600:
        raise web.HTTPBadRequest(text="seconds must be a number from 0 to 3600")
    return time.monotonic() + seconds


async def start_outage(request: web.Request) -> web.Response:
    settings = await _settings(request)
    if settings.get("status") not in OUTAGE_STATUSES:
        raise web.HTTPBadRequest(text=f"status must be one of {sorted(OUTAGE_STATUSES)}")
    request.app[STATE].outage = Spell(settings["status"], _seconds(settings))
    return web.json_response({"outage": settings["status"]})


async def start_slowness(request: web.Request) -> web.Response:
    settings = await _settings(request)
    delay = settings.get("delay")
    if not isinstance(delay, int | float) or not 0 < delay <= 60:
        raise web.HTTPBadRequest(text="delay must be a number of seconds from 0 to 60")
    request.app[STATE].slowness = Spell(delay, _seconds(settings))
    return web.json_response({"delay": delay})


async def start_misbehaving(request: web.Request) -> web.Response:
    settings = await _settings(request)
    if settings.get("answer") not in MISBEHAVIOURS:
        raise web.HTTPBadRequest(text=f"answer must be one of {sorted(MISBEHAVIOURS)}")
    request.app[STATE].misbehaviour = Spell(settings["answer"], _seconds(settings))
    return web.json_response({"answer": settings["answer"]})


def _ender(name: str):
    async def end(request: web.Request) -> web.Response:
        setattr(request.app[STATE], name, None)
        return web.json_response({name: None})

    return end


async def change_request(request: web.Request) -> web.Response:
    settings = await _settings(request)
    found = request.app[STATE].requests.get(request.match_info["id"])
    if found is None:
        return error(404, "Request not found")
    if settings.get("status") not in STATUSES:
        raise web.HTTPBadRequest(text="status must be open or closed")
    found.update(
        status=settings["status"], status_notes=str(settings.get("status_notes", ""))[:1000], updated_datetime=now()
    )
    return web.json_response(found)


async def received(request: web.Request) -> web.Response:
    return web.json_response(list(request.app[STATE].received))


def build_app(api_key: str = DEVELOPMENT_API_KEY, admin_key: str = DEVELOPMENT_ADMIN_KEY) -> web.Application:
    app = web.Application(middlewares=[admin_only], client_max_size=256 * 1024)
    app[STATE] = State(api_key=api_key, admin_key=admin_key)
    app.router.add_get(f"{PREFIX}/services.json", services)
    app.router.add_post(f"{PREFIX}/requests.json", post_request)
    app.router.add_get(PREFIX + "/requests/{id}.json", get_request)
    app.router.add_get(PREFIX + "/tokens/{token}.json", get_token)
    app.router.add_post("/_config/outage", start_outage)
    app.router.add_delete("/_config/outage", _ender("outage"))
    app.router.add_post("/_config/slowness", start_slowness)
    app.router.add_delete("/_config/slowness", _ender("slowness"))
    app.router.add_post("/_config/misbehave", start_misbehaving)
    app.router.add_delete("/_config/misbehave", _ender("misbehaviour"))
    app.router.add_post("/_config/requests/{id}", change_request)
    app.router.add_get("/_config/requests", received)
    app.router.add_route("*", "/{tail:.*}", not_found)
    return app


def main(argv=None) -> None:
    if os.environ.get("DOORSTEP_ENV") == "production":
        raise SystemExit("The local stand-in county Open311 server is for development and tests only, never production")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("LOCAL_COUNTY311_PORT", "8422")))
    parser.add_argument("--api-key", default=DEVELOPMENT_API_KEY, help="the api_key it accepts")
    parser.add_argument("--admin-key", default=DEVELOPMENT_ADMIN_KEY, help="the key for /_config/ (tests)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    web.run_app(
        build_app(args.api_key, args.admin_key),
        host="127.0.0.1",  # never reachable from another machine
        port=args.port,
        access_log=None,
        print=lambda message: print(message, flush=True),
    )


if __name__ == "__main__":
    main()
