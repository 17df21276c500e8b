"""Visitor permits: a household's credit of visitor hours (or days), bought in packs, spent on
sessions for visitors' vehicles.

    credit = visitors.credit(uprn)                       # Credit: allowance, bought, used, left
    session = visitors.start_session(uprn, vrm=..., starts_at=None, units=2, channel="online", user_id=...)
    visitors.cancel_session(session, actor_id=None, channel="online")   # before it starts: all credit back

A session is a ParkingPermit with permit_type "visitor", so the enforcement check finds it like any
permit. Every change to the credit is a ledger entry, made while the household's VisitorAccount row
is locked: two tabs, two clicks or two household members at once can never spend the same credit
twice, nor start more sessions at once than the settings allow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import (
    ParkingPermit,
    PermitStatus,
    VisitorAccount,
    VisitorFavourite,
    VisitorLedgerEntry,
    VisitorLedgerKind,
    utcnow,
)
from app.services import references
from app.services.errors import ServiceError
from app.services.parking.permits import LONDON, london_midnight
from app.services.parking.settings import VisitorRules
from app.services.parking.zones import AddressStanding, settings, standing_of

VISITOR = "visitor"
MAX_NAME_LENGTH = 40


def rules() -> VisitorRules:
    return settings().visitors


def household(uprn: int | None) -> AddressStanding | None:
    """The address's standing when it may have visitor permits, else None."""
    standing = standing_of(uprn)
    if standing is None or not standing.visitor_permits(settings()):
        return None
    return standing


def year_start(today: date, visitor_rules: VisitorRules | None = None) -> date:
    """The first day of the allowance year that `today` is in."""
    month = (visitor_rules or rules()).year_starts_month
    start = date(today.year, month, 1)
    return start if start <= today else date(today.year - 1, month, 1)


