"""What enforcement officers' handhelds ask: may this vehicle park in this zone at this moment?

    answer = enforcement.check(vrm, zone, at, api_key_id=key.id)   # EnforcementAnswer

A vehicle may park when a live resident permit for it in that zone covers the moment, or ended no
more than the grace period before it. While a courtesy vehicle stands in on a permit (courtesy.py),
the permit covers the courtesy vehicle and not its own; after a move to another zone takes effect
(moving.py), the permit is for the new zone (`enforcement_grace_minutes` in the parking settings: a
permit that ran out a minute before the officer looked is not a ticket). Every check is logged with
the key that asked, the vehicle, the zone, the moment and the answer, and the log is kept for
`enforcement_log_days`, then deleted by the scheduled job `purge-enforcement-checks`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app import scheduler
from app.extensions import db
from app.models import EnforcementCheck, ParkingPermit, PermitStatus, utcnow
from app.services.parking.zones import settings


@dataclass(frozen=True)
class CoveringPermit:
    permit_type: str
    reference: str
    valid_from: datetime
    valid_to: datetime  # exclusive: the moment it stops
    courtesy: bool = False  # the vehicle is a courtesy vehicle standing in for the permit's own

    def to_json(self) -> dict:
        found = {
            "type": self.permit_type,
            "reference": self.reference,
            "valid_from": iso_utc(self.valid_from),
            "valid_to": iso_utc(self.valid_to),
        }
        if self.courtesy:
            found["courtesy"] = True
        return found


@dataclass(frozen=True)
class EnforcementAnswer:
    vrm: str
    zone: str
    at: datetime
    valid: bool
    permits: list[CoveringPermit]

    def to_json(self) -> dict:
        return {
            "vrm": self.vrm,
            "zone": self.zone,
            "at": iso_utc(self.at),
            "valid": self.valid,
            "permits": [permit.to_json() for permit in self.permits],
        }


def iso_utc(moment: datetime) -> str:
    """UTC, ISO 8601, to the second: "2026-11-23T09:14:03Z"."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _in_zone_at(zone, at):
    """The permit is for `zone` at `at`: its own zone until a move to another takes effect, then the new one."""
    return sa.or_(
        sa.and_(ParkingPermit.zone == zone, sa.or_(ParkingPermit.moves_at.is_(None), ParkingPermit.moves_at > at)),
        sa.and_(ParkingPermit.move_zone == zone, ParkingPermit.moves_at <= at),
    )


@cache
def _covering_statement() -> sa.Select:
    """The permits for the vehicle itself (not while a courtesy vehicle stands in for it), then those
    on which it is the courtesy vehicle at that moment (valid from and to: the courtesy days). One
    statement, each half read through its own index. Built once, with parameters: building it and
    its cache key on every check cost more than running it."""
    moment = ParkingPermit.starts_at.type
    vrm, zone = sa.bindparam("vrm", type_=sa.String()), sa.bindparam("zone", type_=sa.String())
    at, since = sa.bindparam("at", type_=moment), sa.bindparam("since", type_=moment)
    own = sa.select(
        ParkingPermit.permit_type,
        ParkingPermit.reference,
        ParkingPermit.starts_at.label("valid_from"),
        ParkingPermit.ends_at.label("valid_to"),
        sa.literal(0).label("courtesy"),
    ).where(
        ParkingPermit.vrm == vrm,
        ParkingPermit.ends_at > since,
        ParkingPermit.starts_at <= at,
        _in_zone_at(zone, at),
        ParkingPermit.status == PermitStatus.ACTIVE,
        sa.or_(
            ParkingPermit.courtesy_starts_at.is_(None),
            ParkingPermit.courtesy_starts_at > at,
            ParkingPermit.courtesy_ends_at <= at,
        ),
    )
    courtesy = sa.select(
        ParkingPermit.permit_type,
        ParkingPermit.reference,
        ParkingPermit.courtesy_starts_at,
        ParkingPermit.courtesy_ends_at,
        sa.literal(1),
    ).where(
        ParkingPermit.courtesy_vrm == vrm,
        ParkingPermit.courtesy_ends_at > since,
        ParkingPermit.courtesy_starts_at <= at,
        ParkingPermit.ends_at > since,
        _in_zone_at(zone, at),
        ParkingPermit.status == PermitStatus.ACTIVE,
    )
    both = sa.union_all(own, courtesy).subquery()
    return sa.select(both).order_by(both.c.courtesy, both.c.valid_to.desc())


def covering_permits(vrm: str, zone: str, at: datetime, grace: timedelta) -> list[CoveringPermit]:
    """The permits that let the vehicle park in the zone at the moment (see _covering_statement)."""
    rows = db.session.execute(_covering_statement(), {"vrm": vrm, "zone": zone, "at": at, "since": at - grace})
    return [
        CoveringPermit(permit_type, reference, _aware(valid_from), _aware(valid_to), courtesy=bool(is_courtesy))
        for permit_type, reference, valid_from, valid_to, is_courtesy in rows
    ]


def _aware(moment: datetime | str) -> datetime:
    """A moment read through the union (SQLite gives it back as text, without the model's type)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def check(vrm: str, zone: str, at: datetime, *, api_key_id: int | None) -> EnforcementAnswer:
    """The answer for a (normalised) registration number and a zone code from the settings, at an
    aware moment; logged."""
    rules = settings()
    found = covering_permits(vrm, zone, at, timedelta(minutes=rules.enforcement_grace_minutes))
    answer = EnforcementAnswer(vrm, zone, at, bool(found), found)
    db.session.add(
        EnforcementCheck(checked_at=utcnow(), api_key_id=api_key_id, vrm=vrm, zone=zone, at=at, valid=answer.valid)
    )
    return answer


@scheduler.job(
    "purge-enforcement-checks",
    daily_at="03:30",
    title=_l("Delete old parking enforcement checks"),
    summary=_l("%(deleted)s checks deleted"),
)
def purge_old_checks() -> dict[str, int]:
    """Delete logged checks older than `enforcement_log_days` (the scheduler commits)."""
    cutoff = utcnow() - timedelta(days=settings().enforcement_log_days)
    deleted = db.session.execute(sa.delete(EnforcementCheck).where(EnforcementCheck.checked_at < cutoff)).rowcount
    return {"deleted": deleted or 0}
