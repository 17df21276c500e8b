"""Staff checks of permits that wait for them (a vehicle typed in by hand, a business's evidence):
the queue, the soonest due first, and the decision. Each waiting permit is due to be decided
`checks_due_working_days` working days (the parking settings) after it was paid, and the applicant
is told that day. Approving makes the permit valid (from its first day, or from now if that has
passed); refusing cancels it, refunds what was paid in full, and tells the applicant why.

    due = checks.due_on()                     # the day a permit waiting from today is due
    queue = checks.awaiting()
    checks.is_overdue(permit)
    checks.approve(permit, staff=...)
    checks.refuse(permit, staff=..., reason="The V5C is for another vehicle")
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from app.extensions import db
from app.models import Case, ParkingPermit, ParkingPermitChange, PermitStatus, User, utcnow
from app.money import pounds
from app.services import case_work, uploads, working_days
from app.services.errors import ServiceError
from app.services.parking import permits
from app.services.parking.zones import settings

QUEUE_LIMIT = 200
APPROVED = "approved"
REFUSED = "refused"


def due_on(today: date | None = None) -> date:
    """The day staff are due to decide on a permit that starts waiting for checks today."""
    return working_days.add_working_days(today or permits.london_today(), settings().checks_due_working_days)


def is_overdue(permit: ParkingPermit, today: date | None = None) -> bool:
    return permit.checks_due_on is not None and (today or permits.london_today()) > permit.checks_due_on


def awaiting(limit: int = QUEUE_LIMIT) -> list[ParkingPermit]:
    """Resident and business permits waiting for staff checks, the soonest due (so the overdue)
    first; among those due the same day, the longest waiting."""
    return list(
        db.session.scalars(
            sa.select(ParkingPermit)
            .where(
                ParkingPermit.status == PermitStatus.AWAITING_CHECKS, ParkingPermit.permit_type.in_(permits.HELD_TYPES)
            )
            .order_by(ParkingPermit.checks_due_on.asc().nulls_first(), ParkingPermit.created_at, ParkingPermit.id)
            .limit(limit)
        )
    )


def _permit_of(case: Case) -> ParkingPermit | None:
    return db.session.scalar(
        sa.select(ParkingPermit).where(
            ParkingPermit.case_id == case.id, ParkingPermit.permit_type.in_(permits.HELD_TYPES)
        )
    )


def evidence_of(permit: ParkingPermit) -> list[tuple[str, dict]]:
    """The files sent with the permit's application (a business's rates bill or lease), as
    (question id, file answer): staff download them from the case (staff.case_file)."""
    case = db.session.get(Case, permit.case_id) if permit.case_id else None
    if case is None:
        return []
    return [(question_id, answer) for question_id, answer in case.answers.items() if uploads.is_file_answer(answer)]


def next_steps(case: Case) -> str | None:
    """What the applicant is told on the confirmation when their permit waits for checks: by when
    they will hear. None for a permit that is ready (the form's own words say so)."""
    permit = _permit_of(case)
    if permit is None or permit.status != PermitStatus.AWAITING_CHECKS or permit.checks_due_on is None:
        return None
    return _(
        "We need to check what you sent us before the permit is valid. We will tell you by %(date)s "
        'whether we approve it, and from exactly when it is valid. You can see it from "Your requests".',
        date=format_date(permit.checks_due_on, "d MMMM yyyy"),
    )


def _decided(permit: ParkingPermit, staff: User, kind: str, refunded: int) -> None:
    now = utcnow()
    db.session.add(
        ParkingPermitChange(
            permit_id=permit.id,
            kind=kind,
            old_vrm=permit.vrm,
            new_vrm=permit.vrm,
            old_price_pence=permit.price_pence,
            new_price_pence=permit.price_pence,
            difference_pence=-refunded,
            actor_id=staff.id,
            channel="staff",  # a decision in the back office, not a contact with the person
            created_at=now,
        )
    )
    permit.updated_at = now  # the enforcement feed gives it again
    db.session.flush()


def _locked_awaiting(permit: ParkingPermit) -> ParkingPermit:
    permit = permits.locked(permit.id)
    if permit is None or permit.status != PermitStatus.AWAITING_CHECKS:
        raise ServiceError("not-awaiting-checks")
    return permit


def approve(permit: ParkingPermit, *, staff: User) -> None:
    """The permit becomes valid; the applicant is told from exactly when."""
    permit = _locked_awaiting(permit)
    permit.status = PermitStatus.ACTIVE
    _decided(permit, staff, APPROVED, 0)
    case = db.session.get(Case, permit.case_id) if permit.case_id else None
    if case is None:
        return
    now = utcnow()
    with force_locale(case.language):
        if now >= permit.ends_at:
            message = _("We have checked your permit for %(vrm)s.", vrm=permit.vrm)
        elif now >= permit.starts_at:
            message = _(
                "We have checked your permit for %(vrm)s: it is valid now, until the end of %(last)s.",
                vrm=permit.vrm,
                last=format_date(permits.last_day(permit), "d MMMM yyyy"),
            )
        else:
            message = _(
                "We have checked your permit for %(vrm)s: it is valid from %(first)s to the end of %(last)s.",
                vrm=permit.vrm,
                first=format_date(permits.first_day(permit), "d MMMM yyyy"),
                last=format_date(permits.last_day(permit), "d MMMM yyyy"),
            )
    case_work.change_status(case, staff, case.status, message)


def refuse(permit: ParkingPermit, *, staff: User, reason: str) -> int:
    """Cancel the permit and refund all that is left of what was paid; the applicant gets the
    reason. What was refunded."""
    permit = _locked_awaiting(permit)
    refunded = permits.refund_to_card(permit, permit.price_pence, reason="parking permit refused", actor_id=staff.id)
    permit.status = PermitStatus.CANCELLED
    _decided(permit, staff, REFUSED, refunded)
    case = db.session.get(Case, permit.case_id) if permit.case_id else None
    if case is not None:
        with force_locale(case.language):
            message = _("We cannot give a permit for %(vrm)s: %(reason)s", vrm=permit.vrm, reason=reason)
            if refunded:
                message += " " + _("We have refunded %(amount)s to your card.", amount=pounds(refunded))
        case_work.change_status(case, staff, case.status, message)
    return refunded
