"""Ward councillors: which wards each represents, the street reports in those wards (read only, and
never the reporter's name or contact details), and the digest of new and urgent reports sent on the
days each councillor chooses, by email or text, through the outbox.

Admins give the councillor role and wards; a councillor chooses the digest's channel and days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app import scheduler
from app.extensions import db
from app.models import Case, CouncillorDigest, CouncillorWard, MessageChannel, Role, StreetReport, User, utcnow
from app.models.street_reports import StreetReportState
from app.services import links, messages, street_locations, street_report_search, street_reports
from app.services.errors import ServiceError

LONDON = ZoneInfo("Europe/London")
PAGE_SIZE = 25
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # bit 1 << index in CouncillorDigest.weekdays
OPEN_STATES = (
    StreetReportState.OPEN,
    StreetReportState.INVESTIGATING,
    StreetReportState.ACTION_SCHEDULED,
    StreetReportState.REOPENED,
)
DIGEST_LIMIT = 50  # reports listed in one email; the rest are counted, with a link to the list
FIRST_DIGEST_COVERS = timedelta(days=1)


class CouncillorError(ServiceError):
    """Refused; `.reason` is a stable code the pages turn into words, `.field` the field at fault."""

    def __init__(self, reason: str, field: str | None = None):
        super().__init__(reason, field)
        self.reason = reason


# --- wards -------------------------------------------------------------------------------------------


def ward_names() -> list[str]:
    """The borough's wards, from the ward boundaries in the street reports settings."""
    return list(street_locations.boundaries().ward_names)


def wards_of(user: User) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(CouncillorWard.ward).where(CouncillorWard.user_id == user.id).order_by(CouncillorWard.ward)
        )
    )


def set_wards(councillor: User, wards: list[str], *, admin: User) -> None:
    """Give a councillor exactly these wards (names as in the ward boundaries)."""
    if councillor.role != Role.COUNCILLOR:
        raise CouncillorError("not-a-councillor", field="wards")
    known = set(ward_names())
    wanted = set(wards)
    if not wanted <= known:
        raise CouncillorError("unknown-ward", field="wards")
    existing = {
        row.ward: row
        for row in db.session.scalars(sa.select(CouncillorWard).where(CouncillorWard.user_id == councillor.id))
    }
    for ward, row in existing.items():
        if ward not in wanted:
            db.session.delete(row)
    for ward in sorted(wanted - existing.keys()):
        db.session.add(CouncillorWard(user_id=councillor.id, ward=ward, added_by_id=admin.id))
    db.session.flush()


# --- the list of reports in their wards --------------------------------------------------------------


@dataclass(frozen=True)
class WardReport:
    """A report as a councillor sees it: what and roughly where, never who reported it."""

    number: int
    category: str
    location: str
    ward: str
    state: StreetReportState
    urgent: bool
    description: str
    created_at: datetime


@dataclass(frozen=True)
class ReportPage:
    reports: list[WardReport]
    next_cursor: str | None  # for "Older reports": the last report's date and number


CURSOR_TIME = "%Y%m%dT%H%M%S%f"


def _cursor(report: WardReport) -> str:
    return f"{report.created_at.astimezone(UTC).strftime(CURSOR_TIME)}_{report.number}"


def parse_cursor(text: str | None) -> tuple[datetime, int] | None:
    """A cursor from the address ("20261124T063000123456_42"), or None when there is none or it is
    not one of ours."""
    if not text or len(text) > 40:
        return None
    stamp, _, number = text.partition("_")
    if not number.isdigit() or len(number) > 12:
        return None
    try:
        return datetime.strptime(stamp, CURSOR_TIME).replace(tzinfo=UTC), int(number)
    except ValueError:
        return None


def _as_ward_report(report: StreetReport, urgent: bool) -> WardReport:
    return WardReport(
        number=report.id,
        category=report.category,
        location=street_report_search.rough_location(report),
        ward=report.ward or "",
        state=report.state,
        urgent=urgent,
        description=report.description,
        created_at=report.created_at,
    )


def reports_in_wards(councillor: User, *, before: tuple[datetime, int] | None = None) -> ReportPage:
    """The newest reports in the councillor's wards, a page at a time (keyset: newer than nothing,
    older than the last one shown), so a long list costs the same on every page."""
    wards = wards_of(councillor)
    if not wards:
        return ReportPage([], None)
    query = (
        sa.select(StreetReport, Case.urgent)
        .join(Case, Case.id == StreetReport.case_id)
        .where(StreetReport.ward.in_(wards))
        .order_by(StreetReport.created_at.desc(), StreetReport.id.desc())
        .limit(PAGE_SIZE + 1)
    )
    if before is not None:
        moment, number = before
        query = query.where(
            sa.or_(
                StreetReport.created_at < moment,
                sa.and_(StreetReport.created_at == moment, StreetReport.id < number),
            )
        )
    rows = db.session.execute(query).all()
    reports = [_as_ward_report(report, urgent) for report, urgent in rows[:PAGE_SIZE]]
    more = len(rows) > PAGE_SIZE
    return ReportPage(reports, _cursor(reports[-1]) if more and reports else None)


# --- the digest --------------------------------------------------------------------------------------


def digest_settings(councillor: User) -> CouncillorDigest | None:
    return db.session.get(CouncillorDigest, councillor.id)


def weekdays_of(digest: CouncillorDigest | None) -> list[str]:
    if digest is None:
        return []
    return [day for index, day in enumerate(WEEKDAYS) if digest.weekdays & (1 << index)]


