"""Contacts about an existing request that did not start online (a call, a visit, a letter, an
email), recorded by staff from the case. Whether a contact was avoidable is worked out here, from the
case, so staff are never asked to judge it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.extensions import db
from app.models import Case, CaseContact, CaseStatus, ContactChannel, User, utcnow

LONDON = ZoneInfo("Europe/London")


def is_avoidable(case: Case, when: datetime) -> bool:
    """A contact chasing a request still within its service standard: the case is not closed and
    the contact's day (London time) is on or before the case's due date."""
    return case.status != CaseStatus.CLOSED and when.astimezone(LONDON).date() <= case.due_date


def record(case: Case, staff: User, channel: ContactChannel, when: datetime | None = None) -> CaseContact:
    when = when or utcnow()
    contact = CaseContact(
        case_id=case.id,
        channel=channel,
        recorded_by_id=staff.id,
        contacted_at=when,
        avoidable=is_avoidable(case, when),
        service_id=case.service_id,
        ward=case.ward,
        place_id=case.place_id,
    )
    db.session.add(contact)
    db.session.flush()
    return contact


def for_case(case: Case) -> list[CaseContact]:
    return list(
        db.session.scalars(
            sa.select(CaseContact).where(CaseContact.case_id == case.id).order_by(CaseContact.contacted_at.desc())
        )
    )
