"""Staff working cases: the inbox, and everything done to a case, each step on its timeline."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

import sqlalchemy as sa
from sqlalchemy import orm

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
    has_previous: bool = False
    next_cursor: str | None = None  # the last case's place in the order, for the "Next" link
    previous_cursor: str | None = None  # the first case's place, for the "Previous" link

    @property
    def pages(self) -> int:
        # The pagination component needs a last page; we only know whether there is a next one,
        # which keeps the inbox fast without counting a million rows.
        return self.page + 1 if self.has_next else self.page


@dataclass(frozen=True)
class Cursor:
    """A case's place in the inbox's order (most urgent first, then earliest due, then oldest)."""

    urgent: bool
    due_date: date
    id: int

    def __str__(self) -> str:
        return f"{int(self.urgent)}.{self.due_date.isoformat()}.{self.id}"

    @classmethod
    def of(cls, case: Case) -> Cursor:
        return cls(case.urgent, case.due_date, case.id)

    @classmethod
    def parse(cls, raw: str | None) -> Cursor | None:
        """None for anything but a cursor this module wrote (a hand-edited link, say)."""
        found = CURSOR_PATTERN.fullmatch(raw or "")
        if found is None:
            return None
        try:
            return cls(found[1] == "1", date.fromisoformat(found[2]), int(found[3]))
        except ValueError:
            return None


CURSOR_PATTERN = re.compile(r"([01])\.(\d{4}-\d{2}-\d{2})\.(\d{1,18})")

# Open cases, written as a literal so that the database uses the partial indexes made for them
# (migration 0013): SQLite matches a partial index only when the query has the same term.
OPEN = Case.status != sa.literal_column("'closed'")


def _filtered(filters: InboxFilters, staff: User) -> list:
    """The WHERE clauses of a filtered inbox. Every filter has an index that ends in the inbox's
    order (urgent, due date, id), so each page is read straight off an index."""
    clauses = []
    if filters.service:
        clauses.append(Case.service_id == filters.service)
    if filters.status in {status.value for status in CaseStatus}:
        clauses.append(Case.status == CaseStatus(filters.status))
        if filters.overdue:
            clauses.append(Case.status != CaseStatus.CLOSED)
    else:
        clauses.append(OPEN)
    if filters.ward:
        clauses.append(Case.ward == filters.ward)
    if filters.overdue:
        clauses.append(Case.due_date < london_today())
    if filters.urgent:
        clauses.append(Case.urgent.is_(True))
    if filters.mine:
        clauses.append(Case.assigned_to_id == staff.id)
    return clauses


def inbox(
    filters: InboxFilters, *, staff: User, page: int = 1, after: str | None = None, before: str | None = None
) -> InboxPage:
    """Most urgent first, then the earliest due date. "Next" and "Previous" links carry the place of
    the last (or first) case shown (keyset pagination), so the 400th page costs what the first does;
    a page number alone (a typed address) still works, by counting along the index."""
    clauses = _filtered(filters, staff)
    after_cursor, before_cursor = Cursor.parse(after), Cursor.parse(before)
    if before_cursor is not None:
        rows = _walk(clauses, before_cursor, backwards=True)
        has_previous = len(rows) > PAGE_SIZE
        shown = list(reversed(rows[:PAGE_SIZE]))
        page = max(page, 2) if has_previous else 1
        return _page(shown, page, has_next=True, has_previous=has_previous)
    if after_cursor is not None:
        rows = _walk(clauses, after_cursor)
        return _page(rows[:PAGE_SIZE], max(page, 2), has_next=len(rows) > PAGE_SIZE, has_previous=True)
    rows = _by_page_number(clauses, page) if page > 1 else _walk(clauses, None)
    return _page(rows[:PAGE_SIZE], page, has_next=len(rows) > PAGE_SIZE, has_previous=page > 1)


def _page(shown: list[Case], page: int, *, has_next: bool, has_previous: bool) -> InboxPage:
    return InboxPage(
        shown,
        page,
        has_next=has_next and bool(shown),
        has_previous=has_previous and bool(shown),
        next_cursor=str(Cursor.of(shown[-1])) if shown else None,
        previous_cursor=str(Cursor.of(shown[0])) if shown else None,
    )


def _walk(clauses: list, cursor: Cursor | None, *, backwards: bool = False) -> list[Case]:
    """Up to PAGE_SIZE + 1 cases after the cursor (or before it, nearest first), in at most two index
    range reads: the urgent cases, then the others. Each read has `urgent` fixed, so the rest of the
    order (due date, id) is one direction and a plain range of the index."""
    wanted = PAGE_SIZE + 1
    if backwards:
        parts = [True] if cursor is not None and cursor.urgent else [False, True]
        order = (Case.due_date.desc(), Case.id.desc())
    else:
        parts = [True, False] if cursor is None or cursor.urgent else [False]
        order = (Case.due_date, Case.id)
    rows: list[Case] = []
    for urgent in parts:
        query = sa.select(Case).options(_inbox_columns()).where(*clauses, Case.urgent.is_(urgent))
        if cursor is not None and urgent == cursor.urgent:
            place = sa.tuple_(Case.due_date, Case.id)
            edge = (cursor.due_date, cursor.id)
            query = query.where(place < edge if backwards else place > edge)
        rows += db.session.scalars(query.order_by(*order).limit(wanted - len(rows)))
        if len(rows) >= wanted:
            break
    return rows


def _by_page_number(clauses: list, page: int) -> list[Case]:
    """A page by its number alone: the ids are counted off the index (which holds them), and only
    that page's cases are read from the table."""
    ids = (
        sa.select(Case.id)
        .where(*clauses)
        .order_by(Case.urgent.desc(), Case.due_date, Case.id)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
        .subquery()
    )
    query = (
        sa.select(Case)
        .options(_inbox_columns())
        .join(ids, Case.id == ids.c.id)
        .order_by(Case.urgent.desc(), Case.due_date, Case.id)
    )
    return list(db.session.scalars(query))


@cache
def _inbox_columns():
    """Only what an inbox row shows and its place in the order: not the answers, whose JSON was
    decoded for every row and never shown."""
    return orm.load_only(Case.id, Case.reference, Case.urgent, Case.service_id, Case.status, Case.due_date)


def services_in_use() -> list[str]:
    return list(db.session.scalars(_distinct_values("service_id")))


def wards_in_use() -> list[str]:
    return list(db.session.scalars(_distinct_values("ward")))


@cache
def _distinct_values(name: str) -> sa.Select:
    """The query for the column's different values in order, by jumping through its index from each
    value to the next (a few lookups) rather than reading every case as SELECT DISTINCT would. Built
    once: building it (and its cache key) cost more than running it, on every inbox page."""
    column = getattr(Case, name)
    found = sa.select(sa.func.min(column).label("value")).cte("found", recursive=True)
    following = sa.select(column).where(column > found.c.value).order_by(column).limit(1).scalar_subquery()
    found = found.union_all(sa.select(following).where(found.c.value.is_not(None)))
    return sa.select(found.c.value).where(found.c.value.is_not(None))


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
