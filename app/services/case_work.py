"""Staff working cases: the inbox, and everything done to a case, each step on its timeline."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

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
    cases: list  # rows of ROW_COLUMNS
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
    def of(cls, case) -> Cursor:
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

# What an inbox row shows and its place in the order: plain rows, not Case objects (making and
# tracking an object per row cost more than the query), and not the answers, whose JSON was decoded
# for every row and never shown.
ROW_COLUMNS = (Case.id, Case.reference, Case.urgent, Case.service_id, Case.status, Case.due_date)

# Each filter's condition, with its value as a parameter, so that each combination of filters is
# built (and given its cache key) once, not on every page: building it cost more than running it.
FILTER_TERMS = {
    "service": lambda: Case.service_id == sa.bindparam("service"),
    "status": lambda: Case.status == sa.bindparam("status", type_=Case.status.type),
    "ward": lambda: Case.ward == sa.bindparam("ward"),
    "overdue": lambda: Case.due_date < sa.bindparam("today", type_=Case.due_date.type),
    "urgent": lambda: Case.urgent.is_(True),
    "mine": lambda: Case.assigned_to_id == sa.bindparam("staff_id"),
}
STATUS_VALUES = frozenset(status.value for status in CaseStatus)


def _filtered(filters: InboxFilters, staff: User) -> tuple[tuple[str, ...], dict]:
    """Which filters are chosen (they decide the statement) and their values (its parameters).
    Every filter has an index that ends in the inbox's order (urgent, due date, id), so each page is
    read straight off an index."""
    chosen, values = [], {}
    if filters.service:
        chosen.append("service")
        values["service"] = filters.service
    if filters.status in STATUS_VALUES:
        chosen.append("status")
        values["status"] = CaseStatus(filters.status)
    if filters.ward:
        chosen.append("ward")
        values["ward"] = filters.ward
    if filters.overdue:
        chosen.append("overdue")
        values["today"] = london_today()
    if filters.urgent:
        chosen.append("urgent")
    if filters.mine:
        chosen.append("mine")
        values["staff_id"] = staff.id
    return tuple(chosen), values


def _where(chosen: tuple[str, ...]) -> list:
    clauses = [FILTER_TERMS[name]() for name in chosen]
    if "status" not in chosen:
        clauses.append(OPEN)
    elif "overdue" in chosen:
        clauses.append(Case.status != CaseStatus.CLOSED)
    return clauses


def inbox(
    filters: InboxFilters, *, staff: User, page: int = 1, after: str | None = None, before: str | None = None
) -> InboxPage:
    """Most urgent first, then the earliest due date. "Next" and "Previous" links carry the place of
    the last (or first) case shown (keyset pagination), so the 400th page costs what the first does;
    a page number alone (a typed address) still works, by counting along the index."""
    chosen, values = _filtered(filters, staff)
    after_cursor, before_cursor = Cursor.parse(after), Cursor.parse(before)
    if before_cursor is not None:
        rows = _walk(chosen, values, before_cursor, backwards=True)
        has_previous = len(rows) > PAGE_SIZE
        shown = list(reversed(rows[:PAGE_SIZE]))
        page = max(page, 2) if has_previous else 1
        return _page(shown, page, has_next=True, has_previous=has_previous)
    if after_cursor is not None:
        rows = _walk(chosen, values, after_cursor)
        return _page(rows[:PAGE_SIZE], max(page, 2), has_next=len(rows) > PAGE_SIZE, has_previous=True)
    rows = _by_page_number(chosen, values, page) if page > 1 else _walk(chosen, values, None)
    return _page(rows[:PAGE_SIZE], page, has_next=len(rows) > PAGE_SIZE, has_previous=page > 1)


def _page(shown: list, page: int, *, has_next: bool, has_previous: bool) -> InboxPage:
    return InboxPage(
        shown,
        page,
        has_next=has_next and bool(shown),
        has_previous=has_previous and bool(shown),
        next_cursor=str(Cursor.of(shown[-1])) if shown else None,
        previous_cursor=str(Cursor.of(shown[0])) if shown else None,
    )


def _walk(chosen: tuple[str, ...], values: dict, cursor: Cursor | None, *, backwards: bool = False) -> list:
    """Up to PAGE_SIZE + 1 cases from the start, or after the cursor (or before it, nearest first).
    The first page is one read along the index in the inbox's order. After a cursor it is at most
    two index range reads, the urgent cases then the others: each has `urgent` fixed, so the rest of
    the order (due date, id) is one direction and a plain range of the index."""
    wanted = PAGE_SIZE + 1
    if cursor is None and not backwards:
        return list(db.session.execute(walk_statement(chosen, part=None, from_cursor=False, backwards=False), values))
    # Urgent cases come first: after an urgent case come the rest of the urgent ones, then the
    # others; before an urgent case, only urgent ones.
    after_parts = [True, False] if cursor.urgent else [False]
    before_parts = [True] if cursor.urgent else [False, True]
    parts = before_parts if backwards else after_parts
    rows: list = []
    for urgent in parts:
        from_cursor = urgent == cursor.urgent
        parameters = values | {"due_date": cursor.due_date, "id": cursor.id} if from_cursor else values
        statement = walk_statement(chosen, part=urgent, from_cursor=from_cursor, backwards=backwards)
        rows += db.session.execute(statement, parameters)
        if len(rows) >= wanted:
            break
    return rows[:wanted]


@cache
def walk_statement(chosen: tuple[str, ...], *, part: bool | None, from_cursor: bool, backwards: bool) -> sa.Select:
    """The inbox's read for these filters: all of it in the inbox's order (`part` None), or only the
    urgent (True) or other (False) cases, from a cursor's place or from the start of that part."""
    query = sa.select(*ROW_COLUMNS).where(*_where(chosen))
    if part is None:
        return query.order_by(Case.urgent.desc(), Case.due_date, Case.id).limit(PAGE_SIZE + 1)
    query = query.where(Case.urgent.is_(part))
    if from_cursor:
        place = sa.tuple_(Case.due_date, Case.id)
        edge = sa.tuple_(sa.bindparam("due_date", type_=Case.due_date.type), sa.bindparam("id", type_=Case.id.type))
        query = query.where(place < edge if backwards else place > edge)
    order = (Case.due_date.desc(), Case.id.desc()) if backwards else (Case.due_date, Case.id)
    return query.order_by(*order).limit(PAGE_SIZE + 1)


