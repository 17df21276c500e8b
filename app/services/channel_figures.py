"""The council's channel-shift figures: per month and per service, the share of transactions by
channel, satisfaction by channel, avoidable contact, service standards met, letters in alternative
formats, and what each channel costs against the same work done by phone.

Each table is read in one grouped query over an index that holds every column it needs (see
docs/performance.md for why these are queries and not aggregate tables). Months are London months:
each row is put in its month by comparing its UTC time with the month boundaries worked out here,
which reads the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from app.extensions import db
from app.models import Case, CaseContact, CaseStatus, Channel, SatisfactionRating, SatisfactionResponse

LONDON = ZoneInfo("Europe/London")
# The form whose requests are letters (and other documents) in an alternative format.
ALTERNATIVE_FORMATS_FORM = "alternative-formats"
# How a transaction was made, as the council reports it: online from a kiosk is online at a place.
TRANSACTION_CHANNELS = ("online", "kiosk", "assisted", "telephone", "face_to_face", "open311")
CONTACT_CHANNELS = ("telephone", "face_to_face", "letter", "email")
SATISFIED = (SatisfactionRating.VERY_SATISFIED.value, SatisfactionRating.SATISFIED.value)
RATINGS = tuple(rating.value for rating in SatisfactionRating)
# Which unit cost (config UNIT_COSTS_PENCE) each transaction and contact channel costs. A volunteer's
# help costs the council nothing more than the web transaction it becomes; an email about a request
# is counted at the web unit cost, as no separate figure was given.
TRANSACTION_UNIT = {
    "online": "web",
    "kiosk": "web",
    "assisted": "web",
    "telephone": "telephone",
    "face_to_face": "face_to_face",
    "open311": "web",  # sent by another system (FixMyStreet, an app) through the Open311 API
}
CONTACT_UNIT = {"telephone": "telephone", "face_to_face": "face_to_face", "letter": "letter_in", "email": "web"}
MAX_MONTHS = 36


@dataclass(frozen=True)
class Filters:
    first_month: date  # the 1st of the first month
    last_month: date  # the 1st of the last month (inclusive)
    service: str | None = None
    ward: str | None = None
    place_id: int | None = None


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def last_twelve_months(today: date) -> Filters:
    last = month_start(today)
    return Filters(first_month=add_months(last, -11), last_month=last)


def _utc_start(month: date) -> datetime:
    """Midnight at the start of a London month, in UTC."""
    return datetime.combine(month, time(0), tzinfo=LONDON).astimezone(UTC)


def _month_bucket(column, months: list[date]):
    """The index of the month each row falls in (0 for the first), from its UTC time."""
    bounds = [_utc_start(month) for month in months[1:]]
    if not bounds:
        return sa.literal(0)
    return sa.case(*[(column < bound, index) for index, bound in enumerate(bounds)], else_=len(bounds))


@dataclass
class Costs:
    count: int = 0
    cost: int = 0  # pence
    by_phone: int = 0  # what the same work would have cost by phone, pence

    @property
    def saving(self) -> int:
        return self.by_phone - self.cost


@dataclass
class Figures:
    filters: Filters
    months: list[date]
    # month index -> transaction channel -> count
    transactions: list[dict[str, int]]
    # service id -> transaction channel -> count
    by_service: dict[str, dict[str, int]]
    # month index -> (decided, met): requests due by today or answered, and of those answered by the due date
    standards: list[tuple[int, int]]
    alternative_formats: list[int]
    # month index -> contact channel -> count, and avoidable counts
    contacts: list[dict[str, int]]
    avoidable: list[int]
    # transaction channel -> rating -> count
    satisfaction: dict[str, dict[str, int]]
    transaction_costs: dict[str, Costs] = field(default_factory=dict)
    contact_costs: dict[str, Costs] = field(default_factory=dict)

    @property
    def total_transactions(self) -> int:
        return sum(sum(month.values()) for month in self.transactions)

    @property
    def total_contacts(self) -> int:
        return sum(sum(month.values()) for month in self.contacts)

    @property
    def is_empty(self) -> bool:
        return not self.total_transactions and not self.total_contacts and not self.satisfaction

    def channel_totals(self) -> dict[str, int]:
        totals = dict.fromkeys(TRANSACTION_CHANNELS, 0)
        for month in self.transactions:
            for channel, count in month.items():
                totals[channel] += count
        return totals

    def total_cost(self) -> Costs:
        total = Costs()
        for costs in (*self.transaction_costs.values(), *self.contact_costs.values()):
            total.count += costs.count
            total.cost += costs.cost
            total.by_phone += costs.by_phone
        return total


def _transaction_channel(channel: Channel, at_place: bool) -> str:
    if channel == Channel.ONLINE and at_place:
        return "kiosk"
    return channel.value


def _where(query, model, filters: Filters, time_column, *, months: list[date]):
    query = query.where(time_column >= _utc_start(months[0]), time_column < _utc_start(add_months(months[-1], 1)))
    if filters.service:
        query = query.where(model.service_id == filters.service)
    if filters.ward:
        query = query.where(model.ward == filters.ward)
    if filters.place_id:
        query = query.where(model.place_id == filters.place_id)
    return query


class _london_date(FunctionElement):
    """A UTC time's date. PostgreSQL gives London's; SQLite, which has no time zones, UTC's (an
    hour early in summer: a request answered between 23:00 and midnight UTC on its due day, which is
    past midnight in London, counts as answered in time)."""

    type = sa.Date()
    inherit_cache = True


@compiles(_london_date, "postgresql")
def _london_date_postgresql(element, compiler, **kw):
    return f"CAST(timezone('Europe/London', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(_london_date)
def _london_date_other(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)})"


def _case_rows(filters: Filters, months: list[date], today: date):
    bucket = _month_bucket(Case.created_at, months).label("month")
    at_place = (Case.place_id.is_not(None)).label("at_place")
    closed = Case.status == CaseStatus.CLOSED
    met = sa.func.sum(sa.case((sa.and_(closed, _london_date(Case.closed_at) <= Case.due_date), 1), else_=0))
    decided = sa.func.sum(sa.case((sa.or_(closed, Case.due_date < today), 1), else_=0))
    query = sa.select(bucket, Case.service_id, Case.channel, at_place, sa.func.count(), decided, met).group_by(
        bucket, Case.service_id, Case.channel, at_place
    )
    return db.session.execute(_where(query, Case, filters, Case.created_at, months=months))


def _contact_rows(filters: Filters, months: list[date]):
    bucket = _month_bucket(CaseContact.contacted_at, months).label("month")
    query = sa.select(bucket, CaseContact.channel, CaseContact.avoidable, sa.func.count()).group_by(
        bucket, CaseContact.channel, CaseContact.avoidable
    )
    return db.session.execute(_where(query, CaseContact, filters, CaseContact.contacted_at, months=months))


def _satisfaction_rows(filters: Filters, months: list[date]):
    at_place = (Case.place_id.is_not(None)).label("at_place")
    query = (
        sa.select(SatisfactionResponse.channel, at_place, SatisfactionResponse.rating, sa.func.count())
        .outerjoin(Case, Case.id == SatisfactionResponse.case_id)
        .where(
            SatisfactionResponse.created_at >= _utc_start(months[0]),
            SatisfactionResponse.created_at < _utc_start(add_months(months[-1], 1)),
        )
        .group_by(SatisfactionResponse.channel, at_place, SatisfactionResponse.rating)
    )
    if filters.service:
        query = query.where(SatisfactionResponse.service_id == filters.service)
    if filters.ward:
        query = query.where(Case.ward == filters.ward)
    if filters.place_id:
        query = query.where(Case.place_id == filters.place_id)
    return db.session.execute(query)


def figures(filters: Filters, *, unit_costs: dict[str, int], today: date) -> Figures:
    months = months_between(filters.first_month, filters.last_month)
    transactions = [dict.fromkeys(TRANSACTION_CHANNELS, 0) for _ in months]
    by_service: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(TRANSACTION_CHANNELS, 0))
    standards = [[0, 0] for _ in months]
    alternative_formats = [0 for _ in months]
    for month, service_id, channel, at_place, count, decided, met in _case_rows(filters, months, today):
        key = _transaction_channel(channel, bool(at_place))
        transactions[month][key] += count
        by_service[service_id][key] += count
        standards[month][0] += decided or 0
        standards[month][1] += met or 0
        if service_id == ALTERNATIVE_FORMATS_FORM:
            alternative_formats[month] += count

    contacts = [dict.fromkeys(CONTACT_CHANNELS, 0) for _ in months]
    avoidable = [0 for _ in months]
    for month, channel, was_avoidable, count in _contact_rows(filters, months):
        contacts[month][channel.value] += count
        if was_avoidable:
            avoidable[month] += count

    satisfaction: dict[str, dict[str, int]] = {}
    for channel, at_place, rating, count in _satisfaction_rows(filters, months):
        key = _transaction_channel(channel, bool(at_place))
        satisfaction.setdefault(key, dict.fromkeys(RATINGS, 0))[rating.value] += count

    result = Figures(
        filters=filters,
        months=months,
        transactions=transactions,
        by_service=dict(sorted(by_service.items())),
        standards=[(decided, met) for decided, met in standards],
        alternative_formats=alternative_formats,
        contacts=contacts,
        avoidable=avoidable,
        satisfaction={key: satisfaction[key] for key in TRANSACTION_CHANNELS if key in satisfaction},
    )
    phone = unit_costs["telephone"]
    for channel, count in result.channel_totals().items():
        unit = unit_costs[TRANSACTION_UNIT[channel]]
        result.transaction_costs[channel] = Costs(count, count * unit, count * phone)
    contact_totals = dict.fromkeys(CONTACT_CHANNELS, 0)
    for month in contacts:
        for channel, count in month.items():
            contact_totals[channel] += count
    for channel, count in contact_totals.items():
        unit = unit_costs[CONTACT_UNIT[channel]]
        result.contact_costs[channel] = Costs(count, count * unit, count * phone)
    return result


def percent(part: int, whole: int) -> float | None:
    return None if not whole else round(100 * part / whole, 1)


def satisfied_share(ratings: dict[str, int]) -> float | None:
    return percent(sum(ratings[rating] for rating in SATISFIED), sum(ratings.values()))
