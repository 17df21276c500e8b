"""The enforcement API for officers' handhelds (see docs/parking.md):

    GET /api/enforcement/v1/vrm/<VRM>?zone=<code>&at=<ISO 8601>
    Authorization: Bearer <key>

answers JSON: vrm, zone, at, valid, and the permits that cover the vehicle then. A wrong or missing
key gets 401 JSON; a registration number that cannot be one, an unknown zone or a moment that
cannot be read get 400 JSON, never a page.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, g, request

from app.api import api_key_required, json_error
from app.services import api_keys, parking, vehicles
from app.services.parking import enforcement

bp = Blueprint("enforcement_api", __name__, url_prefix="/api/enforcement/v1")
LONDON = ZoneInfo("Europe/London")


def _moment(text: str | None) -> datetime | None:
    """An ISO 8601 moment; one with no offset is London time. None when it cannot be read."""
    if not text:
        return datetime.now(UTC)
    if len(text) > 40:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "+"))
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=LONDON)).astimezone(UTC)


@bp.get("/vrm/<vrm>")
@api_key_required(api_keys.ENFORCEMENT)
def check_vrm(vrm):
    try:
        registration = vehicles.parse_registration(vrm[:50])
    except vehicles.InvalidRegistration:
        return json_error(400, "invalid_vrm", "The registration number is not a UK registration number.")
    zone = (request.args.get("zone") or "").strip().upper()[:10]
    if parking.settings().zone(zone) is None:
        known = ", ".join(found.code for found in parking.settings().zones)
        return json_error(400, "unknown_zone", f"Give zone as one of the zone codes: {known}.")
    at = _moment(request.args.get("at"))
    if at is None:
        return json_error(400, "invalid_at", "Give at as an ISO 8601 date and time, like 2026-11-23T09:14:03Z.")
    answer = enforcement.check(registration.vrm, zone, at, api_key_id=g.api_key.id)
    return answer.to_json()
