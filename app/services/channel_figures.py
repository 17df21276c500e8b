"""The council's channel-shift figures: per month and per service, the share of transactions by
channel, satisfaction by channel, avoidable contact, service standards met, letters in alternative
formats, letters sent and their cost, and what each channel costs against the same work done by phone.

Everything is read from the counts kept as things happen (app/services/channel_figures_counts.py,
and docs/performance.md for why counts and not queries over the cases), in one grouped query, and
one more over the open cases for those past their due date. Months are London months.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from app.extensions import db
from app.models import Case, ChannelFigureCount, SatisfactionRating
from app.services.council_tax import paperless

# Open cases, written as the inbox's partial indexes are (app/models/cases.py), so they are used.
OPEN = Case.status != sa.literal_column("'closed'")
# The form whose requests are letters (and other documents) in an alternative format.
ALTERNATIVE_FORMATS_FORM = "alternative-formats"
# How a transaction was made, as the council reports it: online from a kiosk is online at a place.
TRANSACTION_CHANNELS = ("online", "kiosk", "assisted", "telephone", "face_to_face", "open311", "councillor")
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
    "councillor": "web",  # a ward councillor filled in the form online for a resident
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
    # month index -> (answered, answered by the due date)
    standards: list[tuple[int, int]]
    alternative_formats: list[int]
    letters_sent: list[int]  # letters queued (outgoing post), each month
    # month index -> contact channel -> count, and avoidable counts
    contacts: list[dict[str, int]]
    avoidable: list[int]
    # transaction channel -> rating -> count
    satisfaction: dict[str, dict[str, int]]
    open_past_due: int = 0  # requests not answered and past their due date today
    transaction_costs: dict[str, Costs] = field(default_factory=dict)
    contact_costs: dict[str, Costs] = field(default_factory=dict)
    letter_unit_cost: int = 0  # pence, an outgoing letter
    # Accounts with paperless council tax bills now (for the whole council only: None when a
    # service, ward or place is chosen), and the paper bills each would get in a year.
    paperless_accounts: int | None = None
    paper_bills_per_year: int = 1

    @property
    def post_avoided(self) -> int | None:
        """Letters a year avoided by paperless choices."""
        return None if self.paperless_accounts is None else self.paperless_accounts * self.paper_bills_per_year

    @property
    def letters_cost(self) -> int:
        return sum(self.letters_sent) * self.letter_unit_cost

    @property
    def total_transactions(self) -> int:
        return sum(sum(month.values()) for month in self.transactions)

    @property
    def total_contacts(self) -> int:
        return sum(sum(month.values()) for month in self.contacts)

    @property
    def is_empty(self) -> bool:
        return (
            not self.total_transactions
            and not self.total_contacts
            and not self.satisfaction
            and not sum(self.letters_sent)
            and not self.post_avoided
        )

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


def _count_rows(filters: Filters, months: list[date]):
    counts = ChannelFigureCount
    query = (
        sa.select(counts.month, counts.service_id, counts.measure, sa.func.sum(counts.count))
        .where(counts.month >= months[0], counts.month <= months[-1])
        .group_by(counts.month, counts.service_id, counts.measure)
    )
    if filters.service:
        query = query.where(counts.service_id == filters.service)
    if filters.ward:
        query = query.where(counts.ward == filters.ward)
    if filters.place_id:
        query = query.where(counts.place_id == filters.place_id)
    return db.session.execute(query)


def open_past_due(filters: Filters, today: date) -> int:
    """Requests not answered and past their due date today: a range of one partial index of open
    cases (by ward or place, then due date: migration 0038; for all, the inbox's)."""
    query = sa.select(sa.func.count()).select_from(Case).where(OPEN, Case.due_date < today)
    if filters.service:
        query = query.where(Case.service_id == filters.service)
    if filters.ward:
        query = query.where(Case.ward == filters.ward)
    if filters.place_id:
        query = query.where(Case.place_id == filters.place_id)
    return db.session.scalar(query)


def figures(filters: Filters, *, unit_costs: dict[str, int], today: date, paper_bills_per_year: int = 1) -> Figures:
    months = months_between(filters.first_month, filters.last_month)
    index = {month: number for number, month in enumerate(months)}
    transactions = [dict.fromkeys(TRANSACTION_CHANNELS, 0) for _ in months]
    by_service: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(TRANSACTION_CHANNELS, 0))
    standards = [[0, 0] for _ in months]
    alternative_formats = [0 for _ in months]
    letters_sent = [0 for _ in months]
    contacts = [dict.fromkeys(CONTACT_CHANNELS, 0) for _ in months]
    avoidable = [0 for _ in months]
    satisfaction: dict[str, dict[str, int]] = {}
    for month, service_id, measure, count in _count_rows(filters, months):
        number = index[month]
        kind, _, rest = measure.partition(":")
        if kind == "made":
            transactions[number][rest] += count
            by_service[service_id][rest] += count
            if service_id == ALTERNATIVE_FORMATS_FORM:
                alternative_formats[number] += count
        elif kind == "answered":
            standards[number][0] += count
        elif kind == "answered_on_time":
            standards[number][1] += count
        elif kind == "contact":
            contacts[number][rest] += count
        elif kind == "avoidable":
            avoidable[number] += count
        elif kind == "letter":
            letters_sent[number] += count
        elif kind == "rating":
            channel, _, rating = rest.partition(":")
            satisfaction.setdefault(channel, dict.fromkeys(RATINGS, 0))[rating] += count

    result = Figures(
        filters=filters,
        months=months,
        transactions=transactions,
        by_service=dict(sorted(by_service.items())),
        standards=[(answered, on_time) for answered, on_time in standards],
        alternative_formats=alternative_formats,
        letters_sent=letters_sent,
        letter_unit_cost=unit_costs["letter_out"],
        contacts=contacts,
        avoidable=avoidable,
        satisfaction={key: satisfaction[key] for key in TRANSACTION_CHANNELS if key in satisfaction},
        open_past_due=open_past_due(filters, today),
        paper_bills_per_year=paper_bills_per_year,
    )
    if not (filters.service or filters.ward or filters.place_id):
        result.paperless_accounts = paperless.paperless_accounts()
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
