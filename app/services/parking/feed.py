"""The enforcement feed: the permits in a zone that changed since a moment, oldest change first, a
page at a time, for handhelds that keep their own copy and sync.

    page = feed.changed_permits("A", since, after=cursor, limit=500)   # FeedPage

Pages are keyed by (updated_at, id), never by offset, so a page costs the same however deep it is
and a permit changed while a handheld is paging is not skipped: it moves to the end and comes again.
Every permit is in it, cancelled ones too (with their status), so a handheld can drop them.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from app.extensions import db
from app.models import ParkingPermit
from app.services.parking.enforcement import iso_utc

MAX_LIMIT = 1000
DEFAULT_LIMIT = 500


@dataclass(frozen=True)
class FeedPage:
    permits: list[ParkingPermit]
    next_cursor: str | None  # None: this was the last page for now


def cursor_for(permit: ParkingPermit) -> str:
    raw = f"{permit.updated_at.astimezone(UTC).isoformat()}|{permit.id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def read_cursor(text: str) -> tuple[datetime, int] | None:
    """(updated_at, id) from a cursor this feed gave; None for anything else."""
    if not text or len(text) > 100:
        return None
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        moment, _sep, number = raw.partition("|")
        at = datetime.fromisoformat(moment)
        if at.tzinfo is None or not number.isdigit() or len(number) > 18:
            return None
        return at, int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def changed_permits(
    zone: str, since: datetime, *, after: tuple[datetime, int] | None = None, limit: int = DEFAULT_LIMIT
) -> FeedPage:
    query = sa.select(ParkingPermit).where(ParkingPermit.zone == zone, ParkingPermit.updated_at >= since)
    if after is not None:
        at, number = after
        # A row-value comparison (both databases use the index for it), with the range on its own
        # too, so the planner starts the index scan at the cursor.
        query = query.where(
            ParkingPermit.updated_at >= at,
            sa.tuple_(ParkingPermit.updated_at, ParkingPermit.id) > sa.tuple_(at, number),
        )
    rows = list(db.session.scalars(query.order_by(ParkingPermit.updated_at, ParkingPermit.id).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return FeedPage(rows, cursor_for(rows[-1]) if more else None)


def to_json(permit: ParkingPermit) -> dict:
    found = {
        "reference": permit.reference,
        "type": permit.permit_type,
        "vrm": permit.vrm,
        "status": permit.status.value,
        "valid_from": iso_utc(permit.starts_at),
        "valid_to": iso_utc(permit.ends_at),
        "changed_at": iso_utc(permit.updated_at),
    }
    if permit.courtesy_vrm is not None and permit.courtesy_ends_at is not None:
        # Between these moments the permit covers this vehicle instead of `vrm` (courtesy.py).
        found["courtesy"] = {
            "vrm": permit.courtesy_vrm,
            "valid_from": iso_utc(permit.courtesy_starts_at),
            "valid_to": iso_utc(permit.courtesy_ends_at),
        }
    if permit.moves_at is not None:
        # From this moment the permit is for another zone (moving.py).
        found["moves"] = {"zone": permit.move_zone, "from": iso_utc(permit.moves_at)}
    return found