def _by_page_number(chosen: tuple[str, ...], values: dict, page: int) -> list:
    """A page by its number alone: the ids are counted off the index (which holds them), and only
    that page's cases are read from the table."""
    return list(db.session.execute(_page_number_statement(chosen), values | {"skip": (page - 1) * PAGE_SIZE}))


@cache
def _page_number_statement(chosen: tuple[str, ...]) -> sa.Select:
    ids = (
        sa.select(Case.id)
        .where(*_where(chosen))
        .order_by(Case.urgent.desc(), Case.due_date, Case.id)
        .offset(sa.bindparam("skip", type_=sa.Integer))
        .limit(PAGE_SIZE + 1)
        .subquery()
    )
    return sa.select(*ROW_COLUMNS).join(ids, Case.id == ids.c.id).order_by(Case.urgent.desc(), Case.due_date, Case.id)


def services_and_wards_in_use() -> tuple[list[str], list[str]]:
    """The services and the wards of every case, for the inbox's filters: one statement."""
    services, wards = [], []
    for kind, value in db.session.execute(_services_and_wards()):
        (services if kind == "service" else wards).append(value)
    return services, wards


def services_in_use() -> list[str]:
    return list(db.session.scalars(_distinct_values("service_id")))


def wards_in_use() -> list[str]:
    return list(db.session.scalars(_distinct_values("ward")))


@cache
def _services_and_wards() -> sa.Select:
    def labelled(name: str) -> sa.Select:
        found = _distinct_values(name).subquery()
        return sa.select(sa.literal(name.removesuffix("_id")).label("kind"), found.c.value)

    return sa.union_all(labelled("service_id"), labelled("ward"))


@cache
def _distinct_values(name: str) -> sa.Select:
    """The query for the column's different values in order, by jumping through its index from each
    value to the next (a few lookups) rather than reading every case as SELECT DISTINCT would. Built
    once: building it (and its cache key) cost more than running it, on every inbox page."""
    column = getattr(Case, name)
    found = sa.select(sa.func.min(column).label("value")).cte(f"found_{name}", recursive=True)
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