def save_digest_settings(councillor: User, *, channel: str, days: list[str]) -> CouncillorDigest:
    """The councillor's choice: by email or text, on these days (none: no digest)."""
    if councillor.role != Role.COUNCILLOR:
        raise CouncillorError("not-a-councillor")
    try:
        chosen = MessageChannel(channel)
    except ValueError:
        raise CouncillorError("unknown-channel", field="channel") from None
    if not set(days) <= set(WEEKDAYS):
        raise CouncillorError("unknown-day", field="days")
    if chosen == MessageChannel.SMS and not councillor.phone:
        raise CouncillorError("no-phone", field="channel")
    if chosen == MessageChannel.EMAIL and not councillor.email:
        raise CouncillorError("no-email", field="channel")
    digest = digest_settings(councillor)
    if digest is None:
        digest = CouncillorDigest(user_id=councillor.id)
        db.session.add(digest)
    digest.channel = chosen
    digest.weekdays = sum(1 << WEEKDAYS.index(day) for day in set(days))
    digest.updated_at = utcnow()
    db.session.flush()
    return digest


@dataclass(frozen=True)
class Digest:
    since: datetime
    new: list[WardReport]
    urgent: list[WardReport]  # urgent and still open, new or not
    new_count: int
    urgent_count: int

    @property
    def is_empty(self) -> bool:
        return not self.new_count and not self.urgent_count


def build_digest(councillor: User, *, since: datetime, until: datetime) -> Digest:
    wards = wards_of(councillor)
    in_wards = (
        sa.select(StreetReport, Case.urgent)
        .join(Case, Case.id == StreetReport.case_id)
        .where(StreetReport.ward.in_(wards))
        .order_by(StreetReport.created_at.desc(), StreetReport.id.desc())
    )
    new_query = in_wards.where(StreetReport.created_at > since, StreetReport.created_at <= until)
    urgent_query = in_wards.where(Case.urgent.is_(True), StreetReport.state.in_(OPEN_STATES))
    new = [_as_ward_report(r, u) for r, u in db.session.execute(new_query.limit(DIGEST_LIMIT)).all()]
    urgent = [_as_ward_report(r, u) for r, u in db.session.execute(urgent_query.limit(DIGEST_LIMIT)).all()]

    def count(query) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))

    return Digest(since=since, new=new, urgent=urgent, new_count=count(new_query), urgent_count=count(urgent_query))


def _recipient(councillor: User, channel: MessageChannel) -> str | None:
    return councillor.phone if channel == MessageChannel.SMS else councillor.email


def send_digest(councillor: User, digest_settings_row: CouncillorDigest, now: datetime) -> bool:
    """Queue this councillor's digest in the outbox (when there is anything to tell); remember when."""
    since = digest_settings_row.last_sent_at or now - FIRST_DIGEST_COVERS
    digest = build_digest(councillor, since=since, until=now)
    digest_settings_row.last_sent_at = now
    recipient = _recipient(councillor, digest_settings_row.channel)
    if digest.is_empty or recipient is None:
        db.session.flush()
        return False
    messages.queue(
        channel=digest_settings_row.channel,
        recipient=recipient,
        template="councillor_digest_sms" if digest_settings_row.channel == MessageChannel.SMS else "councillor_digest",
        language=councillor.language,
        context={
            "digest": digest,
            "wards": wards_of(councillor),
            "list_link": links.external_url("councillors.reports"),
            "category_name": street_reports.category_name,
            "language": councillor.language,
            "report_link": lambda number: links.external_url("street_reports.public_report", report_id=number),
        },
        user_id=councillor.id,
        now=now,
    )
    db.session.flush()
    return True


def is_digest_day(digest: CouncillorDigest, day: date) -> bool:
    return bool(digest.weekdays & (1 << day.weekday()))


def send_due_digests(now: datetime) -> dict[str, int]:
    """Every councillor whose chosen day it is (London time) and who has not had today's digest."""
    today = now.astimezone(LONDON).date()
    start_of_today = datetime.combine(today, datetime.min.time(), tzinfo=LONDON)
    due = db.session.scalars(
        sa.select(CouncillorDigest)
        .join(User, User.id == CouncillorDigest.user_id)
        .where(
            User.role == Role.COUNCILLOR,
            User.deleted_at.is_(None),
            CouncillorDigest.weekdays.op("&")(1 << today.weekday()) != 0,
            sa.or_(CouncillorDigest.last_sent_at.is_(None), CouncillorDigest.last_sent_at < start_of_today),
        )
        .order_by(CouncillorDigest.user_id)
    ).all()
    sent = nothing_new = 0
    for row in due:
        if send_digest(row.user, row, now):
            sent += 1
        else:
            nothing_new += 1
    return {"sent": sent, "nothing_new": nothing_new}


def send_digest_now(councillor: User, now: datetime) -> bool:
    """This councillor's digest now, whatever the day (for the demo and for support)."""
    row = digest_settings(councillor)
    if row is None:
        raise CouncillorError("no-digest-settings")
    return send_digest(councillor, row, now)


@scheduler.job(
    "councillor-digests",
    daily_at="07:00",
    title=_l("Send ward councillors their digest of new and urgent street reports"),
    summary=_l("%(sent)s digests sent, %(nothing_new)s with nothing new"),
)
def send_todays_digests() -> dict[str, int]:
    return send_due_digests(utcnow())
