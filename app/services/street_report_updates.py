"""A street report after it is sent: staff move it between states with a public note, close it as a
duplicate of another, hide its photo, edit its public description and mark it urgent; the reporter
and everyone following it hear each public update; four weeks after it is fixed the reporter is
asked "Is it fixed?", and "no" reopens it.

Every change is flushed, never committed: the route (or the scheduler) commits.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from app import scheduler
from app.extensions import db
from app.form_model import journey
from app.form_model.schema import Definition
from app.models import (
    AuditEvent,
    Case,
    CaseEvent,
    CaseEventKind,
    CaseStatus,
    ClosedReason,
    FormJourney,
    MessageChannel,
    StreetReport,
    StreetReportFollower,
    StreetReportState,
    StreetReportUpdate,
    User,
    utcnow,
)
from app.services import cases, form_journeys, links, messages, tokens
from app.services.errors import ServiceError

NOTE_MAX = 2000
DESCRIPTION_MAX = 2000
# The reporter is asked "Is it fixed?" this long after staff marked it fixed.
FIXED_CHECK_AFTER = timedelta(weeks=4)
# The link in that message works for this long.
FIXED_CHECK_LINK_DAYS = 60
FIXED_CHECK_PURPOSE = "street-report-fixed"

# The case's status (what "Your requests" and the staff inbox show) for each state of the report.
CASE_STATUS = {
    StreetReportState.OPEN: CaseStatus.RECEIVED,
    StreetReportState.INVESTIGATING: CaseStatus.IN_PROGRESS,
    StreetReportState.ACTION_SCHEDULED: CaseStatus.IN_PROGRESS,
    StreetReportState.FIXED: CaseStatus.CLOSED,
    StreetReportState.CLOSED_NOT_FIXED: CaseStatus.CLOSED,
    StreetReportState.REOPENED: CaseStatus.IN_PROGRESS,
}
CLOSED_STATES = {StreetReportState.FIXED, StreetReportState.CLOSED_NOT_FIXED}


def find(reference: str) -> StreetReport | None:
    """The report whose case has this reference (as the reporter and staff know it)."""
    if not reference or len(reference) > 12:
        return None
    return db.session.scalar(
        sa.select(StreetReport).join(Case, StreetReport.case_id == Case.id).where(Case.reference == reference.upper())
    )


def duplicates_of(report: StreetReport) -> list[StreetReport]:
    return list(
        db.session.scalars(
            sa.select(StreetReport).where(StreetReport.duplicate_of_id == report.id).order_by(StreetReport.id)
        )
    )


def update(
    report: StreetReport,
    staff: User | None,
    state: StreetReportState,
    note: str,
    *,
    reason: ClosedReason | None = None,
    duplicate_of: str | None = None,
) -> StreetReportUpdate:
    """Move the report to `state` (or keep it there) with a note everyone following it reads.
    ServiceError codes (and the field they belong to): note-missing, note-too-long (note);
    reason-missing (reason); duplicate-missing, duplicate-unknown, duplicate-itself (duplicate_of);
    not-closed (state: only a closed report can be reopened)."""
    note = (note or "").strip()
    if not note:
        raise ServiceError("note-missing", field="note")
    if len(note) > NOTE_MAX:
        raise ServiceError("note-too-long", field="note")
    if state == StreetReportState.REOPENED and report.state not in CLOSED_STATES | {StreetReportState.REOPENED}:
        raise ServiceError("not-closed", field="state")
    original = None
    if state == StreetReportState.CLOSED_NOT_FIXED:
        if reason is None:
            raise ServiceError("reason-missing", field="reason")
        if reason == ClosedReason.DUPLICATE:
            original = _original_for(report, duplicate_of)
    else:
        reason = None
    _move(report, state, reason=reason, original=original)
    found = StreetReportUpdate(state=state, closed_reason=reason, note=note, actor_id=staff.id if staff else None)
    report.updates.append(found)
    _record_on_case(report, staff, note)
    db.session.flush()
    if original is not None:
        _follow_as_reporter(original, report.case)
    tell_everyone(report, found)
    return found


def _original_for(report: StreetReport, reference: str | None) -> StreetReport:
    if not (reference or "").strip():
        raise ServiceError("duplicate-missing", field="duplicate_of")
    original = find(reference.strip())
    if original is None:
        raise ServiceError("duplicate-unknown", field="duplicate_of")
    if original.id == report.id:
        raise ServiceError("duplicate-itself", field="duplicate_of")
    # A duplicate of a duplicate points at the report they both repeat.
    return original.duplicate_of if original.duplicate_of is not None else original


def _move(report: StreetReport, state: StreetReportState, *, reason, original) -> None:
    now = utcnow()
    if state == StreetReportState.FIXED and report.state != StreetReportState.FIXED:
        report.fixed_at, report.fixed_check_sent_at = now, None
    elif state != StreetReportState.FIXED:
        report.fixed_at = None
    report.state = state
    report.closed_reason = reason
    report.duplicate_of_id = original.id if original is not None else None
    report.updated_at = now


def _record_on_case(report: StreetReport, staff: User | None, note: str) -> None:
    """The case follows the report, and the note shows under "Your requests" like any message."""
    case = report.case
    status = CASE_STATUS[report.state]
    case.status = status
    case.closed_at = utcnow() if status == CaseStatus.CLOSED else None
    case.events.append(
        CaseEvent(kind=CaseEventKind.STATUS, actor_id=staff.id if staff else None, status=status, public_message=note)
    )


def add_follower(
    report: StreetReport, channel: MessageChannel, recipient: str, language: str, user_id: int | None = None
) -> StreetReportFollower:
    """Someone who wants to hear about the report. Following twice changes nothing."""
    existing = db.session.scalar(
        sa.select(StreetReportFollower).where(
            StreetReportFollower.report_id == report.id,
            StreetReportFollower.channel == channel,
            StreetReportFollower.recipient == recipient,
        )
    )
    if existing is not None:
        return existing
    follower = StreetReportFollower(
        report_id=report.id, channel=channel, recipient=recipient, language=language, user_id=user_id
    )
    db.session.add(follower)
    db.session.flush()
    return follower


def follow_instead(report: StreetReport, definition: Definition, found: FormJourney, language: str):
    """The person follows an open report of the same category instead of sending theirs: they hear
    about it by the channel they chose on the form, and their unsent report is thrown away.
    ServiceError codes: not-open (closed, or another category), already-sent, no-contact."""
    if report.category != definition.id or report.state in CLOSED_STATES:
        raise ServiceError("not-open")
    if found.case_id is not None:
        raise ServiceError("already-sent")
    answers = journey.submitted_answers(definition, found.answers)
    email = cases.contact_answer(definition, answers, "email")
    phone = None if email else cases.contact_answer(definition, answers, "phone")
    if not (email or phone):
        raise ServiceError("no-contact")
    channel = MessageChannel.EMAIL if email else MessageChannel.SMS
    follower = add_follower(report, channel, email or phone, language, found.user_id)
    form_journeys.discard(found)
    return follower


def _follow_as_reporter(original: StreetReport, duplicate_case: Case) -> None:
    """The person who sent a duplicate hears about the report it repeats."""
    contact = reporter_contact(duplicate_case)
    if contact is not None and contact != reporter_contact(original.case):
        add_follower(original, contact[0], contact[1], duplicate_case.language, duplicate_case.user_id)


def reporter_contact(case: Case) -> tuple[MessageChannel, str] | None:
    if case.contact_email:
        return MessageChannel.EMAIL, case.contact_email
    if case.contact_phone:
        return MessageChannel.SMS, case.contact_phone
    return None


def followers(report: StreetReport) -> list[StreetReportFollower]:
    return list(
        db.session.scalars(
            sa.select(StreetReportFollower)
            .where(StreetReportFollower.report_id == report.id)
            .order_by(StreetReportFollower.id)
        )
    )


def tell_everyone(report: StreetReport, found: StreetReportUpdate) -> int:
    """The update, by their chosen channel, to the reporter and each follower (each address once)."""
    case = report.case
    context = {
        "reference": case.reference,
        "state": found.state.value,
        "reason": found.closed_reason.value if found.closed_reason else None,
        "note": found.note,
        "place": report.place,
        "duplicate_of": report.duplicate_of.case.reference if report.duplicate_of is not None else None,
    }
    sent: set[tuple[MessageChannel, str]] = set()
    contact = reporter_contact(case)
    if contact is not None:
        messages.queue(
            channel=contact[0],
            recipient=contact[1],
            template="street_report_update",
            language=case.language,
            context=context | {"following": False},
            user_id=case.user_id,
        )
        sent.add(contact)
    for follower in followers(report):
        if (follower.channel, follower.recipient) in sent:
            continue
        messages.queue(
            channel=follower.channel,
            recipient=follower.recipient,
            template="street_report_update",
            language=follower.language,
            context=context | {"following": True},
            user_id=follower.user_id,
        )
        sent.add((follower.channel, follower.recipient))
    return len(sent)


def _audit(report: StreetReport, staff: User, action: str) -> None:
    db.session.add(AuditEvent(actor_id=staff.id, action=action, case_id=report.case_id))


def edit_description(report: StreetReport, staff: User, text: str) -> None:
    """A new public description; the words first given are kept (once) for the audit."""
    text = (text or "").strip()
    if not text:
        raise ServiceError("description-missing", field="description")
    if len(text) > DESCRIPTION_MAX:
        raise ServiceError("description-too-long", field="description")
    if text == report.description:
        raise ServiceError("description-same", field="description")
    if report.original_description is None:
        report.original_description = report.description
    report.description = text
    report.updated_at = utcnow()
    _audit(report, staff, "street_report.description_edited")


def set_photo_hidden(report: StreetReport, staff: User, hidden: bool) -> None:
    if report.photo_hidden == hidden:
        return
    report.photo_hidden = hidden
    report.updated_at = utcnow()
    _audit(report, staff, "street_report.photo_hidden" if hidden else "street_report.photo_shown")


def set_urgent(report: StreetReport, staff: User, urgent: bool) -> None:
    if report.case.urgent == urgent:
        return
    report.case.urgent = urgent
    _audit(report, staff, "street_report.urgent" if urgent else "street_report.not_urgent")


# "Is it fixed?"


def fixed_check_token(report: StreetReport) -> str:
    return tokens.make(current_app.config["SECRET_KEY"], FIXED_CHECK_PURPOSE, {"r": report.id})


def report_for_fixed_check(token: str) -> StreetReport:
    """The report a "Is it fixed?" link is about. Raises tokens.TokenInvalid (or TokenExpired)."""
    payload = tokens.read(
        current_app.config["SECRET_KEY"], FIXED_CHECK_PURPOSE, token, max_age_seconds=FIXED_CHECK_LINK_DAYS * 86400
    )
    report_id = payload.get("r")
    report = db.session.get(StreetReport, report_id) if isinstance(report_id, int) else None
    if report is None:
        raise tokens.TokenInvalid
    return report


def answer_fixed_check(report: StreetReport, fixed: bool) -> bool:
    """The reporter's answer. "No" reopens a report that is still marked fixed (True); "yes", or a
    report staff have moved on since, changes nothing (False)."""
    if fixed or report.state != StreetReportState.FIXED:
        return False
    report.state = StreetReportState.REOPENED
    report.fixed_at = None
    report.updated_at = utcnow()
    found = StreetReportUpdate(state=StreetReportState.REOPENED, note="", actor_id=None)
    report.updates.append(found)
    case = report.case
    case.status, case.closed_at = CASE_STATUS[StreetReportState.REOPENED], None
    case.events.append(CaseEvent(kind=CaseEventKind.STATUS, status=case.status, text="reporter-says-not-fixed"))
    db.session.flush()
    tell_everyone(report, found)
    return True


def send_fixed_checks(now: datetime) -> int:
    """Ask each reporter whose report was fixed four weeks ago whether it is still fixed (once)."""
    due = db.session.scalars(
        sa.select(StreetReport)
        .where(
            StreetReport.state == StreetReportState.FIXED,
            StreetReport.fixed_check_sent_at.is_(None),
            StreetReport.fixed_at <= now - FIXED_CHECK_AFTER,
        )
        .order_by(StreetReport.fixed_at)
        .limit(1000)
    ).all()
    asked = 0
    for report in due:
        contact = reporter_contact(report.case)
        if contact is not None:
            messages.queue(
                channel=contact[0],
                recipient=contact[1],
                template="street_report_fixed_check",
                language=report.case.language,
                context={
                    "reference": report.case.reference,
                    "place": report.place,
                    "link": links.external_url("street_reports.fixed_check", token=fixed_check_token(report)),
                },
                user_id=report.case.user_id,
            )
            asked += 1
        report.fixed_check_sent_at = now
    db.session.flush()
    return asked


@scheduler.job(
    "street-report-fixed-checks",
    daily_at="10:30",
    title=_l('Ask people whose street report was fixed four weeks ago "Is it fixed?"'),
    summary=_l("%(asked)s people asked"),
)
def ask_whether_fixed() -> dict[str, int]:
    return {"asked": send_fixed_checks(utcnow())}