def london_today(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(LONDON).date()


@dataclass(frozen=True)
class Credit:
    allowance: int  # the most that may be bought in a year
    bought: int  # bought this allowance year
    used: int  # spent this allowance year, less what cancelled sessions gave back
    left: int  # credit to spend now (credit does not expire)
    year_started: date
    next_year: date

    @property
    def can_buy(self) -> int:
        return max(0, self.allowance - self.bought)


def credit(uprn: int, now: datetime | None = None) -> Credit:
    visitor_rules = rules()
    started = year_start(london_today(now), visitor_rules)
    since = london_midnight(started)
    totals = dict(
        db.session.execute(
            sa.select(VisitorLedgerEntry.kind, sa.func.sum(VisitorLedgerEntry.units))
            .where(VisitorLedgerEntry.uprn == uprn, VisitorLedgerEntry.created_at >= since)
            .group_by(VisitorLedgerEntry.kind)
        ).all()
    )
    account = db.session.get(VisitorAccount, uprn)
    return Credit(
        allowance=visitor_rules.allowance_per_year,
        bought=totals.get(VisitorLedgerKind.BOUGHT) or 0,
        used=-(totals.get(VisitorLedgerKind.USED) or 0) - (totals.get(VisitorLedgerKind.RETURNED) or 0),
        left=account.balance_units if account is not None else 0,
        year_started=started,
        next_year=date(started.year + 1, started.month, 1),
    )


def ledger(uprn: int, limit: int = 50) -> list[VisitorLedgerEntry]:
    return list(
        db.session.scalars(
            sa.select(VisitorLedgerEntry)
            .where(VisitorLedgerEntry.uprn == uprn)
            .order_by(VisitorLedgerEntry.created_at.desc(), VisitorLedgerEntry.id.desc())
            .limit(limit)
        )
    )


def sessions(uprn: int, now: datetime | None = None) -> list[ParkingPermit]:
    """The household's sessions that have not ended or been cancelled, soonest first."""
    return list(
        db.session.scalars(
            sa.select(ParkingPermit)
            .where(
                ParkingPermit.uprn == uprn,
                ParkingPermit.permit_type == VISITOR,
                ParkingPermit.status == PermitStatus.ACTIVE,
                ParkingPermit.ends_at > (now or utcnow()),
            )
            .order_by(ParkingPermit.starts_at, ParkingPermit.id)
        )
    )


def session_at(uprn: int, reference: str) -> ParkingPermit | None:
    """The household's session with this reference; None for anyone else's."""
    if not isinstance(reference, str) or len(reference) > 20:
        return None
    return db.session.scalar(
        sa.select(ParkingPermit).where(
            ParkingPermit.reference == reference, ParkingPermit.uprn == uprn, ParkingPermit.permit_type == VISITOR
        )
    )


def _locked_account(uprn: int) -> VisitorAccount:
    """The household's account row, locked until the transaction ends (made if it is the first)."""
    query = (
        sa.select(VisitorAccount)
        .where(VisitorAccount.uprn == uprn)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    account = db.session.scalar(query)
    if account is None:
        try:
            with db.session.begin_nested():
                db.session.add(VisitorAccount(uprn=uprn, balance_units=0, updated_at=utcnow()))
        except IntegrityError:
            pass  # another request made it at the same moment: lock theirs
        account = db.session.scalar(query)
    return account


def add_credit(uprn: int, units: int, *, case_id: int | None, user_id: int | None, channel: str) -> VisitorLedgerEntry:
    """A paid pack. ServiceError("visitor-allowance") if it would take the year's purchases past the
    allowance (the payment is then refunded by the payment step)."""
    if not isinstance(units, int) or units < 1:
        raise ServiceError("visitor-pack")
    account = _locked_account(uprn)
    if units > credit(uprn).can_buy:
        raise ServiceError("visitor-allowance")
    return _record(account, VisitorLedgerKind.BOUGHT, units, case_id=case_id, user_id=user_id, channel=channel)


def _record(account: VisitorAccount, kind, units: int, **details) -> VisitorLedgerEntry:
    account.balance_units += units
    account.updated_at = utcnow()
    entry = VisitorLedgerEntry(uprn=account.uprn, kind=kind, units=units, created_at=utcnow(), **details)
    db.session.add(entry)
    db.session.flush()
    return entry


def session_end(starts_at: datetime, units: int, visitor_rules: VisitorRules) -> datetime:
    return starts_at + timedelta(minutes=units * visitor_rules.unit_minutes)


def start_session(
    uprn: int,
    *,
    vrm: str,
    starts_at: datetime | None,
    units: int,
    channel: str,
    user_id: int | None,
    actor_id: int | None = None,
    now: datetime | None = None,
) -> ParkingPermit:
    """Spend credit on a session for a (normalised) registration number, from now (starts_at None)
    or a later moment (aware), for `units` hours or days. ServiceError codes, each with the field it
    belongs to: visitor-address, visitor-length, visitor-start-past, visitor-start-too-far,
    visitor-credit, visitor-too-many, visitor-same-vehicle."""
    visitor_rules = rules()
    standing = household(uprn)
    if standing is None:
        raise ServiceError("visitor-address")
    if units not in visitor_rules.session_lengths:
        raise ServiceError("visitor-length", field="length")
    now = (now or utcnow()).replace(microsecond=0)
    if starts_at is None:
        starts_at = now
    elif starts_at < now - timedelta(minutes=1):
        raise ServiceError("visitor-start-past", field="start")
    elif starts_at > now + timedelta(days=visitor_rules.max_days_ahead):
        raise ServiceError("visitor-start-too-far", field="start")
    starts_at = max(starts_at, now)
    ends_at = session_end(starts_at, units, visitor_rules)

    account = _locked_account(uprn)  # from here to the commit, this household's credit is ours alone
    if account.balance_units < units:
        raise ServiceError("visitor-credit", field="length")
    overlapping = [
        found
        for found in db.session.scalars(
            sa.select(ParkingPermit).where(
                ParkingPermit.uprn == uprn,
                ParkingPermit.permit_type == VISITOR,
                ParkingPermit.status == PermitStatus.ACTIVE,
                ParkingPermit.starts_at < ends_at,
                ParkingPermit.ends_at > starts_at,
            )
        )
    ]
    if any(found.vrm == vrm for found in overlapping):
        raise ServiceError("visitor-same-vehicle", field="vrm")
    if len(overlapping) >= visitor_rules.max_sessions_at_once:
        raise ServiceError("visitor-too-many", field="start")
    session = ParkingPermit(
        reference=references.new_reference(),
        permit_type=VISITOR,
        status=PermitStatus.ACTIVE,
        user_id=user_id,
        uprn=uprn,
        zone=standing.zone.code,
        vrm=vrm,
        vehicle={"source": "visitor", "vrm": vrm},
        starts_at=starts_at,
        ends_at=ends_at,
        months=0,
        price_pence=0,
        quote={"units": units, "unit": visitor_rules.unit},
        created_at=now,
        updated_at=now,
    )
    db.session.add(session)
    db.session.flush()
    _record(
        account,
        VisitorLedgerKind.USED,
        -units,
        permit_id=session.id,
        user_id=user_id,
        actor_id=actor_id,
        channel=channel,
    )
    return session


def units_of(session: ParkingPermit) -> int:
    return int((session.quote or {}).get("units", 0))


def can_cancel(session: ParkingPermit, now: datetime | None = None) -> bool:
    return session.status == PermitStatus.ACTIVE and (now or utcnow()) < session.starts_at


def cancel_session(
    session: ParkingPermit, *, channel: str, user_id: int | None, actor_id: int | None = None
) -> VisitorLedgerEntry:
    """Cancel a session that has not started: all its credit comes back, once, however many times
    the button is pressed. ServiceError("visitor-started") once it has started or been cancelled."""
    account = _locked_account(session.uprn)
    db.session.refresh(session)  # as it is now that the household is locked, not as first read
    if not can_cancel(session):
        raise ServiceError("visitor-started")
    session.status = PermitStatus.CANCELLED
    session.updated_at = utcnow()
    return _record(
        account,
        VisitorLedgerKind.RETURNED,
        units_of(session),
        permit_id=session.id,
        user_id=user_id,
        actor_id=actor_id,
        channel=channel,
    )


# --- favourite visitor vehicles -------------------------------------------------------------------


def favourites(user_id: int) -> list[VisitorFavourite]:
    return list(
        db.session.scalars(
            sa.select(VisitorFavourite).where(VisitorFavourite.user_id == user_id).order_by(VisitorFavourite.name)
        )
    )


def add_favourite(user_id: int, vrm: str, name: str) -> VisitorFavourite:
    """ServiceError("favourite-limit") at the settings' most, ("favourite-exists") for a vehicle
    already kept."""
    kept = favourites(user_id)
    if any(found.vrm == vrm for found in kept):
        raise ServiceError("favourite-exists", field="vrm")
    if len(kept) >= rules().max_favourites:
        raise ServiceError("favourite-limit", field="vrm")
    favourite = VisitorFavourite(user_id=user_id, vrm=vrm, name=name[:MAX_NAME_LENGTH], created_at=utcnow())
    db.session.add(favourite)
    db.session.flush()
    return favourite


def remove_favourite(user_id: int, favourite_id: int) -> bool:
    """False when it is not one of the person's."""
    found = db.session.get(VisitorFavourite, favourite_id)
    if found is None or found.user_id != user_id:
        return False
    db.session.delete(found)
    db.session.flush()
    return True
