"""The county's progress on the reports we sent it by Open311, copied back: the scheduled job
`county-forward-updates` asks the county's server (GET requests/<id>.json) about each report it
has not closed, and GET tokens/<token>.json for a report it gave only a token for.

When the county closes a report, ours is marked fixed with a public update (the county's
status_notes, or "Northshire County Council has closed this report"), which reaches the reporter and
everyone following it, as FixMyStreet treats a council's "closed"; a closed report is not asked
about again (if the reporter says it is not fixed, ours reopens and staff take it up with the
county). A county that does not answer, or answers nonsense, changes nothing: it is asked again
next time. Nothing it answers can make the job fail.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import requests
import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l

from app import scheduler
from app.extensions import db
from app.models import CountyForward, ForwardMethod, ForwardState, StreetReportState, utcnow
from app.services import county_forwards, county_open311, street_report_updates, street_reports
from app.services.county_open311 import REFERENCE, Refused

log = logging.getLogger("doorstep.county_forwards")

# Each report the county has not closed is asked about at most this often.
ASK_EVERY = timedelta(hours=1)
BATCH = 100
COUNTY_STATUSES = {"open", "closed"}


def get(url: str, params: dict[str, str]):
    """The county's JSON answer to a GET, or None when it could not be had or made no sense."""
    try:
        response = requests.get(
            url, params=params, timeout=(5, current_app.config["COUNTY_OPEN311_TIMEOUT_SECONDS"]), stream=True
        )
        with response:
            body = county_open311.read_answer(response)
    except (requests.RequestException, Refused) as error:
        log.warning("county Open311 GET %s: %s", url, error)
        return None
    if response.status_code != 200:
        log.warning("county Open311 GET %s: HTTP %s", url, response.status_code)
        return None
    found = county_open311.parse_json(body)
    if isinstance(found, list):
        found = found[0] if found else None
    return found if isinstance(found, dict) else None


def to_ask(now: datetime, limit: int = BATCH) -> list[CountyForward]:
    return list(
        db.session.scalars(
            sa.select(CountyForward)
            .where(
                CountyForward.method == ForwardMethod.OPEN311,
                CountyForward.state == ForwardState.SENT,
                sa.or_(CountyForward.county_reference.is_not(None), CountyForward.county_token.is_not(None)),
                sa.or_(CountyForward.county_status.is_(None), CountyForward.county_status != "closed"),
                sa.or_(CountyForward.county_checked_at.is_(None), CountyForward.county_checked_at <= now - ASK_EVERY),
            )
            .order_by(CountyForward.id)
            .limit(limit)
        )
    )


def ask(forward: CountyForward, now: datetime) -> str | None:
    """Ask the county about one report; "reference", "closed" or None (nothing new)."""
    settings = county_forwards.county().open311
    base = county_open311.endpoint(settings)
    params = {"jurisdiction_id": settings.jurisdiction_id} if settings.jurisdiction_id else {}
    forward.county_checked_at = now
    if forward.county_reference is None:
        found = get(f"{base}tokens/{forward.county_token}.json", params)
        identifier = found.get("service_request_id") if found else None
        if not isinstance(identifier, str | int) or isinstance(identifier, bool):
            return None
        if not REFERENCE.fullmatch(str(identifier)):
            return None
        forward.county_reference = str(identifier)
        county_forwards.tell_reporter_the_county_reference(forward)
        return "reference"
    found = get(f"{base}requests/{forward.county_reference}.json", params)
    status = found.get("status") if found else None
    if status not in COUNTY_STATUSES or status == forward.county_status:
        return None
    forward.county_status = status
    if status != "closed":
        return None
    notes = found.get("status_notes")
    notes = " ".join(notes.split())[: street_report_updates.NOTE_MAX] if isinstance(notes, str) else ""
    return close(forward, notes)


def close(forward: CountyForward, notes: str) -> str | None:
    """The county closed it: ours is fixed, with the county's words (or ours) as the public note."""
    report = forward.report
    if report.state in street_report_updates.CLOSED_STATES:
        return None  # staff closed it already
    county = county_forwards.county().name
    language = report.case.language if report.case.language in {"en", "cy"} else "en"
    with force_locale(language):
        note = notes or gettext("%(county)s has closed this report.", county=county.get(language))
    street_report_updates.update(report, None, StreetReportState.FIXED, note)
    return "closed"


def ask_all(now_func=utcnow) -> dict[str, int]:
    counts = {"asked": 0, "closed": 0, "reference": 0}
    county = street_reports.settings().county
    if county is None or county.open311 is None:
        return counts
    for forward in to_ask(now_func()):
        outcome = ask(forward, now_func())
        counts["asked"] += 1
        if outcome is not None:
            counts[outcome] += 1
        db.session.commit()
    return counts


@scheduler.job(
    "county-forward-updates",
    every=timedelta(minutes=15),
    title=_l("Copy the county council's progress on the reports sent to it"),
    summary=_l("%(asked)s asked about, %(closed)s closed, %(reference)s references given"),
)
def copy_county_progress() -> dict[str, int]:
    return ask_all()
