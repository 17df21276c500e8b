"""The channel-shift figures counted as things happen (table channel_figure_counts), so the figures
for a year are a read of a few thousand rows however many cases there are (docs/performance.md).

Every measure is counted in the London month of the event it counts, and never taken back:

- ``made:<channel>``: a request made (online, kiosk, assisted, telephone, face_to_face);
- ``answered`` and ``answered_on_time``: a request closed, and closed on or before its due date
  (a request reopened and closed again is counted each time it is answered);
- ``contact:<channel>`` and ``avoidable``: a contact recorded from a case;
- ``rating:<channel>:<rating>``: a satisfaction answer;
- ``letter``: a letter queued in the outbox (outgoing post), under the service, ward and place of
  the request it is about (none when it is about none), in the month it was queued.

One listener on every session's flush sees the new cases, contacts, answers and letters and the cases whose
``closed_at`` was set, whichever code made them, and adds to the counts in the same transaction
(an upsert, so two machines adding at once both count). Rows written by bulk inserts (the demo data,
the benchmark) skip the listener: `rebuild()` (``flask figures rebuild``) counts everything again.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import (
    Case,
    CaseContact,
    Channel,
    ChannelFigureCount,
    MessageChannel,
    OutboundMessage,
    SatisfactionResponse,
)

LONDON = ZoneInfo("Europe/London")
NO_WARD = ""
NO_PLACE = 0
Key = tuple[date, str, str, int, str]


def london_month(when: datetime) -> date:
    return when.astimezone(LONDON).date().replace(day=1)


def transaction_channel(channel: Channel | str, place_id: int | None) -> str:
    """Online at a place (a kiosk) is "kiosk"; every other channel is itself."""
    value = getattr(channel, "value", channel)
    return "kiosk" if value == Channel.ONLINE.value and place_id else value


def _key(when: datetime, service_id: str, ward: str | None, place_id: int | None, measure: str) -> Key:
    return (london_month(when), service_id, ward or NO_WARD, place_id or NO_PLACE, measure)


def _answered(counts: Counter, case_service, ward, place_id, closed_at: datetime, due: date) -> None:
    counts[_key(closed_at, case_service, ward, place_id, "answered")] += 1
    if closed_at.astimezone(LONDON).date() <= due:
        counts[_key(closed_at, case_service, ward, place_id, "answered_on_time")] += 1


def count_case_made(counts: Counter, case) -> None:
    channel = transaction_channel(case.channel, case.place_id)
    counts[_key(case.created_at, case.service_id, case.ward, case.place_id, f"made:{channel}")] += 1


def count_contact(counts: Counter, contact) -> None:
    channel = getattr(contact.channel, "value", contact.channel)
    key = _key(contact.contacted_at, contact.service_id, contact.ward, contact.place_id, f"contact:{channel}")
    counts[key] += 1
    if contact.avoidable:
        counts[key[:4] + ("avoidable",)] += 1


def count_rating(counts: Counter, response, ward: str | None, place_id: int | None) -> None:
    channel = transaction_channel(response.channel, place_id)
    rating = getattr(response.rating, "value", response.rating)
    counts[_key(response.created_at, response.service_id, ward, place_id, f"rating:{channel}:{rating}")] += 1


def count_letter(counts: Counter, queued_at: datetime, service_id: str | None, ward, place_id) -> None:
    counts[_key(queued_at, service_id or "", ward, place_id, "letter")] += 1


def _count_letters(session: Session, counts: Counter) -> None:
    """Letters queued in this flush, each under the request it is about (found in the session, or
    read when it is not there)."""
    letters = [
        item for item in session.new if isinstance(item, OutboundMessage) and item.channel == MessageChannel.LETTER
    ]
    if not letters:
        return
    about: dict[int, tuple] = {}
    missing = set()
    for letter in letters:
        if letter.case_id is None:
            continue
        case = session.identity_map.get(session.identity_key(Case, letter.case_id))
        if case is not None:
            about[letter.case_id] = (case.service_id, case.ward, case.place_id)
        else:
            missing.add(letter.case_id)
    if missing:
        query = sa.select(Case.id, Case.service_id, Case.ward, Case.place_id).where(Case.id.in_(missing))
        for case_id, service_id, ward, place_id in session.connection().execute(query):
            about[case_id] = (service_id, ward, place_id)
    for letter in letters:
        count_letter(counts, letter.created_at, *about.get(letter.case_id, (None, None, None)))


def _upsert(connection, counts: Counter) -> None:
    if not counts:
        return
    rows = [
        {"month": month, "service_id": service, "ward": ward, "place_id": place, "measure": measure, "count": n}
        for (month, service, ward, place, measure), n in counts.items()
    ]
    insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
    statement = insert(ChannelFigureCount.__table__)
    statement = statement.on_conflict_do_update(
        index_elements=["month", "service_id", "ward", "place_id", "measure"],
        set_={"count": ChannelFigureCount.__table__.c.count + statement.excluded["count"]},
    )
    connection.execute(statement, rows)


def _after_flush(session: Session, _context) -> None:
    counts: Counter = Counter()
    for item in session.new:
        if isinstance(item, Case):
            count_case_made(counts, item)
            if item.closed_at is not None:
                _answered(counts, item.service_id, item.ward, item.place_id, item.closed_at, item.due_date)
        elif isinstance(item, CaseContact):
            count_contact(counts, item)
    for item in session.dirty:
        if isinstance(item, Case) and item.closed_at is not None:
            history = sa.inspect(item).attrs.closed_at.history
            if history.added and history.added[0] is not None and not (history.deleted and history.deleted[0]):
                _answered(counts, item.service_id, item.ward, item.place_id, item.closed_at, item.due_date)
    _count_letters(session, counts)
    responses = [item for item in session.new if isinstance(item, SatisfactionResponse)]
    if responses:
        connection = session.connection()
        case_ids = [response.case_id for response in responses if response.case_id]
        where = {}
        if case_ids:
            where = {
                case_id: (ward, place_id)
                for case_id, ward, place_id in connection.execute(
                    sa.select(Case.id, Case.ward, Case.place_id).where(Case.id.in_(case_ids))
                )
            }
        for response in responses:
            count_rating(counts, response, *where.get(response.case_id, (None, None)))
    if counts:
        _upsert(session.connection(), counts)


def init_app(app) -> None:
    """Count on every session's flush (once, however many apps are made)."""
    if not sa.event.contains(Session, "after_flush", _after_flush):
        sa.event.listen(Session, "after_flush", _after_flush)


