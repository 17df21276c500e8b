"""Parking permits: who holds which, from when to when, at which address.

Times are stored in UTC; a permit's days are London days, from midnight at the start of its first
day to midnight after its last (`ends_at` is exclusive).
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.extensions import db
from app.models import ParkingPermit
from app.models.parking import LIVE_STATUSES

LONDON = ZoneInfo("Europe/London")


def london_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LONDON).astimezone(ZoneInfo("UTC"))


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later (the last day of a shorter month)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def household_position(uprn: int, starts: date) -> int:
    """1 + the live resident permits at the address on the day a new one would start: the new
    permit is the household's first, second, third..."""
    moment = london_midnight(starts)
    others = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ParkingPermit)
        .where(
            ParkingPermit.uprn == uprn,
            ParkingPermit.permit_type == "resident",
            ParkingPermit.status.in_(LIVE_STATUSES),
            ParkingPermit.ends_at > moment,
        )
    )
    return 1 + (others or 0)
