"""A temporary courtesy vehicle on a resident permit, while the holder's own is being repaired.

    courtesy.lend(permit, vehicle, days, actor_id=..., channel=...)   # the permit covers it from now
    courtesy.end(permit, actor_id=..., channel=...)                     # back to the holder's own vehicle

For the days it covers, the permit moves to the courtesy vehicle: enforcement says valid for the
courtesy registration number in the permit's zone and not valid for the holder's own vehicle (as
most councils do: one permit, one vehicle parked on the street at a time; the holder's car is at the
garage). It starts at once and runs to midnight at the end of the last day (day 1 is today), never
past the permit's end; up to `courtesy_vehicle_max_days` in the parking settings; one at a time; free.
The holder can end it early. Each start and end is kept in the permit's history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from app.extensions import db
from app.models import Case, ParkingPermit, ParkingPermitChange, PermitStatus, utcnow
from app.services import case_work
from app.services.errors import ServiceError
from app.services.parking import permits, zones
from app.services.vehicles import VehicleAnswer

STARTED = "courtesy"
ENDED = "courtesy-end"


@dataclass(frozen=True)
class CourtesyVehicle:
    vehicle: VehicleAnswer
    starts_at: datetime
    ends_at: datetime  # exclusive

    @property
    def last_day(self) -> date:
        return last_day_before(self.ends_at)


def last_day_before(ends_at: datetime) -> date:
    """The last London day covered up to `ends_at` (midnight after it)."""
    return (ends_at.astimezone(permits.LONDON) - timedelta(days=1)).date()


def max_days() -> int:
    return zones.settings().courtesy_vehicle_max_days


def current(permit: ParkingPermit, now: datetime | None = None) -> CourtesyVehicle | None:
    """The courtesy vehicle the permit covers now (or from a moment still to come), if any."""
    now = now or utcnow()
    if permit.courtesy_vrm is None or permit.courtesy_ends_at is None or permit.courtesy_ends_at <= now:
        return None
    return CourtesyVehicle(
        VehicleAnswer.from_answer(permit.courtesy_vehicle or {"vrm": permit.courtesy_vrm}),
        permit.courtesy_starts_at,
        permit.courtesy_ends_at,
    )


def can_lend(permit: ParkingPermit, now: datetime | None = None) -> bool:
    """A resident permit valid now, with no courtesy vehicle on it already."""
    now = now or utcnow()
    return (
        permit.permit_type == "resident"
        and permit.status == PermitStatus.ACTIVE
        and permit.starts_at <= now < permit.ends_at
        and current(permit, now) is None
    )


def ends_at_for(permit: ParkingPermit, days: int, today: date | None = None) -> datetime:
    """Midnight at the end of the `days`th day (today is the first), or the permit's end if sooner."""
    today = today or permits.london_today()
    return min(permits.london_midnight(today + timedelta(days=days)), permit.ends_at)


def check_vehicle(permit: ParkingPermit, vrm: str) -> None:
    """ServiceError "same-vehicle" for the permit's own vehicle, "vehicle-has-permit" for one with a
    resident permit of its own or standing in on another permit now."""
    if vrm == permit.vrm:
        raise ServiceError("same-vehicle", field="vrm")
    if permits.current_permit_for_vehicle(vrm) is not None:
        raise ServiceError("vehicle-has-permit", field="vrm")
    now = utcnow()
    elsewhere = db.session.scalar(
        sa.select(ParkingPermit.id).where(
            ParkingPermit.courtesy_vrm == vrm,
            ParkingPermit.courtesy_ends_at > now,
            ParkingPermit.status == PermitStatus.ACTIVE,
            ParkingPermit.id != permit.id,
        )
    )
    if elsewhere is not None:
        raise ServiceError("vehicle-has-permit", field="vrm")


def lend(
    permit: ParkingPermit, vehicle: VehicleAnswer, days: int, *, actor_id: int | None, channel: str
) -> CourtesyVehicle:
    """Put the courtesy vehicle on the permit from now for `days` days. ServiceError:
    "courtesy-not-possible" (not valid now, or one already on it: a second confirm changes nothing),
    "courtesy-days", "vehicle-not-confirmed", "same-vehicle", "vehicle-has-permit"."""
    permit = permits.locked(permit.id)
    now = utcnow()
    if permit is None or not can_lend(permit, now):
        raise ServiceError("courtesy-not-possible")
    if not isinstance(days, int) or not 1 <= days <= max_days():
        raise ServiceError("courtesy-days", field="days")
    if vehicle.source != "dvla":
        raise ServiceError("vehicle-not-confirmed", field="vrm")
    check_vehicle(permit, vehicle.vrm)
    permit.courtesy_vrm = vehicle.vrm
    permit.courtesy_vehicle = vehicle.to_answer()
    permit.courtesy_starts_at = now
    permit.courtesy_ends_at = ends_at_for(permit, days)
    permit.updated_at = now  # the enforcement feed gives the permit again
    _record(permit, STARTED, actor_id=actor_id, channel=channel, now=now)
    lent = current(permit, now)
    _tell_the_holder(
        permit,
        lambda: _(
            "Your parking permit now covers the courtesy vehicle %(vrm)s until the end of %(day)s, instead of %(own)s.",
            vrm=lent.vehicle.plate,
            day=format_date(lent.last_day, "d MMMM yyyy"),
            own=permit.vrm,
        ),
    )
    return lent


def end(permit: ParkingPermit, *, actor_id: int | None, channel: str) -> None:
    """End the courtesy vehicle now: the permit covers the holder's own vehicle again at once.
    ServiceError "no-courtesy" when there is none (a second click changes nothing)."""
    permit = permits.locked(permit.id)
    now = utcnow()
    if permit is None or permit.status != PermitStatus.ACTIVE or current(permit, now) is None:
        raise ServiceError("no-courtesy")
    permit.courtesy_ends_at = max(now, permit.courtesy_starts_at)
    permit.updated_at = now
    _record(permit, ENDED, actor_id=actor_id, channel=channel, now=now)
    _tell_the_holder(
        permit,
        lambda: _(
            "The courtesy vehicle %(vrm)s is no longer on your parking permit. It covers %(own)s again.",
            vrm=permit.courtesy_vrm,
            own=permit.vrm,
        ),
    )


def _record(permit: ParkingPermit, kind: str, *, actor_id: int | None, channel: str, now: datetime) -> None:
    db.session.add(
        ParkingPermitChange(
            permit_id=permit.id,
            kind=kind,
            old_vrm=permit.vrm,
            new_vrm=permit.courtesy_vrm,
            old_price_pence=permit.price_pence,
            new_price_pence=permit.price_pence,
            difference_pence=0,
            actor_id=actor_id,
            channel=channel,
            created_at=now,
        )
    )
    db.session.flush()


def _tell_the_holder(permit: ParkingPermit, message) -> None:
    case = db.session.get(Case, permit.case_id) if permit.case_id else None
    if case is None:
        return
    with force_locale(case.language):
        text = message()
    case_work.change_status(case, None, case.status, text)