BATCH = 50_000


def rebuild() -> int:
    """Count everything again from the cases, contacts and answers (after bulk inserts). Returns
    how many count rows there are."""
    counts: Counter = Counter()
    columns = (Case.service_id, Case.ward, Case.place_id, Case.channel, Case.created_at, Case.closed_at, Case.due_date)
    for service, ward, place_id, channel, created_at, closed_at, due in db.session.execute(
        sa.select(*columns).execution_options(yield_per=BATCH)
    ):
        counts[_key(created_at, service, ward, place_id, f"made:{transaction_channel(channel, place_id)}")] += 1
        if closed_at is not None:
            _answered(counts, service, ward, place_id, closed_at, due)
    contact_columns = (
        CaseContact.service_id,
        CaseContact.ward,
        CaseContact.place_id,
        CaseContact.channel,
        CaseContact.contacted_at,
        CaseContact.avoidable,
    )
    for service, ward, place_id, channel, contacted_at, avoidable in db.session.execute(
        sa.select(*contact_columns).execution_options(yield_per=BATCH)
    ):
        key = _key(contacted_at, service, ward, place_id, f"contact:{channel.value}")
        counts[key] += 1
        if avoidable:
            counts[key[:4] + ("avoidable",)] += 1
    rating_columns = (
        SatisfactionResponse.service_id,
        SatisfactionResponse.channel,
        SatisfactionResponse.rating,
        SatisfactionResponse.created_at,
        Case.ward,
        Case.place_id,
    )
    query = sa.select(*rating_columns).outerjoin(Case, Case.id == SatisfactionResponse.case_id)
    for service, channel, rating, created_at, ward, place_id in db.session.execute(
        query.execution_options(yield_per=BATCH)
    ):
        measure = f"rating:{transaction_channel(channel, place_id)}:{rating.value}"
        counts[_key(created_at, service, ward, place_id, measure)] += 1
    letter_columns = (OutboundMessage.created_at, Case.service_id, Case.ward, Case.place_id)
    query = (
        sa.select(*letter_columns)
        .outerjoin(Case, Case.id == OutboundMessage.case_id)
        .where(OutboundMessage.channel == MessageChannel.LETTER)
    )
    for queued_at, service, ward, place_id in db.session.execute(query.execution_options(yield_per=BATCH)):
        count_letter(counts, queued_at, service, ward, place_id)
    db.session.execute(sa.delete(ChannelFigureCount))
    _upsert(db.session.connection(), counts)
    return len(counts)
