"""Street reports as Open311 service requests: the list with the standard's filters, one report, and
the token a posted report can be found by. Only what the public pages show: never the reporter,
the case reference or internal notes; a report placed at an address has its point rounded (about
100 metres), as its public address has no house number.

Our states are finer than the standard's open and closed: open, investigating, action scheduled and
reopened are "open"; fixed and closed, not fixed are "closed". The finer state is in FixMyStreet's
servicerequestupdates (request_updates.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import Case, StreetReport, StreetReportState, StreetReportUpdate, utcnow
from app.services import street_report_search, tokens
from app.services.open311.errors import Open311Error

LONDON = ZoneInfo("Europe/London")
DEFAULT_WINDOW = timedelta(days=90)  # without start_date: the last 90 days, as the standard suggests
MAX_REQUESTS = 1000  # the most one call returns (newest first)
TOKEN_PURPOSE = "open311-token"  # noqa: S105  (a salt for signing, not a secret)
TOKEN_DAYS = 30
CLOSED_STATES = {StreetReportState.FIXED, StreetReportState.CLOSED_NOT_FIXED}
OPEN_STATES = set(StreetReportState) - CLOSED_STATES
STATUSES = {"open": OPEN_STATES, "closed": CLOSED_STATES}
ADDRESS_POINT_DECIMALS = 3  # about 110 m north-south, 70 m east-west here
POINT_DECIMALS = 6
LARGEST_ID = 2**31 - 1
W3C_HINT = "a W3C date and time, like 2026-11-24T09:30:00Z"
PhotoUrl = Callable[[int], str]  # the public address of a report's photo, from its id


def status_of(state: StreetReportState) -> str:
    return "closed" if state in CLOSED_STATES else "open"


def w3c(moment: datetime | None) -> str | None:
    """A moment as W3C date and time with the UK offset: 2026-11-24T09:30:00+00:00."""
    return None if moment is None else moment.astimezone(LONDON).isoformat(timespec="seconds")


def expected(due: date | None) -> str | None:
    """The due date as the end of that day in the UK."""
    return None if due is None else w3c(datetime.combine(due, time(23, 59, 59), tzinfo=LONDON))


def parse_moment(value: str, name: str) -> datetime:
    """A W3C date and time (or a date: its start, UK time); one without an offset is UK time."""
    value = (value or "").strip()
    if "T" in value:
        value = value.replace(" ", "+")  # a "+" in a query string that was not percent-encoded
    if len(value) > 40 or not re.fullmatch(r"[0-9T:.+\-Z ]+", value):
        raise Open311Error(400, f"{name} must be {W3C_HINT}")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise Open311Error(400, f"{name} must be {W3C_HINT}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LONDON)
    try:
        return moment.astimezone(LONDON)
    except (OverflowError, ValueError):
        raise Open311Error(400, f"{name} is out of range") from None


def parse_ids(value: str) -> list[int]:
    parts = [part.strip() for part in value.split(",")]
    if len(parts) > MAX_REQUESTS:
        raise Open311Error(400, f"service_request_id takes at most {MAX_REQUESTS} ids")
    ids = []
    for part in parts:
        if not re.fullmatch(r"[0-9]{1,10}", part) or int(part) > LARGEST_ID:
            raise Open311Error(400, "service_request_id must be whole numbers separated by commas")
        ids.append(int(part))
    return ids


def parse_window(args: Mapping[str, str], now: datetime) -> tuple[datetime, datetime]:
    """start_date and end_date; without them the DEFAULT_WINDOW before end_date (or now)."""
    end = parse_moment(args["end_date"], "end_date") if args.get("end_date") else now
    start = parse_moment(args["start_date"], "start_date") if args.get("start_date") else end - DEFAULT_WINDOW
    if start > end:
        raise Open311Error(400, "start_date must be before end_date")
    return start, end


@dataclass(frozen=True)
class Filters:
    ids: list[int] | None = None
    service_code: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    states: set[StreetReportState] | None = None


def parse_filters(args: Mapping[str, str], known_codes: set[str], now: datetime | None = None) -> Filters:
    """The query of GET requests.json. service_request_id overrides every other filter."""
    if args.get("service_request_id"):
        return Filters(ids=parse_ids(args["service_request_id"]))
    code = args.get("service_code") or None
    if code is not None and code not in known_codes:
        raise Open311Error(400, "service_code is not one of our services (see services.json)")
    start, end = parse_window(args, now or utcnow())
    states = None
    if args.get("status"):
        wanted = {part.strip().lower() for part in args["status"].split(",")}
        if not wanted or not wanted <= set(STATUSES):
            raise Open311Error(400, "status must be open, closed or open,closed")
        states = set().union(*(STATUSES[name] for name in wanted))
    return Filters(service_code=code, start=start, end=end, states=states)


# Only the columns a service request shows, not whole reports: the list reads up to MAX_REQUESTS
# rows, and plain rows cost a fraction of ORM objects.
COLUMNS = (
    StreetReport.id,
    StreetReport.category,
    StreetReport.state,
    StreetReport.description,
    StreetReport.place,
    StreetReport.uprn,
    StreetReport.latitude,
    StreetReport.longitude,
    StreetReport.has_photo,
    StreetReport.photo_hidden,
    StreetReport.created_at,
    StreetReport.updated_at,
    Case.due_date,
)


def find(filters: Filters) -> list[sa.Row]:
    """The reports matching, newest first, at most MAX_REQUESTS: rows with the report's public
    columns (named as on StreetReport) and its case's due_date."""
    query = sa.select(*COLUMNS).join(Case, StreetReport.case_id == Case.id)
    if filters.ids is not None:
        query = query.where(StreetReport.id.in_(filters.ids))
    else:
        query = query.where(StreetReport.created_at >= filters.start, StreetReport.created_at <= filters.end)
        if filters.service_code is not None:
            query = query.where(StreetReport.category == filters.service_code)
        if filters.states is not None:
            query = query.where(StreetReport.state.in_(sorted(filters.states)))
    query = query.order_by(StreetReport.created_at.desc(), StreetReport.id.desc()).limit(MAX_REQUESTS)
    return list(db.session.execute(query))


