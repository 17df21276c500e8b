"""Sending street reports on to the county council's Open311 GeoReport v2 endpoint: the scheduled
job `county-forwards` POSTs each queued report to `requests.json` and keeps the county's
service_request_id (or token).

Never twice: a run claims a forward with one conditional UPDATE (queued -> sending) and commits
before it calls the county, so no other run or machine can send it; if the run dies mid-call the
forward stays "sending" and staff see it as interrupted (the county may have it), never resent by
itself. A busy or broken county (429, 5xx, no answer in time, no connection) is tried again later,
waiting longer each time, until COUNTY_FORWARD_MAX_ATTEMPTS; a refusal (4xx, in the standard's
error shape) or an answer that makes no sense fails at once: trying again would not help, and
staff see why.
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from app import scheduler
from app.extensions import db
from app.models import CountyForward, ForwardMethod, ForwardState, StreetReport, utcnow
from app.services import cases, county_forwards, messages

log = logging.getLogger("doorstep.county_forwards")

MAX_ANSWER_BYTES = 64 * 1024  # an answer is a line or two of JSON; anything bigger is not one
DESCRIPTION_MAX = 2000
REFERENCE = re.compile(r"^[\w.:/#-]{1,100}$")
RETRY_STATUSES = {408, 429}
BATCH = 50


class Retry(Exception):
    """The county is busy, down or slow: try again later."""


class Refused(Exception):
    """The county refused it or answered nonsense: trying again would not help."""


@dataclass(frozen=True)
class Answer:
    service_request_id: str | None
    token: str | None


def endpoint(settings) -> str:
    """Outside production, the local stand-in county (COUNTY_OPEN311_ENDPOINT); else the settings'."""
    return (current_app.config.get("COUNTY_OPEN311_ENDPOINT") or settings.endpoint).rstrip("/") + "/"


def api_key(settings) -> str:
    # Outside production, without the variable, the local stand-in county's development key.
    key = os.environ.get(settings.api_key_env, "") or current_app.config["COUNTY_OPEN311_DEVELOPMENT_KEY"]
    if not key:
        raise Refused(f"no API key: set the environment variable {settings.api_key_env}")
    return key


def fields(forward: CountyForward) -> dict[str, str]:
    """The standard's fields for POST requests.json."""
    report: StreetReport = forward.report
    case = report.case
    settings = county_forwards.county()
    found = {"api_key": api_key(settings.open311), "service_code": forward.service_code or ""}
    if settings.open311.jurisdiction_id:
        found["jurisdiction_id"] = settings.open311.jurisdiction_id
    if report.latitude is not None and report.longitude is not None:
        found["lat"], found["long"] = f"{report.latitude:.6f}", f"{report.longitude:.6f}"
    found["address_string"] = f"{report.place}: {report.description}" if report.description else report.place
    found["description"] = description(forward)
    if case.contact_email:
        found["email"] = case.contact_email
    if case.contact_phone:
        found["phone"] = case.contact_phone
    name = str(case.answers.get("full_name") or "").split()
    if name:
        found["first_name"], found["last_name"] = name[0], " ".join(name[1:])
    photo = county_forwards.photo_url(report)
    if photo:
        found["media_url"] = photo
    return found


def description(forward: CountyForward) -> str:
    report = forward.report
    found = county_forwards.details(report, cases.definition_for(report.case), "en")
    lines = [f"{label}: {value}" for label, value in found.answers]
    if found.where:
        lines.append(f"Exactly where: {found.where}")
    if found.ward:
        lines.append(f"Ward: {found.ward}")
    if found.urgent:
        lines.append("The reporter says it is a danger now.")
    lines.append(f"Sent on by {current_app.config['COUNCIL_NAME']}: our reference {found.reference}.")
    return "\n".join(lines)[:DESCRIPTION_MAX]


def post(url: str, data: dict[str, str], timeout: float) -> Answer:
    """POST requests.json and read the county's answer (Retry or Refused when it is not an id)."""
    try:
        response = requests.post(url + "requests.json", data=data, timeout=(5, timeout), stream=True)
    except requests.Timeout as error:
        raise Retry(f"no answer within {timeout:g} seconds") from error
    except requests.RequestException as error:
        raise Retry(f"could not connect: {type(error).__name__}") from error
    with response:
        try:
            body = read_answer(response)
        except requests.RequestException as error:
            raise Retry(f"the answer was cut off: {type(error).__name__}") from error
    if response.status_code >= 500 or response.status_code in RETRY_STATUSES:
        raise Retry(f"HTTP {response.status_code}{_error_description(body)}")
    if response.status_code >= 300:
        raise Refused(f"HTTP {response.status_code}{_error_description(body)}")
    return _answer(body)


def read_answer(response) -> bytes:
    body = b""
    for chunk in response.iter_content(8192):
        body += chunk
        if len(body) > MAX_ANSWER_BYTES:
            raise Refused(f"the answer was larger than {MAX_ANSWER_BYTES // 1024} KB: not an Open311 answer")
    return body


