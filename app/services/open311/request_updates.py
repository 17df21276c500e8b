"""Public updates as FixMyStreet's servicerequestupdates: each note staff (or a reporter saying "it
is not fixed") added to a report, with the state it moved to. FixMyStreet asks for the updates
between start_date and end_date and applies them to the reports it sent us, so they come oldest
first; a call returns at most MAX_UPDATES, and the caller asks again from the last one's time.

FixMyStreet reads the status with its extended statuses: the state's own name, and for a report
closed without being fixed, the reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import sqlalchemy as sa

from app.extensions import db
from app.models import ClosedReason, StreetReportState, StreetReportUpdate, utcnow
from app.services.open311 import service_requests

MAX_UPDATES = 1000
STATUSES = {
    StreetReportState.OPEN: "open",
    StreetReportState.INVESTIGATING: "investigating",
    StreetReportState.ACTION_SCHEDULED: "action_scheduled",
    StreetReportState.FIXED: "fixed",
    StreetReportState.REOPENED: "open",
}
CLOSED_REASONS = {
    ClosedReason.NOT_OUR_RESPONSIBILITY: "not_councils_responsibility",
    ClosedReason.NO_FURTHER_ACTION: "no_further_action",
    ClosedReason.DUPLICATE: "duplicate",
}


def status_of(found: StreetReportUpdate) -> str:
    if found.state == StreetReportState.CLOSED_NOT_FIXED:
        return CLOSED_REASONS.get(found.closed_reason, "closed")
    return STATUSES[found.state]


def find(args: Mapping[str, str], now: datetime | None = None) -> list[StreetReportUpdate]:
    """The updates made between start_date and end_date (by default the last 90 days), oldest first."""
    start, end = service_requests.parse_window(args, now or utcnow())
    return list(
        db.session.scalars(
            sa.select(StreetReportUpdate)
            .where(StreetReportUpdate.created_at >= start, StreetReportUpdate.created_at <= end)
            .order_by(StreetReportUpdate.created_at, StreetReportUpdate.id)
            .limit(MAX_UPDATES)
        )
    )


def as_update(found: StreetReportUpdate) -> dict:
    return {
        "update_id": found.id,
        "service_request_id": found.report_id,
        "status": status_of(found),
        "description": found.note,
        "updated_datetime": service_requests.w3c(found.created_at),
        "media_url": "",
    }
