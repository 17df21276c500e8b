"""Staff working cases: the inbox, and everything done to a case, each step on its timeline."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Case, CaseEvent, CaseEventKind, CaseStatus, MessageChannel, User, utcnow
from app.services import messages
from app.services.cases import london_today
from app.services.errors import ServiceError

PAGE_SIZE = 25
OPEN_STATUSES = (CaseStatus.RECEIVED, CaseStatus.IN_PROGRESS, CaseStatus.WAITING)


@dataclass(frozen=True)
class InboxFilters:
    service: str | None = None
    status: str | None = None  # a CaseStatus value, or "open" (the default) for anything not closed
    ward: str | None = None
    overdue: bool = False
    urgent: bool = False
    mine: bool = False


@dataclass(frozen=True)
class InboxPage:
    cases: list[Case]
    page: int
    has_next: bool

    @property
    def pages(self) -> int:
        # The pagination component needs a last page; we only know whether there is a next one,
        # which keeps the inbox fast without counting a million rows.
        return self.page + 1 if self.has_next else self.page


def inbox(filters: InboxFilters, *, staff: User, page: int = 1) -> InboxPage:
    """Most urgent first, then the earliest due date."""
    query = sa.select(Case)
    if filters.service:
        query = query.where(Case.service_id == filters.service)
    if filters.status in {status.value for status in CaseStatus}:
        query = query.where(Case.status == CaseStatus(filters.status))
    else:
        query = query.where(Case.status.in_(OPEN_STATUSES))
    if filters.ward:
        query = query.where(Case.ward == filters.ward)
    if filters.overdue:
        query = query.where(Case.due_date < london_today(), Case.status != CaseStatus.CLOSED)
    if filters.urgent:
        query = query.where(Case.urgent.is_(True))
    if filters.mine:
        query = query.where(Case.assigned_to_id == staff.id)
    query = query.order_by(Case.urgent.desc(), Case.due_date, Case.id).offset((page - 1) * PAGE_SIZE)
    rows = list(db.session.scalars(query.limit(PAGE_SIZE + 1)))
    return InboxPage(rows[:PAGE_SIZE], page, len(rows) > PAGE_SIZE)


def services_in_use() -> list[str]:
    return _distinct_values(Case.service_id)


def wards_in_use() -> list[str]:
    return _distinct_values(Case.ward)


def _distinct_values(column) -> list:
    """The column's different values in order, by jumping through its index from each value to the
    next (a few lookups) rather than reading every case as SELECT DISTINCT would."""
    found = sa.select(sa.func.min(column).label("value")).cte("found", recursive=True)
    following = sa.select(column).where(column > found.c.value).order_by(column).limit(1).scalar_subquery()
    found = found.union_all(sa.select(following).where(found.c.value.is_not(None)))
    return list(db.session.scalars(sa.select(found.c.value).where(found.c.value.is_not(None))))


def find(reference: str) -> Case | None:
    return db.session.scalar(sa.select(Case).where(Case.reference == reference))


def record_view(case: Case, staff: User) -> None:
    """Every time staff open a case, for the council's audit trail."""
    db.session.add(AuditEvent(actor_id=staff.id, action="case.viewed", case_id=case.id))


def record_file_download(case: Case, staff: User) -> None:
    db.session.add(AuditEvent(actor_id=staff.id, action="case.file_downloaded", case_id=case.id))


def assign(case: Case, staff: User, assignee: User | None) -> None:
    case.assigned_to_id = assignee.id if assignee is not None else None
    case.events.append(
        CaseEvent(kind=CaseEventKind.ASSIGNED, actor_id=staff.id, text=assignee.full_name if assignee else None)
    )


def add_note(case: Case, staff: User, text: str) -> None:
    case.events.append(CaseEvent(kind=CaseEventKind.NOTE, actor_id=staff.id, text=text))


def change_status(case: Case, staff: User | None, status: CaseStatus, message: str | None) -> None:
    """A new status, with an optional message to the person, sent through the outbox and shown to them.
    `staff` is None when the portal itself changed it (a refund after a lost booking, say)."""
    if status == case.status and not message:
        raise ServiceError("same-status", field="status")
    case.status = status
    case.closed_at = utcnow() if status == CaseStatus.CLOSED else None
    case.events.append(
        CaseEvent(
            kind=CaseEventKind.STATUS, actor_id=staff.id if staff else None, status=status, public_message=message
        )
    )
    if message:
        _tell_the_person(case, message)


def _tell_the_person(case: Case, message: str) -> None:
    if case.contact_email:
        channel, recipient = MessageChannel.EMAIL, case.contact_email
    elif case.contact_phone:
        channel, recipient = MessageChannel.SMS, case.contact_phone
    else:
        return
    messages.queue(
        channel=channel,
        recipient=recipient,
        template="case_update",
        language=case.language,
        context={"reference": case.reference, "status": case.status.value, "message": message},
        user_id=case.user_id,
    )


def people_by_id(ids: set) -> dict[int, User]:
    wanted = {user_id for user_id in ids if user_id is not None}
    if not wanted:
        return {}
    return {user.id: user for user in db.session.scalars(sa.select(User).where(User.id.in_(wanted)))}