def parse_json(body: bytes):
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


def _error_description(body: bytes) -> str:
    """The standard's [{"code": 400, "description": "..."}], as ": description"."""
    found = parse_json(body)
    if isinstance(found, dict):
        found = [found]
    if isinstance(found, list) and found and isinstance(found[0], dict):
        text = found[0].get("description")
        if isinstance(text, str) and text.strip():
            return ": " + " ".join(text.split())[:300]
    return ""


def _answer(body: bytes) -> Answer:
    found = parse_json(body)
    if isinstance(found, list):
        found = found[0] if found else None
    if not isinstance(found, dict):
        raise Refused("the answer was not an Open311 service request")
    identifier, token = found.get("service_request_id"), found.get("token")
    identifier = str(identifier) if isinstance(identifier, str | int) and not isinstance(identifier, bool) else None
    token = str(token) if isinstance(token, str | int) and not isinstance(token, bool) else None
    identifier = identifier if identifier and REFERENCE.fullmatch(identifier) else None
    token = token if token and REFERENCE.fullmatch(token) else None
    if identifier is None and token is None:
        raise Refused("the answer had no service_request_id or token we could keep")
    return Answer(identifier, token)


def claim(forward_id: int, now: datetime) -> bool:
    """queued -> sending, for one run only (the row's state decides, not a read before it)."""
    claimed = db.session.execute(
        sa.update(CountyForward)
        .where(
            CountyForward.id == forward_id,
            CountyForward.state == ForwardState.QUEUED,
            CountyForward.method == ForwardMethod.OPEN311,
            CountyForward.next_attempt_at <= now,
        )
        .values(state=ForwardState.SENDING, claimed_at=now, attempts=CountyForward.attempts + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


def send_one(forward: CountyForward, now: datetime) -> str:
    """Send a claimed forward and record how it went: "sent", "retrying" or "failed"."""
    settings = county_forwards.county()
    try:
        if settings.open311 is None:
            raise Refused("the settings have no county open311 endpoint")
        answer = post(endpoint(settings.open311), fields(forward), current_app.config["COUNTY_OPEN311_TIMEOUT_SECONDS"])
    except Retry as error:
        forward.last_error = str(error)[:500]
        if forward.attempts >= county_forwards.max_attempts():
            forward.state = ForwardState.FAILED
            log.error("county forward %s failed after %s attempts: %s", forward.id, forward.attempts, error)
            return "failed"
        forward.state = ForwardState.QUEUED
        forward.next_attempt_at = now + messages.backoff(forward.attempts)
        log.warning("county forward %s not sent, retry at %s: %s", forward.id, forward.next_attempt_at, error)
        return "retrying"
    except Refused as error:
        forward.last_error = str(error)[:500]
        forward.state = ForwardState.FAILED
        log.error("county forward %s refused: %s", forward.id, error)
        return "failed"
    forward.state = ForwardState.SENT
    forward.sent_at = now
    forward.last_error = None
    forward.county_reference = answer.service_request_id
    forward.county_token = answer.token
    if answer.service_request_id:
        county_forwards.tell_reporter_the_county_reference(forward)
    return "sent"


def due_ids(now: datetime, limit: int = BATCH) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(CountyForward.id)
            .where(
                CountyForward.state == ForwardState.QUEUED,
                CountyForward.method == ForwardMethod.OPEN311,
                CountyForward.next_attempt_at <= now,
            )
            .order_by(CountyForward.next_attempt_at, CountyForward.id)
            .limit(limit)
        )
    )


def send_due(now_func=utcnow) -> dict[str, int]:
    """Each due forward: claimed and committed, then sent, then its outcome committed."""
    counts = {"sent": 0, "retrying": 0, "failed": 0}
    ids = due_ids(now_func())
    db.session.commit()
    for forward_id in ids:
        now = now_func()
        if not claim(forward_id, now):
            db.session.rollback()
            continue  # another run has it
        db.session.commit()
        forward = db.session.get(CountyForward, forward_id, populate_existing=True)
        try:
            outcome = send_one(forward, now)
        except Exception as error:  # noqa: BLE001  (a fault of ours: this one fails, staff see it, the rest go on)
            db.session.rollback()
            log.exception("county forward %s could not be sent", forward_id)
            forward = db.session.get(CountyForward, forward_id, populate_existing=True)
            forward.state = ForwardState.FAILED
            forward.last_error = f"could not be sent: {type(error).__name__}"
            outcome = "failed"
        counts[outcome] += 1
        forward.updated_at = now
        db.session.commit()
    return counts


@scheduler.job(
    "county-forwards",
    every=timedelta(seconds=30),
    title=_l("Send street reports on to the county council by Open311"),
    summary=_l("%(sent)s sent, %(retrying)s to try again, %(failed)s failed"),
)
def send_due_forwards() -> dict[str, int]:
    return send_due()
