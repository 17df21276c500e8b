"""The enforcement API for officers' handhelds (see docs/parking.md):

    GET /api/enforcement/v1/vrm/<VRM>?zone=<code>&at=<ISO 8601>
    Authorization: Bearer <key>

answers JSON: vrm, zone, at, valid, and the permits that cover the vehicle then; and

    GET /api/enforcement/v1/permits?zone=<code>&changed_since=<ISO 8601>[&after=<cursor>&limit=<n>]

the permits in the zone changed since then, a page at a time, with the next page's address. A wrong or missing
key gets 401 JSON; a registration number that cannot be one, an unknown zone or a moment that
cannot be read get 400 JSON, never a page.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, g, request, url_for

from app.api import api_key_required, json_error
from app.services import api_keys, parking, vehicles
from app.services.parking import enforcement, feed

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


@bp.get("/permits")
@api_key_required(api_keys.ENFORCEMENT)
def permits_feed():
    """The permits in a zone changed since a moment, a page at a time (see feed.py)."""
    zone = (request.args.get("zone") or "").strip().upper()[:10]
    if parking.settings().zone(zone) is None:
        known = ", ".join(found.code for found in parking.settings().zones)
        return json_error(400, "unknown_zone", f"Give zone as one of the zone codes: {known}.")
    since_text = request.args.get("changed_since")
    since = _moment(since_text) if since_text else datetime(2000, 1, 1, tzinfo=UTC)
    if since is None:
        return json_error(
            400, "invalid_changed_since", "Give changed_since as an ISO 8601 date and time, like 2026-11-23T09:14:03Z."
        )
    limit_text = request.args.get("limit", str(feed.DEFAULT_LIMIT))
    if not (limit_text.isascii() and limit_text.isdigit() and 0 < len(limit_text) <= 4):
        return json_error(400, "invalid_limit", f"Give limit as a whole number from 1 to {feed.MAX_LIMIT}.")
    limit = int(limit_text)
    if not 1 <= limit <= feed.MAX_LIMIT:
        return json_error(400, "invalid_limit", f"Give limit as a whole number from 1 to {feed.MAX_LIMIT}.")
    after = None
    if request.args.get("after"):
        after = feed.read_cursor(request.args["after"])
        if after is None:
            return json_error(400, "invalid_after", "Give after as the next_cursor of the page before, unchanged.")
    page = feed.changed_permits(zone, since, after=after, limit=limit)
    next_url = None
    if page.next_cursor is not None:
        query = {"zone": zone, "after": page.next_cursor, "limit": limit}
        if since_text:
            query["changed_since"] = enforcement.iso_utc(since)
        next_url = url_for("enforcement_api.permits_feed", **query)
    return {
        "zone": zone,
        "changed_since": enforcement.iso_utc(since) if since_text else None,
        "permits": [feed.to_json(permit) for permit in page.permits],
        "next_cursor": page.next_cursor,
        "next": next_url,
    }