def get(report_id: int) -> sa.Row | None:
    if not 0 < report_id <= LARGEST_ID:
        return None
    found = find(Filters(ids=[report_id]))
    return found[0] if found else None


def latest_notes(report_ids: list[int]) -> dict[int, str]:
    """The newest public update's note of each report, in one query."""
    if not report_ids:
        return {}
    newest = (
        sa.select(sa.func.max(StreetReportUpdate.id))
        .where(StreetReportUpdate.report_id.in_(report_ids))
        .group_by(StreetReportUpdate.report_id)
    )
    rows = db.session.execute(
        sa.select(StreetReportUpdate.report_id, StreetReportUpdate.note).where(StreetReportUpdate.id.in_(newest))
    )
    return dict(rows.tuples().all())


def _point(report, value: float | None) -> float | None:
    if value is None:
        return None
    return round(value, ADDRESS_POINT_DECIMALS if report.uprn is not None else POINT_DECIMALS)


def as_request(
    report,
    *,
    note: str | None,
    service_names: dict[str, str],
    agency: str,
    photo_url: PhotoUrl,
) -> dict:
    """One service request as the standard lists it, with only what the public may see."""
    return {
        "service_request_id": report.id,
        "status": status_of(report.state),
        "status_notes": note or "",
        "service_name": service_names.get(report.category, report.category),
        "service_code": report.category,
        "description": report.description,
        "agency_responsible": agency,
        "service_notice": "",
        "requested_datetime": w3c(report.created_at),
        "updated_datetime": w3c(report.updated_at),
        "expected_datetime": expected(report.due_date),
        "address": street_report_search.rough_location(report),
        "address_id": "",
        "zipcode": "",
        "lat": _point(report, report.latitude),
        "long": _point(report, report.longitude),
        "media_url": photo_url(report.id) if street_report_search.shows_photo(report) else "",
    }


def as_requests(found: list[sa.Row], **serialising) -> list[dict]:
    notes = latest_notes([report.id for report in found])
    return [as_request(report, note=notes.get(report.id), **serialising) for report in found]


def token_for(report: StreetReport) -> str:
    return tokens.make(current_app.config["SECRET_KEY"], TOKEN_PURPOSE, {"r": report.id})


def report_for_token(token: str) -> int | None:
    """The id of the report a token (from POST requests) stands for, or None."""
    try:
        payload = tokens.read(current_app.config["SECRET_KEY"], TOKEN_PURPOSE, token, TOKEN_DAYS * 86400)
    except tokens.TokenInvalid:
        return None
    report_id = payload.get("r")
    return report_id if isinstance(report_id, int) and 0 < report_id <= LARGEST_ID else None
