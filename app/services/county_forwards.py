"""Street reports that belong to the county council in a two-tier area (roads, pavements, street
lights), made with our own forms and sent on to the county: by email through the outbox, or to the
county's Open311 GeoReport v2 endpoint by the scheduled job in app/services/county_open311.py.

Each county category in app/service_settings/street-reports.yaml says how (`send: link | email |
open311`); a category sent on is a form definition with `submit: {action: county_street_report}`.
The report is a case and a street report like any other, plus one CountyForward row that says how
the forward went and what the county called it. Nothing here commits: the route or job does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale

from app.extensions import db
from app.form_model import journey, question_types
from app.form_model.schema import Definition
from app.models import (
    AuditEvent,
    Case,
    CountyForward,
    FormJourney,
    ForwardMethod,
    ForwardState,
    MessageChannel,
    MessageStatus,
    StreetReport,
    User,
    utcnow,
)
from app.services import links, messages, street_report_updates, street_reports, submit_actions
from app.services.errors import ServiceError

ACTION = "county_street_report"
# A forward claimed by a run that has not finished after this long was interrupted (the machine
# stopped mid-call): the county may or may not have it, so it is never sent again by itself; staff
# may check with the county and try again.
INTERRUPTED_AFTER = timedelta(minutes=10)
CONTACT_QUESTIONS = {"updates_by", "email", "phone", "full_name"}


def county():
    found = street_reports.settings().county
    if found is None:
        raise LookupError("street_reports has no county: a county category needs one")
    return found


@submit_actions.register(ACTION)
def record_and_forward(definition: Definition, case: Case, found: FormJourney) -> CountyForward:
    """The report, as for our own categories, and its forward to the county: an email queued in the
    outbox now (in the same transaction), or an Open311 request queued for the job."""
    report = street_reports.record(definition, case, found)
    category = county().category(definition.id)
    if category is None or category.send == "link":
        raise ValueError(f"{definition.id} is not a county category sent by email or open311 in the settings")
    now = utcnow()
    forward = CountyForward(
        street_report_id=report.id,
        method=ForwardMethod(category.send),
        state=ForwardState.QUEUED,
        service_code=category.service_code,
        next_attempt_at=now,
    )
    db.session.add(forward)
    if forward.method is ForwardMethod.EMAIL:
        forward.message = queue_email(report, definition)
        forward.state = ForwardState.SENT
        forward.sent_at = now
        forward.attempts = 1
    db.session.flush()
    return forward


@dataclass(frozen=True)
class ReportDetails:
    """What the county is told about a report, in one language."""

    reference: str
    category: str
    place: str
    where: str
    latitude: float | None
    longitude: float | None
    ward: str | None
    urgent: bool
    sent_at: datetime
    answers: list[tuple[str, str]]
    photo_url: str | None
    name: str | None
    email: str | None
    phone: str | None


def details(report: StreetReport, definition: Definition, language: str) -> ReportDetails:
    case = report.case
    with force_locale(language):
        answers = [
            (row.label, question_types.display(definition.question(row.question_id), row.value, language))
            for row in journey.summary(definition, case.answers, language)
            if row.question_id not in CONTACT_QUESTIONS
            and definition.question(row.question_id).type not in {"location", "file"}
        ]
    category = county().category(report.category)
    return ReportDetails(
        reference=case.reference,
        category=category.title.get(language) if category else report.category,
        place=report.place,
        where=report.description,
        latitude=report.latitude,
        longitude=report.longitude,
        ward=report.ward,
        urgent=bool(case.urgent),
        sent_at=report.created_at,
        answers=answers,
        photo_url=photo_url(report),
        name=(case.answers.get("full_name") or None),
        email=case.contact_email,
        phone=case.contact_phone,
    )


def photo_url(report: StreetReport) -> str | None:
    """The photo on our public page (the outbox sends no attachments); none once staff hide it."""
    if not report.has_photo or report.photo_hidden:
        return None
    return links.external_url("street_reports.photo", report_id=report.id)


def queue_email(report: StreetReport, definition: Definition):
    """The report, to the county's address, in the county's languages (English, then Welsh)."""
    found = county()
    subjects, bodies = [], []
    for language in found.languages:
        subject, body = messages.render(
            "county_report",
            language,
            {
                "report": details(report, definition, language),
                "county": found.name.get(language),
                "council": current_app.config["COUNCIL_NAME_CY" if language == "cy" else "COUNCIL_NAME"],
            },
        )
        subjects.append(subject)
        bodies.append(body)
    return messages.queue_rendered(
        channel=MessageChannel.EMAIL,
        recipient=found.email,
        template="county_report",
        language=found.languages[0],
        subject=" / ".join(subjects),
        body="\n----------\n\n".join(bodies),
        case_id=report.case_id,
    )


def for_report(report: StreetReport | None) -> CountyForward | None:
    if report is None:
        return None
    return db.session.scalar(sa.select(CountyForward).where(CountyForward.street_report_id == report.id))


# How staff see it ---------------------------------------------------------------------------------

QUEUED, SENDING, SENT, FAILED, INTERRUPTED = "queued", "sending", "sent", "failed", "interrupted"


def staff_state(forward: CountyForward, now: datetime | None = None) -> str:
    """queued, sending, sent, failed or interrupted; an email's is its message's in the outbox."""
    now = now or utcnow()
    if forward.method is ForwardMethod.EMAIL:
        message = forward.message
        if message is None or message.status is MessageStatus.SENT:
            return SENT
        return FAILED if message.status is MessageStatus.FAILED else QUEUED
    if forward.state is ForwardState.SENDING:
        claimed = forward.claimed_at
        return INTERRUPTED if claimed is not None and claimed + INTERRUPTED_AFTER <= now else SENDING
    return forward.state.value


def last_error(forward: CountyForward) -> str | None:
    if forward.method is ForwardMethod.EMAIL:
        return forward.message.last_error if forward.message is not None else None
    return forward.last_error


def attempts(forward: CountyForward) -> int:
    if forward.method is ForwardMethod.EMAIL:
        return forward.message.attempts if forward.message is not None else 0
    return forward.attempts


@dataclass(frozen=True)
class StaffView:
    """The forward as the case page shows it."""

    forward: CountyForward
    county: object  # the county's name (a Text: English and Welsh)
    state: str
    attempts: int
    last_error: str | None
    can_try_again: bool


def staff_view(report: StreetReport | None, now: datetime | None = None) -> StaffView | None:
    forward = for_report(report)
    if forward is None:
        return None
    now = now or utcnow()
    return StaffView(
        forward=forward,
        county=county().name,
        state=staff_state(forward, now),
        attempts=attempts(forward),
        last_error=last_error(forward),
        can_try_again=can_try_again(forward, now),
    )


def can_try_again(forward: CountyForward, now: datetime | None = None) -> bool:
    return staff_state(forward, now) in {FAILED, INTERRUPTED}


def try_again(forward: CountyForward, staff: User, now: datetime | None = None) -> None:
    """Send a failed (or interrupted) forward again, as soon as the job next runs.
    ServiceError "not-failed" when it has not failed."""
    now = now or utcnow()
    if not can_try_again(forward, now):
        raise ServiceError("not-failed")
    if forward.method is ForwardMethod.EMAIL:
        message = forward.message
        message.status = MessageStatus.PENDING
        message.attempts = 0
        message.next_attempt_at = now
    else:
        forward.state = ForwardState.QUEUED
        forward.attempts = 0
        forward.next_attempt_at = now
        forward.claimed_at = None
    forward.updated_at = now
    db.session.add(AuditEvent(actor_id=staff.id, action="county_forward.retried", case_id=forward.report.case_id))
    db.session.flush()


# After the county has it --------------------------------------------------------------------------


def tell_reporter_the_county_reference(forward: CountyForward) -> None:
    """The county's reference to the reporter by their channel (staff see it on the case page)."""
    report = forward.report
    case = report.case
    found = county()
    contact = street_report_updates.reporter_contact(case)
    if contact is None:
        return
    language = case.language if case.language in {"en", "cy"} else "en"
    messages.queue(
        channel=contact[0],
        recipient=contact[1],
        template="county_forwarded",
        language=language,
        context={
            "reference": case.reference,
            "county": found.name.get(language),
            "county_reference": forward.county_reference,
            "place": report.place,
        },
        user_id=case.user_id,
        case_id=case.id,
    )


def max_attempts() -> int:
    return current_app.config["COUNTY_FORWARD_MAX_ATTEMPTS"]
